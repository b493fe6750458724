// Peak memory and throughput of csv_ingest on large files, from the built zip, one fresh process per run:
//
//   npx tsx apps/csv_ingest/tests/memoryProbe.ts [--sizes 10,100] [--again] [--dynamo dynamodb-local|dynalite] [--node-options OPTS]
//
// Generates a file of valid rows per size (MB), uploads it to fauxqs, and invokes the bundle in a fresh Node
// process against fauxqs (in this process) and DynamoDB Local (a Java process): the emulators' memory is not
// the function's. Wall-clock rows/s measure the emulators as much as the function; rows per CPU-second of the
// function's own process (bundle load included) are what it costs. Prints
// rows per second and the child's peak RSS (Linux's VmHWM: getrusage's maxRSS would count this process' own
// memory, inherited at the fork); `--again` delivers each file
// a second time (every row then skipped as stored: the stored items are read, nothing is written). The
// function's process gets the deployed NODE_OPTIONS (tools/infra functionSettings.ts: its heap cap), or
// `--node-options=OPTS` (`--node-options=` for none: V8's own heap sizing).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { calendarFor, parseIsoDate, formatIsoDate } from '@gapless/pipeline-core';
import { buildBundle, invokeBundle, workspaceRoot } from './bundle.js';
import { createBucket, createPipelineTable, credentials, region, startTestEmulators } from './emulators.js';
import { s3Event } from './s3Events.js';
import { createS3ObjectStore } from '@gapless/aws-adapters';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,100' },
    again: { type: 'boolean', default: false },
    dynamo: { type: 'string', default: 'dynamodb-local' },
    'node-options': { type: 'string' },
  },
});
/**
 * The deployed function's Node options unless told otherwise (`--node-options=` runs it without any): the
 * value tools/infra's functionSettings gives csv_ingest (an app may not import a tool, so it is repeated).
 */
const deployedNodeOptions = '--max-old-space-size=96 --max-semi-space-size=8';
const nodeOptions = values['node-options'] ?? deployedNodeOptions;
const sizesMb = (values.sizes ?? '10,100').split(',').map(Number);
const bucket = 'probe';
/** The rows' last date: every row is in the past whenever the probe runs. */
const lastDay = parseIsoDate('2024-06-13');

interface CatalogEntry {
  info_type: string;
  calendar: 'BR-business' | 'monthly' | 'annual' | 'daily' | 'weekdays' | 'weekly';
  bounds?: { min: number; max: number };
  [field: string]: unknown;
}

/**
 * The real catalog's series, then as many copies of them (same source, calendar and rules, the name
 * suffixed `_<n>`) as the file needs: a file of distinct valid rows over five series is at most some 3 MB,
 * so larger files need more series of the same kinds.
 */
function* catalogSeries(real: readonly CatalogEntry[]): Generator<CatalogEntry> {
  yield* real;
  for (let copy = 1; ; copy += 1)
    for (const entry of real)
      yield { ...entry, info_type: `${entry.info_type}_${String(copy).padStart(3, '0')}` };
}

/** A deterministic walk inside the series' bounds (or around 5 when it has none). */
function valueWalk(entry: CatalogEntry, seed: number): () => string {
  const min = entry.bounds?.min ?? 0.01;
  const max = entry.bounds?.max ?? 100;
  let value = Math.min(max, Math.max(min, 5));
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    value = Math.min(max, Math.max(min, value * (1 + (state / 2 ** 32 - 0.5) * 0.02)));
    return value.toFixed(4);
  };
}

/** Rows of valid history, series after series, until the text reaches `bytes`; and the series used. */
function generateFile(
  bytes: number,
  real: readonly CatalogEntry[],
): { text: string; rows: number; catalog: CatalogEntry[] } {
  const parts: string[] = ['info_type,date,value\n'];
  let size = parts[0]?.length ?? 0;
  let rows = 0;
  const catalog: CatalogEntry[] = [];
  for (const entry of catalogSeries(real)) {
    if (size >= bytes) break;
    catalog.push(entry);
    const next = valueWalk(entry, catalog.length);
    const dates = calendarFor(entry.calendar).datesBetween(parseIsoDate('1900-01-01'), lastDay);
    for (const day of dates) {
      const line = `${entry.info_type},${formatIsoDate(day)},${next()}\n`;
      parts.push(line);
      size += line.length;
      rows += 1;
      if (size >= bytes) break;
    }
  }
  return { text: parts.join(''), rows, catalog };
}

const real = JSON.parse(
  readFileSync(join(workspaceRoot, 'libs/catalog/series.json'), 'utf8'),
) as CatalogEntry[];
const scratch = mkdtempSync(join(tmpdir(), 'csv-ingest-probe-'));
const backend = values.dynamo === 'dynalite' ? 'dynalite' : 'dynamodb-local';
const emulators = await startTestEmulators(backend);
try {
  const bundle = await buildBundle(join(scratch, 'build'));
  console.log(`function's NODE_OPTIONS: ${nodeOptions === '' ? '(none)' : nodeOptions}`);
  console.log(
    `bundle: ${bundle.zipBytes} bytes zipped; emulators: S3 ${emulators.s3Endpoint}, DynamoDB ${emulators.dynamoEndpoint}`,
  );
  await createBucket(emulators.s3, bucket);
  const objects = createS3ObjectStore({ client: emulators.s3 });
  const idle = await invokeBundle(
    bundle.indexFile,
    { Records: [] },
    { TABLE_NAME: 'probe', AWS_REGION: region },
  );
  console.log(
    `baseline (bundle loaded, an event with no file): peak RSS ${(idle.maxRssBytes / 1024 / 1024).toFixed(0)} MB`,
  );
  console.log(
    'file      rows        pass                   wall s   rows/s   CPU s  rows/CPU s  peak RSS   written   skipped  rejected',
  );
  for (const [index, sizeMb] of sizesMb.entries()) {
    const tableName = `probe-${index}`;
    await createPipelineTable(emulators.dynamo, tableName);
    const { text, rows, catalog } = generateFile(sizeMb * 1024 * 1024, real);
    const key = `incoming/probe-${sizeMb}mb.csv`;
    const writer = objects.textWriter(bucket, key, 'text/csv');
    for (let at = 0; at < text.length; at += 1 << 20) await writer.write(text.slice(at, at + (1 << 20)));
    await writer.finish();
    const env = {
      TABLE_NAME: tableName,
      SERIES_CATALOG: JSON.stringify(catalog),
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...(nodeOptions === '' ? {} : { NODE_OPTIONS: nodeOptions }),
    };
    const event = s3Event(bucket, key, { size: Buffer.byteLength(text) });
    for (const pass of values.again ? ['first', 'again'] : ['first']) {
      const run = await invokeBundle(bundle.indexFile, event, env);
      const [report] = (run.result as { files: Record<string, number>[] }).files;
      const seconds = run.handlerMs / 1000;
      console.log(
        [
          `${sizeMb} MB`.padEnd(9),
          String(rows).padEnd(11),
          `${pass} (${catalog.length} series)`.padEnd(20),
          seconds.toFixed(1).padStart(8),
          String(Math.round(rows / seconds)).padStart(8),
          (run.cpuMs / 1000).toFixed(1).padStart(7),
          String(Math.round(rows / (run.cpuMs / 1000))).padStart(11),
          `${(run.maxRssBytes / 1024 / 1024).toFixed(0)} MB`.padStart(9),
          String(report?.['rowsWritten']).padStart(9),
          String(report?.['rowsSkippedOk']).padStart(9),
          String(report?.['rowsRejected']).padStart(10),
        ].join(' '),
      );
      const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
      const peaks = run.sampledPeaks;
      console.log(
        `          sampled peaks: rss ${mb(peaks.rss)} (${(run.rssPeakAtMs / 1000).toFixed(1)} s in), V8 heap ${mb(peaks.heapTotal)} (used ${mb(peaks.heapUsed)}), external ${mb(peaks.external)} (ArrayBuffers ${mb(peaks.arrayBuffers)})`,
      );
    }
  }
} finally {
  await emulators.stop();
  rmSync(scratch, { recursive: true, force: true });
}
