import type { ExportMarker } from './lakeFingerprint.js';
import type { LakeRow } from './lakePartitions.js';

/** What the lake export reads from and records in the table. */
export interface LakeTable {
  /** Every date item of a series, whatever its status (one paginated Query of its partition). */
  readSeriesRows(infoType: string): Promise<LakeRow[]>;
  /** The export marker of every series that has one, by info_type. */
  readExportMarkers(): Promise<Map<string, ExportMarker>>;
  /** Replaces a series' marker. */
  writeExportMarker(infoType: string, marker: ExportMarker): Promise<void>;
}

/** Where the lake's files go. */
export interface LakeBucket {
  /** The bucket's name, for logs and reports. */
  readonly name: string;
  /** Writes (or overwrites) one object with the bytes of a Parquet file. */
  putFile(key: string, body: Uint8Array): Promise<void>;
}
