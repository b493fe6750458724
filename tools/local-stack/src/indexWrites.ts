type Json = Record<string, unknown>;
type WriteRequest = { PutRequest?: { Item?: Json }; DeleteRequest?: { Key?: Json } };

/** A global secondary index: its key attributes and the attributes projected into it. */
export interface IndexSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly nonKeyAttributes: readonly string[];
}

/**
 * Write units DynamoDB bills on the secondary indexes, which the emulator does not count: a write that
 * puts an item into an index, takes it out, or changes an attribute projected into it costs the index one
 * unit (two when the index key changes: a delete and a put), each entry being under 1 KB here. Which items
 * are in which index is tracked from the writes seen, so an item indexed before the tracker started (a
 * run on an existing `--data-dir`) counts its first removal as nothing: a slight undercount.
 */
export interface IndexWriteCounter {
  /** Adds the index units of one successful write call; returns them. */
  applied(operation: string, input: Json, output: Json | undefined): number;
  total(): number;
}

export function createIndexWriteCounter(
  indexes: readonly IndexSpec[],
  keyNames: readonly string[],
): IndexWriteCounter {
  // Per item key: the key values of each index the item is in.
  const memberships = new Map<string, Map<string, string>>();
  let total = 0;

  const itemKey = (attributes: Json | undefined) =>
    keyNames.map((name) => stringOf(attributes?.[name])).join('|');

  /** Units of moving one item from its tracked entries to `next` (undefined key: not in that index). */
  const move = (key: string, next: Map<string, string>, touched: (index: IndexSpec) => boolean): number => {
    const previous = memberships.get(key) ?? new Map<string, string>();
    let units = 0;
    for (const index of indexes) {
      const before = previous.get(index.name);
      const after = next.get(index.name);
      if (before === undefined && after === undefined) continue;
      if (before === undefined || after === undefined) units += 1;
      else if (before !== after) units += 2;
      else if (touched(index)) units += 1;
    }
    if (next.size === 0) memberships.delete(key);
    else memberships.set(key, next);
    return units;
  };

  const put = (item: Json | undefined): number => {
    const next = new Map<string, string>();
    for (const index of indexes) {
      const value = indexKeyOf(index, (name) => item?.[name]);
      if (value !== undefined) next.set(index.name, value);
    }
    return move(itemKey(item), next, () => true);
  };

  const remove = (key: Json | undefined): number => move(itemKey(key), new Map(), () => false);

  const update = (input: Json): number => {
    const key = itemKey(input.Key as Json | undefined);
    const changes = updatedAttributes(input);
    const previous = memberships.get(key) ?? new Map<string, string>();
    const next = new Map<string, string>();
    for (const index of indexes) {
      if (changes.removed.has(index.partitionKey) || changes.removed.has(index.sortKey)) continue;
      const setsKey = changes.set.has(index.partitionKey) || changes.set.has(index.sortKey);
      if (!setsKey) {
        const kept = previous.get(index.name);
        if (kept !== undefined) next.set(index.name, kept);
        continue;
      }
      const [pk, sk] = (previous.get(index.name) ?? '\u0000').split('\u0000');
      const value = indexKeyOf(index, (name) => {
        if (changes.set.has(name)) return changes.set.get(name);
        return { S: name === index.partitionKey ? pk : sk };
      });
      if (value !== undefined && !value.split('\u0000').includes('')) next.set(index.name, value);
    }
    const projected = (index: IndexSpec) =>
      [index.partitionKey, index.sortKey, ...index.nonKeyAttributes].some(
        (name) => changes.set.has(name) || changes.removed.has(name),
      );
    return move(key, next, projected);
  };

  return {
    applied(operation, input, output) {
      let units = 0;
      if (operation === 'PutItem') units = put(input.Item as Json | undefined);
      else if (operation === 'DeleteItem') units = remove(input.Key as Json | undefined);
      else if (operation === 'UpdateItem') units = update(input);
      else if (operation === 'BatchWriteItem') {
        const unprocessed = new Set(
          Object.values((output?.UnprocessedItems ?? {}) as Record<string, WriteRequest[]>)
            .flat()
            .map((write) => itemKey(write.PutRequest?.Item ?? write.DeleteRequest?.Key)),
        );
        for (const write of Object.values(
          (input.RequestItems ?? {}) as Record<string, WriteRequest[]>,
        ).flat()) {
          const attributes = write.PutRequest?.Item ?? write.DeleteRequest?.Key;
          if (unprocessed.has(itemKey(attributes))) continue;
          units += write.PutRequest ? put(write.PutRequest.Item) : remove(write.DeleteRequest?.Key);
        }
      }
      total += units;
      return units;
    },
    total: () => total,
  };
}

/** An index's key values of an item (joined), or undefined when the item lacks either: not in the index. */
function indexKeyOf(index: IndexSpec, valueOf: (name: string) => unknown): string | undefined {
  const pk = stringOf(valueOf(index.partitionKey));
  const sk = stringOf(valueOf(index.sortKey));
  return pk === undefined || sk === undefined ? undefined : `${pk}\u0000${sk}`;
}

function stringOf(attribute: unknown): string | undefined {
  const a = attribute as { S?: unknown; N?: unknown } | undefined;
  if (typeof a?.S === 'string') return a.S;
  if (typeof a?.N === 'string') return a.N;
  return undefined;
}

/**
 * The attributes an `UpdateExpression` sets (with their value when it is a plain `:value`, else an opaque
 * marker that differs from any stored value) and removes, through the expression's name and value maps.
 */
export function updatedAttributes(input: Json): { set: Map<string, unknown>; removed: Set<string> } {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const resolve = (token: string) => names[token] ?? token;
  const set = new Map<string, unknown>();
  const removed = new Set<string>();
  const clauses = String(input.UpdateExpression ?? '').split(/\b(SET|REMOVE|ADD|DELETE)\b/i);
  for (let i = 1; i < clauses.length; i += 2) {
    const keyword = (clauses[i] ?? '').toUpperCase();
    for (const part of topLevelParts(clauses[i + 1] ?? '')) {
      if (keyword === 'SET') {
        const [path = '', value = ''] = part.split(/=(.*)/s).map((text) => text.trim());
        const plain = /^:\w+$/.test(value) ? values[value] : { S: `\u0001${value}` };
        set.set(resolve(path), plain);
      } else if (keyword === 'REMOVE') {
        removed.add(resolve(part.trim()));
      } else {
        set.set(resolve(part.trim().split(/\s+/)[0] ?? ''), { S: '\u0001' });
      }
    }
  }
  return { set, removed };
}

/** Splits a clause at its commas, except those inside parentheses (function arguments). */
function topLevelParts(clause: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of clause) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') parts.push(current);
  return parts.filter((part) => part.trim() !== '');
}
