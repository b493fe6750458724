import {
  ItemStatus,
  ObjectAbsence,
  type Day,
  type DayRange,
  type FileRowItem,
  type FileRowStore,
  type ObjectStore,
  type StoredDay,
  type TextObjectWriter,
} from '@gapless/pipeline-core';

/** Objects in memory, each with an entity tag that changes when it is written again. */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { bytes: Uint8Array; etag: string }>();
  /** Bytes handed out per read call: small chunks exercise the parser's chunk boundaries. */
  chunkBytes = 7;
  private version = 0;
  /** Runs before each `open`, so a test can change the object between the two passes. */
  beforeOpen: (key: string, opens: number) => void = () => {};
  private opens = 0;

  put(bucket: string, key: string, body: string | Uint8Array): string {
    this.version += 1;
    const etag = `"v${this.version}"`;
    this.objects.set(`${bucket}/${key}`, {
      bytes: typeof body === 'string' ? new TextEncoder().encode(body) : body,
      etag,
    });
    return etag;
  }

  text(bucket: string, key: string): string | undefined {
    const found = this.objects.get(`${bucket}/${key}`);
    return found === undefined ? undefined : new TextDecoder().decode(found.bytes);
  }

  async head(bucket: string, key: string) {
    const found = this.objects.get(`${bucket}/${key}`);
    return found === undefined ? ObjectAbsence.Missing : { size: found.bytes.length, etag: found.etag };
  }

  async open(bucket: string, key: string, ifMatch?: string) {
    this.opens += 1;
    this.beforeOpen(key, this.opens);
    const found = this.objects.get(`${bucket}/${key}`);
    if (found === undefined) return ObjectAbsence.Missing;
    if (ifMatch !== undefined && found.etag !== ifMatch && found.etag !== `"${ifMatch}"`)
      return ObjectAbsence.Changed;
    const { bytes } = found;
    const chunk = this.chunkBytes;
    async function* body() {
      for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
    }
    return { body: body(), etag: found.etag, size: bytes.length };
  }

  async copy(bucket: string, from: string, to: string, ifMatch?: string) {
    const found = this.objects.get(`${bucket}/${from}`);
    if (found === undefined) return ObjectAbsence.Missing;
    if (ifMatch !== undefined && found.etag !== ifMatch && found.etag !== `"${ifMatch}"`)
      return ObjectAbsence.Changed;
    this.put(bucket, to, found.bytes);
    return 'copied' as const;
  }

  textWriter(bucket: string, key: string): TextObjectWriter & { aborted: boolean } {
    const parts: string[] = [];
    const writer = {
      aborted: false,
      write: async (text: string) => void parts.push(text),
      finish: async () => void this.put(bucket, key, parts.join('')),
      abort: async () => {
        writer.aborted = true;
      },
    };
    return writer;
  }
}

/** One stored item of the memory table. */
export interface MemoryItem extends StoredDay {
  readonly source?: string;
}

/**
 * The table in memory with DynamoDB's semantics for what csv_ingest does: conditional single writes, batch
 * writes that may leave items unprocessed (`unprocessedOnce` hands each of those keys back once), and a hook
 * that lets another writer act between the read and the write.
 */
export class MemoryFileRowStore implements FileRowStore {
  readonly items = new Map<string, MemoryItem>();
  readonly leases = new Map<string, DayRange[]>();
  readonly calls: string[] = [];
  /** Keys whose first batch write comes back unprocessed. */
  readonly unprocessedOnce = new Set<string>();
  /** Keys whose batch write is never processed. */
  readonly neverProcessed = new Set<string>();
  /** Runs before each conditional write: another writer may change the item there. */
  beforeReplace: (item: FileRowItem) => void = () => {};

  static key(infoType: string, day: Day): string {
    return `${infoType} ${day}`;
  }

  set(infoType: string, day: Day, item: MemoryItem): void {
    this.items.set(MemoryFileRowStore.key(infoType, day), item);
  }

  get(infoType: string, day: Day): MemoryItem | undefined {
    return this.items.get(MemoryFileRowStore.key(infoType, day));
  }

  async readStored(infoType: string, from: Day, to: Day) {
    this.calls.push(`readStored ${infoType} ${from} ${to}`);
    const found = new Map<Day, StoredDay>();
    for (const [key, item] of this.items) {
      const [series, day] = key.split(' ');
      if (series === infoType && Number(day) >= from && Number(day) <= to) found.set(Number(day), item);
    }
    return { get: (day: Day) => found.get(day), size: found.size };
  }

  async leaseRanges(infoType: string) {
    this.calls.push(`leaseRanges ${infoType}`);
    return this.leases.get(infoType) ?? [];
  }

  async writeNew(rows: readonly FileRowItem[]) {
    this.calls.push(`writeNew ${rows.length}`);
    const unwritten: FileRowItem[] = [];
    let itemWrites = 0;
    let pending = [...rows];
    for (let round = 0; round < 3 && pending.length > 0; round += 1) {
      itemWrites += pending.length;
      const left: FileRowItem[] = [];
      for (const row of pending) {
        const key = MemoryFileRowStore.key(row.infoType, row.day);
        if (this.neverProcessed.has(key) || this.unprocessedOnce.delete(key)) left.push(row);
        else this.store(row);
      }
      pending = left;
    }
    unwritten.push(...pending);
    return { unwritten, calls: Math.ceil(rows.length / 25), itemWrites };
  }

  async replace(row: FileRowItem, expected: StoredDay | undefined) {
    this.calls.push(`replace ${row.infoType} ${row.day}`);
    this.beforeReplace(row);
    const current = this.get(row.infoType, row.day);
    const holds =
      expected === undefined
        ? current === undefined
        : expected.status !== ItemStatus.Ok
          ? current !== undefined && current.status !== ItemStatus.Ok
          : current?.status === ItemStatus.Ok && current.value === expected.value;
    if (holds) this.store(row);
    return holds;
  }

  async readOne(infoType: string, day: Day) {
    this.calls.push(`readOne ${infoType} ${day}`);
    return this.get(infoType, day);
  }

  private store(row: FileRowItem): void {
    this.set(row.infoType, row.day, {
      status: ItemStatus.Ok,
      value: row.value,
      fromFile: true,
      source: row.source,
    });
  }
}
