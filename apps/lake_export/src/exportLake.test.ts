import {
  ItemStatus,
  parseIsoDate,
  PipelineError,
  type ExportMarker,
  type LakeBucket,
  type LakeRow,
  type LakeTable,
} from '@gapless/pipeline-core';
import { recordingTelemetry } from '@gapless/pipeline-core/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { exportLake, type LakeExportDeps } from './exportLake.js';
import type { ExportRequest } from './exportRequest.js';

const usd = 'CURRENCY#USD';
const eur = 'CURRENCY#EUR';

const row = (date: string, overrides: Partial<LakeRow> = {}): LakeRow => ({
  day: parseIsoDate(date),
  value: 4.8916,
  status: ItemStatus.Ok,
  source: 'bcb-sgs',
  updatedAtMs: Date.parse('2024-06-01T00:00:00.000Z'),
  ...overrides,
});

/** A table in memory: series rows by info_type, markers, and every marker write. */
class MemoryLakeTable implements LakeTable {
  readonly rows = new Map<string, LakeRow[]>();
  readonly markers = new Map<string, ExportMarker>();
  readonly markerWrites: string[] = [];
  failingSeries = new Set<string>();

  async readSeriesRows(infoType: string): Promise<LakeRow[]> {
    if (this.failingSeries.has(infoType)) throw new PipelineError('DynamoDB Query: throttled');
    return [...(this.rows.get(infoType) ?? [])];
  }
  async readExportMarkers(): Promise<Map<string, ExportMarker>> {
    return new Map(this.markers);
  }
  async writeExportMarker(infoType: string, marker: ExportMarker): Promise<void> {
    this.markerWrites.push(infoType);
    this.markers.set(infoType, new Map(marker));
  }
}

/** A bucket in memory that can refuse chosen keys. */
class MemoryBucket implements LakeBucket {
  readonly name = 'lake-bucket';
  readonly files = new Map<string, Uint8Array>();
  readonly puts: string[] = [];
  refused = new Set<string>();

  async putFile(key: string, body: Uint8Array): Promise<void> {
    this.puts.push(key);
    if (this.refused.has(key)) throw new PipelineError(`S3 PutObject s3://${this.name}/${key}: AccessDenied`);
    this.files.set(key, body);
  }
}

/** Encodes a partition as its rows' JSON: enough to see what went into which file. */
const encode = (rows: readonly LakeRow[]) => new TextEncoder().encode(JSON.stringify(rows));
const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as LakeRow[];

const key = (series: string, year: number) =>
  `lake/series=${series.replace('#', '%23')}/year=${year}/part-0.parquet`;

let table: MemoryLakeTable;
let bucket: MemoryBucket;
let telemetry: ReturnType<typeof recordingTelemetry>;
let deps: LakeExportDeps;

const request = (overrides: Partial<ExportRequest> = {}): ExportRequest => ({
  series: [usd, eur],
  full: false,
  plan: false,
  ...overrides,
});

beforeEach(() => {
  table = new MemoryLakeTable();
  bucket = new MemoryBucket();
  telemetry = recordingTelemetry();
  deps = { table, bucket, prefix: 'lake/', encode, logger: telemetry.logger };
  table.rows.set(usd, [row('2023-12-29'), row('2024-01-02'), row('2024-01-03')]);
  table.rows.set(eur, [row('2024-01-02', { value: 5.4 })]);
});

describe('exportLake', () => {
  it('writes one file per series and year on the first run, then the markers', async () => {
    // Act
    const report = await exportLake(deps, request());

    // Assess
    expect(report.partitionsWritten).toBe(3);
    expect(
      report.series.map(({ infoType, partitionsWritten, partitionsUnchanged, rows, keys }) => ({
        infoType,
        partitionsWritten,
        partitionsUnchanged,
        rows,
        keys,
      })),
    ).toEqual([
      {
        infoType: usd,
        partitionsWritten: 2,
        partitionsUnchanged: 0,
        rows: 3,
        keys: [key(usd, 2023), key(usd, 2024)],
      },
      { infoType: eur, partitionsWritten: 1, partitionsUnchanged: 0, rows: 1, keys: [key(eur, 2024)] },
    ]);
    expect(decode(bucket.files.get(key(usd, 2024))).map((kept) => kept.day)).toEqual([
      parseIsoDate('2024-01-02'),
      parseIsoDate('2024-01-03'),
    ]);
    const bytes = [...bucket.files.values()].reduce((sum, file) => sum + file.byteLength, 0);
    expect(report.bytesWritten).toBe(bytes);
    expect(table.markerWrites.sort()).toEqual([eur, usd]);
    expect(report).not.toHaveProperty('mode');
  });

  it('writes nothing at all when nothing changed since the last run', async () => {
    // Prepare
    await exportLake(deps, request());
    bucket.puts.length = 0;
    table.markerWrites.length = 0;

    // Act
    const report = await exportLake(deps, request());

    // Assess
    expect(report.partitionsWritten).toBe(0);
    expect(report.series.map((one) => one.partitionsUnchanged)).toEqual([2, 1]);
    expect(bucket.puts).toEqual([]);
    expect(table.markerWrites).toEqual([]);
  });

  it('rewrites only the partition whose value changed', async () => {
    // Prepare
    await exportLake(deps, request());
    bucket.puts.length = 0;
    table.rows.set(usd, [row('2023-12-29'), row('2024-01-02'), row('2024-01-03', { value: 4.9 })]);

    // Act
    const report = await exportLake(deps, request());

    // Assess
    expect(bucket.puts).toEqual([key(usd, 2024)]);
    expect(report.series[0]).toMatchObject({ partitionsWritten: 1, partitionsUnchanged: 1, rows: 2 });
    expect(decode(bucket.files.get(key(usd, 2024)))[1]?.value).toBe(4.9);
  });

  it('rewrites every partition of the asked series when full, and only theirs', async () => {
    // Prepare
    await exportLake(deps, request());
    bucket.puts.length = 0;

    // Act
    const report = await exportLake(deps, request({ series: [eur], full: true }));

    // Assess
    expect(bucket.puts).toEqual([key(eur, 2024)]);
    expect(report.series.map((one) => one.infoType)).toEqual([eur]);
  });

  it('keeps RETRY dates out of the files', async () => {
    // Prepare
    table.rows.set(usd, [row('2024-01-02'), row('2024-01-03', { status: ItemStatus.Retry, value: null })]);

    // Act
    await exportLake(deps, request({ series: [usd] }));

    // Assess
    expect(decode(bucket.files.get(key(usd, 2024))).map((kept) => kept.status)).toEqual([ItemStatus.Ok]);
  });

  it('keeps the old fingerprint of a partition whose PUT failed, reports it, and writes it on the next run', async () => {
    // Prepare
    bucket.refused.add(key(usd, 2023));

    // Act
    const first = await exportLake(deps, request({ series: [usd] }));
    bucket.refused.clear();
    bucket.puts.length = 0;
    const second = await exportLake(deps, request({ series: [usd] }));

    // Assess
    expect(first.series[0]).toMatchObject({ partitionsWritten: 1, keys: [key(usd, 2024)] });
    expect(first.series[0]?.error).toContain(
      `year 2023: PipelineError: S3 PutObject s3://lake-bucket/${key(usd, 2023)}`,
    );
    expect(table.markers.get(usd)?.has(2023)).toBe(true);
    expect(second.series[0]).toMatchObject({
      partitionsWritten: 1,
      partitionsUnchanged: 1,
      keys: [key(usd, 2023)],
    });
    expect(second.series[0]?.error).toBeUndefined();
    expect(telemetry.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'series export failed' }),
    );
  });

  it('reports a series it cannot read and still exports the others', async () => {
    // Prepare
    table.failingSeries.add(usd);

    // Act
    const report = await exportLake(deps, request());

    // Assess
    expect(report.series[0]).toMatchObject({
      infoType: usd,
      partitionsWritten: 0,
      error: 'reading the series: PipelineError: DynamoDB Query: throttled',
    });
    expect(report.series[1]).toMatchObject({ infoType: eur, partitionsWritten: 1 });
    expect(table.markerWrites).toEqual([eur]);
  });

  it('plans without writing: encodes what changed, PUTs nothing, leaves the markers alone', async () => {
    // Act
    const report = await exportLake(deps, request({ plan: true }));

    // Assess
    expect(report).toMatchObject({ mode: 'plan', partitionsWritten: 3 });
    expect(report.bytesWritten).toBeGreaterThan(0);
    expect(bucket.puts).toEqual([]);
    expect(table.markerWrites).toEqual([]);
    expect(telemetry.lines.map((line) => line.message)).toEqual(['series planned', 'series planned']);
  });

  it('logs one line per series with its counts and the years written', async () => {
    // Act
    await exportLake(deps, request({ series: [usd] }));

    // Assess
    expect(telemetry.lines).toEqual([
      {
        level: 'info',
        message: 'series exported',
        attributes: {
          infoType: usd,
          partitionsWritten: 2,
          partitionsUnchanged: 0,
          rows: 3,
          bytesWritten: expect.any(Number),
          years: [2023, 2024],
        },
      },
    ]);
  });
});
