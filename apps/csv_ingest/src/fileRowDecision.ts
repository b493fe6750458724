import { ItemStatus, type StoredDay } from '@gapless/pipeline-core';

/** What a good file row does to its date. */
export const FileRowAction = {
  /** No item: the row's value is written (a batch write). */
  Write: 'write',
  /** An item that is not OK (RETRY, QUARANTINED, ABSENT, PENDING): a value is always welcome on it. */
  ReplaceNotOk: 'replace-not-ok',
  /** An OK value that an earlier file wrote, with another value: the later file wins. */
  ReplaceFileValue: 'replace-file-value',
  /** An OK value from the series' own source, replaced because the row says `overwrite=true`. */
  Overwrite: 'overwrite',
  /** The stored OK value is the row's value already (from this file, another or the source): no write. */
  Skip: 'skip',
  /** An OK value from the series' own source that the row would change without `overwrite`: refused. */
  Keep: 'keep',
} as const;
export type FileRowAction = (typeof FileRowAction)[keyof typeof FileRowAction];

/** Whether an action writes the row's value over an existing item (a conditional single-item write). */
export function replacesItem(action: FileRowAction): boolean {
  return (
    action === FileRowAction.ReplaceNotOk ||
    action === FileRowAction.ReplaceFileValue ||
    action === FileRowAction.Overwrite
  );
}

/**
 * Decides a good row against what the table holds for its date. An OK value that came from the series' own
 * source is never changed unless the row says `overwrite`; one that is equal to the row's is never written
 * again, so a file delivered twice writes nothing the second time.
 */
export function decideFileRow(
  stored: StoredDay | undefined,
  row: { readonly value: number; readonly overwrite: boolean },
): FileRowAction {
  if (stored === undefined) return FileRowAction.Write;
  if (stored.status !== ItemStatus.Ok) return FileRowAction.ReplaceNotOk;
  if (stored.value === row.value) return FileRowAction.Skip;
  if (stored.fromFile) return FileRowAction.ReplaceFileValue;
  return row.overwrite ? FileRowAction.Overwrite : FileRowAction.Keep;
}
