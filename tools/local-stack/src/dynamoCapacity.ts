type Json = Record<string, unknown>;

/** Request units of DynamoDB calls, as billed, and how many of them were computed rather than answered. */
export interface CapacityCounts {
  readUnits: number;
  writeUnits: number;
  /** Units computed from item sizes: writes DynamoDB refused on a condition (which still consume them). */
  computedUnits: number;
}

const readOperations: ReadonlySet<string> = new Set([
  'GetItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'TransactGetItems',
]);
const writeOperations: ReadonlySet<string> = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

/** Whether a call reads or writes items (and so consumes request units). */
export function consumesCapacity(operation: string): boolean {
  return readOperations.has(operation) || writeOperations.has(operation);
}

/**
 * The call as forwarded to the emulator: asking for `ConsumedCapacity` (TOTAL) when the client did not, so
 * that every answer carries the units DynamoDB's sizing rules give it. The client's own request is unchanged
 * when it already asked.
 */
export function askingForCapacity(input: Json): Json {
  return input.ReturnConsumedCapacity === 'TOTAL' || input.ReturnConsumedCapacity === 'INDEXES'
    ? input
    : { ...input, ReturnConsumedCapacity: 'TOTAL' };
}

/** The answer as the client asked for it: without the `ConsumedCapacity` only the proxy wanted. */
export function withoutAddedCapacity(clientInput: Json, output: Json): Json {
  if (clientInput.ReturnConsumedCapacity === 'TOTAL' || clientInput.ReturnConsumedCapacity === 'INDEXES') {
    return output;
  }
  const { ConsumedCapacity: _added, ...rest } = output;
  return rest;
}

/**
 * Adds one call's units to `counts`: from the emulator's `ConsumedCapacity` on success (a number or, for
 * batch calls, a list per table); for a conditional write DynamoDB refused, computed as DynamoDB bills it
 * (the item's size in started kilobytes, at least one unit: the size of the item sent for a PutItem, one
 * unit for an UpdateItem or DeleteItem, whose stored items here are all under 1 KB). Throttled and
 * malformed calls consume nothing.
 */
export function addCapacity(
  counts: CapacityCounts,
  operation: string,
  forwarded: Json,
  status: number,
  output: Json | undefined,
): void {
  if (!consumesCapacity(operation)) return;
  const isWrite = writeOperations.has(operation);
  if (status === 200) {
    const units = capacityUnitsOf(output?.ConsumedCapacity);
    if (isWrite) counts.writeUnits += units;
    else counts.readUnits += units;
    return;
  }
  if (isWrite && String(output?.__type ?? '').endsWith('#ConditionalCheckFailedException')) {
    const units = operation === 'PutItem' ? writeUnitsOfItem(forwarded.Item as Json | undefined) : 1;
    counts.writeUnits += units;
    counts.computedUnits += units;
  }
}

function capacityUnitsOf(consumed: unknown): number {
  const entries = Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed];
  return entries.reduce<number>((sum, entry) => {
    const units = (entry as { CapacityUnits?: unknown } | null)?.CapacityUnits;
    return sum + (typeof units === 'number' ? units : 0);
  }, 0);
}

/** Write units of an item in its wire form: one per started kilobyte of its size, at least one. */
export function writeUnitsOfItem(item: Json | undefined): number {
  return Math.max(1, Math.ceil(wireItemBytes(item) / 1024));
}

/**
 * DynamoDB's size of an item, in its wire form (binary as base64) or the SDK's (binary as bytes): each
 * attribute name's bytes plus its value's.
 */
export function wireItemBytes(item: Json | undefined): number {
  let total = 0;
  for (const [name, value] of Object.entries(item ?? {}))
    total += Buffer.byteLength(name) + valueBytes(value);
  return total;
}

function valueBytes(value: unknown): number {
  const v = (value ?? {}) as Record<string, unknown>;
  if (typeof v.S === 'string') return Buffer.byteLength(v.S);
  if (typeof v.N === 'string') return numberBytes(v.N);
  if (typeof v.B === 'string') return Buffer.from(v.B, 'base64').length;
  if (v.B instanceof Uint8Array) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (Array.isArray(v.SS)) return v.SS.reduce((sum: number, s: string) => sum + Buffer.byteLength(s), 0);
  if (Array.isArray(v.NS)) return v.NS.reduce((sum: number, n: string) => sum + numberBytes(n), 0);
  if (Array.isArray(v.L)) return v.L.reduce((sum: number, element) => sum + 1 + valueBytes(element), 3);
  if (v.M !== null && typeof v.M === 'object') {
    return Object.entries(v.M as Json).reduce(
      (sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + valueBytes(element),
      3,
    );
  }
  return 0;
}

/** Significant digits two per byte, plus one byte (DynamoDB's number sizing). */
function numberBytes(text: string): number {
  const mantissa = text.trim().replace(/^[+-]/, '').split(/[eE]/)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** Units per caller (the function that sent the call) and in total. */
export interface CapacityLedger {
  /** Adds one call's units (see {@link addCapacity}) to its caller's and the total. */
  add(caller: string, operation: string, forwarded: Json, status: number, output: Json | undefined): void;
  /** Adds computed index write units to the caller's and the total. */
  addIndexWrites(caller: string, units: number): void;
  total(): Readonly<CapacityCounts & { readonly indexWriteUnits: number }>;
  byCaller(): ReadonlyMap<string, Readonly<CapacityCounts & { readonly indexWriteUnits: number }>>;
}

export function createCapacityLedger(): CapacityLedger {
  const zero = () => ({ readUnits: 0, writeUnits: 0, computedUnits: 0, indexWriteUnits: 0 });
  const total = zero();
  const callers = new Map<string, ReturnType<typeof zero>>();
  const of = (caller: string) => {
    let entry = callers.get(caller);
    if (!entry) callers.set(caller, (entry = zero()));
    return entry;
  };
  return {
    add(caller, operation, forwarded, status, output) {
      const before = { ...total };
      addCapacity(total, operation, forwarded, status, output);
      const entry = of(caller);
      entry.readUnits += total.readUnits - before.readUnits;
      entry.writeUnits += total.writeUnits - before.writeUnits;
      entry.computedUnits += total.computedUnits - before.computedUnits;
    },
    addIndexWrites(caller, units) {
      total.indexWriteUnits += units;
      of(caller).indexWriteUnits += units;
    },
    total: () => ({ ...total }),
    byCaller: () => new Map([...callers].map(([caller, counts]) => [caller, { ...counts }])),
  };
}

/**
 * The function a request came from: the local hosts set `AWS_SDK_UA_APP_ID` to the function's name, which
 * the SDK sends as `app/<name>` in its user agent; `unknown` for any other client.
 */
export function callerOf(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  for (const name of ['x-amz-user-agent', 'user-agent']) {
    const value = headers[name];
    const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
    const match = /(?:^|\s)app\/([^\s]+)/.exec(text);
    if (match?.[1]) return match[1];
  }
  return 'unknown';
}
