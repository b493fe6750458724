import { describe, expect, it } from 'vitest';
import { ingestExportLines } from './formatIngestExport.js';
import { summarizeIngest, type IngestedFile } from './ingestFiles.js';
import type { LakeExportSummary } from './lakeExportStep.js';

const ingested: IngestedFile = {
  file: '/data/history.csv',
  bucket: 'gapless-ingest',
  key: 'incoming/history.csv',
  status: 'ingested',
  rowsRead: 1200,
  rowsWritten: 1100,
  rowsSkippedOk: 60,
  rowsRejected: 40,
  rowsOverwritten: 5,
  itemWrites: 1100,
  rawKey: 'raw/history.csv',
  rejectedKey: 'rejected/history.csv',
};

const lake: LakeExportSummary = {
  bucket: 'gapless-lake',
  prefix: 'lake/',
  partitionsWritten: 12,
  partitionsUnchanged: 3,
  bytesWritten: 45_678,
  rows: 2987,
  series: [],
};

describe('ingestExportLines', () => {
  it('shows the rows of the files ingested, where rejected rows went, and the partitions exported', () => {
    // Prepare
    const refused: IngestedFile = {
      ...ingested,
      file: '/data/photo.csv',
      key: 'incoming/photo.csv',
      status: 'refused',
      rowsRead: 0,
      rowsWritten: 0,
      rowsSkippedOk: 0,
      rowsRejected: 0,
      rowsOverwritten: 0,
      rejectedKey: undefined,
      error: 'not a CSV file',
    };

    // Act
    const lines = ingestExportLines({ ingest: summarizeIngest([ingested, refused]), lakeExport: lake });

    // Assess
    expect(lines).toEqual([
      'ingest: 2 file(s), 1,200 rows read, 1,100 written (5 over OK values), 60 skipped (already OK), 40 rejected',
      '  ingested s3://gapless-ingest/incoming/history.csv (/data/history.csv); rejected rows in s3://gapless-ingest/rejected/history.csv',
      '  refused s3://gapless-ingest/incoming/photo.csv (/data/photo.csv): not a CSV file',
      'lake export: 12 partition(s) written (2,987 rows, 45,678 bytes), 3 unchanged, in s3://gapless-lake/lake/',
    ]);
  });

  it('says nothing of ingest in a run without files, and shows a failed export', () => {
    // Act
    const lines = ingestExportLines({
      ingest: summarizeIngest([]),
      lakeExport: { ...lake, partitionsWritten: 0, error: 'lake_export invocation failed (timeout)' },
    });

    // Assess
    expect(lines).toEqual(['lake export failed: lake_export invocation failed (timeout)']);
  });
});
