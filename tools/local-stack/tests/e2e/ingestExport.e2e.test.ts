import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DEFAULT_CATALOG } from '@gapless/catalog';
import { expectedDates, formatIsoDate, parseIsoDate, todayUtc, type Day } from '@gapless/pipeline-core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPipelineResult, LocalStackHandle } from '../../src/runLocalPipeline.js';
import { runLocalPipeline } from '../../src/runLocalPipeline.js';
import { temporaryDir } from '../helpers.js';
import { downloadPrefix, duckdbDigests, tableDigests } from './lakeFiles.js';
import { itemsByKey } from './e2eSupport.js';

// Three runs of the local stack on one data directory, as a user would make them with `npm start`:
// 1. a plain run of two series (their OK values come from the simulated source), ending with a lake export;
// 2. the same with `--ingest history.csv`: good history rows, every kind of bad row, and rows meeting the
//    OK values of run 1 (same value, another value, another value with overwrite=true);
// 3. the same file again: nothing new is written, and the lake is unchanged.
// After each run the lake bucket is downloaded and read back with DuckDB, the stand-in for Athena.

const series = ['CURRENCY#GBP', 'CURRENCY#EUR'];
const gbp = DEFAULT_CATALOG.find((one) => one.infoType === 'CURRENCY#GBP');
const from = formatIsoDate((todayUtc() - 40) as Day);
const fileName = 'history.csv';

interface Lake {
  readonly keys: string[];
  readonly dir: string;
}

let work: Awaited<ReturnType<typeof temporaryDir>>;
const runs: LocalPipelineResult[] = [];
const lakes: Lake[] = [];
let rawObject = '';
let rejectedObject = '';
let fileText = '';
/** The file's rows by what they are, with their 1-based line in the file (the header is line 1). */
let plan: ReturnType<typeof historyFile>;

/** Business days of GBP's calendar in June 2014, before the series' start: history no source serves here. */
function historyDays(): string[] {
  if (gbp === undefined) throw new Error('CURRENCY#GBP is not in the catalog');
  const days = expectedDates({ ...gbp, start: parseIsoDate('2014-06-02') }, new Date('2014-06-30T12:00:00Z'));
  return [...days].map((day) => formatIsoDate(day as Day));
}

function historyFile(okValues: readonly { date: string; value: number }[]) {
  const history = historyDays();
  const [d1, d2, d3] = okValues;
  if (d1 === undefined || d2 === undefined || d3 === undefined || history.length < 8) {
    throw new Error('run 1 left too few OK values, or June 2014 too few business days');
  }
  const rows = {
    written: [
      `CURRENCY#GBP,${history[0]},5.1,`,
      `CURRENCY#GBP,${history[1]},5.2,`,
      `CURRENCY#GBP,${history[2]},5.25,`,
      `CURRENCY#GBP,${d3.date},${d3.value + 1},true`,
    ],
    skipped: [`CURRENCY#GBP,${d1.date},${d1.value},`],
    rejected: [
      `CURRENCY#GBP,${d2.date},${d2.value + 1},`, // would change a source value without overwrite=true
      `NOPE#X,${history[0]},1,`, // not in the catalog
      'CURRENCY#GBP,2014-06-07,5,', // a Saturday
      'CURRENCY#GBP,2014-02-30,5,', // no such date
      `CURRENCY#GBP,${history[3]},99,`, // outside the series' bounds
      `CURRENCY#GBP,${history[4]},abc,`, // not a number
      `CURRENCY#GBP,${history[5]}`, // too few fields
      `CURRENCY#GBP,${history[6]},5,maybe`, // overwrite neither true nor false
      `CURRENCY#GBP,${history[7]},5.5,`, // the same date twice: neither is written
      `CURRENCY#GBP,${history[7]},5.6,`,
    ],
  };
  const lines = ['info_type,date,value,overwrite', ...rows.written, ...rows.skipped, ...rows.rejected];
  const lineOf = (row: string) => lines.indexOf(row) + 1;
  return {
    text: `${lines.join('\n')}\n`,
    history,
    d1,
    d2,
    d3,
    rejectedLines: rows.rejected.map(lineOf).sort((a, b) => a - b),
    counts: { rows: lines.length - 1, written: rows.written.length, rejected: rows.rejected.length },
  };
}

/** Saves the lake of a run before its emulators stop. */
function keepLake(index: number) {
  return async (stack: LocalStackHandle) => {
    const dir = join(work.dir, `lake-${index}`);
    const keys = await downloadPrefix(stack.s3, stack.buckets.lake, 'lake/', dir);
    lakes[index] = { keys, dir };
  };
}

async function run(index: number, ingest: readonly string[], afterLakeExport = keepLake(index)) {
  runs[index] = await runLocalPipeline({
    series,
    from,
    dataDir: join(work.dir, 'data'),
    logPath: join(work.dir, `functions-${index}.log`),
    snapshot: true,
    ingest,
    afterLakeExport,
  });
}

beforeAll(async () => {
  work = await temporaryDir('ingest-export-e2e-');
  await run(0, []);
  const okValues = (runs[0]?.tableSnapshot ?? [])
    .filter((item) => item.info_type === 'CURRENCY#GBP' && item.status === 'OK')
    .map((item) => ({ date: String(item.date), value: Number(item.value) }))
    .sort((a, b) => a.date.localeCompare(b.date));
  plan = historyFile(okValues);
  fileText = plan.text;
  const file = join(work.dir, fileName);
  await writeFile(file, fileText);
  await run(1, [file], async (stack) => {
    await keepLake(1)(stack);
    const read = async (key: string) => {
      const { Body } = await stack.s3.send(new GetObjectCommand({ Bucket: stack.buckets.ingest, Key: key }));
      return (await Body?.transformToString()) ?? '';
    };
    rawObject = await read(`raw/${fileName}`);
    rejectedObject = await read(runs[1]?.ingest?.rejectedKeys[0] ?? `rejected/${fileName}.rejected.csv`);
  });
  await run(2, [file]);
}, 300_000);

afterAll(() => work.remove());

describe('npm start -- --ingest, end to end on the emulators', () => {
  it('reports the rows the file held: written, skipped as already OK, rejected, overwritten', () => {
    // Assess
    const ingest = runs[1]?.ingest;
    expect(ingest?.files).toHaveLength(1);
    expect(ingest?.files[0]).toMatchObject({
      bucket: 'gapless-ingest',
      key: `incoming/${fileName}`,
      status: 'ingested',
      rowsRead: plan.counts.rows,
      rowsWritten: plan.counts.written,
      rowsSkippedOk: 1,
      rowsRejected: plan.counts.rejected,
      rowsOverwritten: 1,
      rawKey: `raw/${fileName}`,
    });
    expect(ingest).toMatchObject({
      rowsRead: plan.counts.rows,
      rowsWritten: plan.counts.written,
      rowsRejected: plan.counts.rejected,
      rejectedKeys: [ingest?.files[0]?.rejectedKey],
    });
  });

  it('writes the good rows as OK with the file as their source, before the series start too', () => {
    // Prepare
    const items = itemsByKey(runs[1]?.tableSnapshot);

    // Assess
    for (const [date, value] of [
      [plan.history[0], 5.1],
      [plan.history[1], 5.2],
      [plan.history[2], 5.25],
    ] as const) {
      expect(items.get(`CURRENCY#GBP|${date}`)).toMatchObject({
        status: 'OK',
        value,
        source: `file:incoming/${fileName}`,
      });
    }
    for (const date of plan.history.slice(3, 8)) expect(items.has(`CURRENCY#GBP|${date}`), date).toBe(false);
    expect([...items.keys()].some((key) => key.startsWith('NOPE#X|'))).toBe(false);
  });

  it('never changes an OK value of run 1 but the one row that says overwrite=true', () => {
    // Prepare
    const before = (runs[0]?.tableSnapshot ?? []).filter((item) => item.status === 'OK');
    const after = itemsByKey(runs[1]?.tableSnapshot);

    // Assess
    const changed = before
      .filter((item) => after.get(`${String(item.info_type)}|${String(item.date)}`)?.value !== item.value)
      .map((item) => `${String(item.info_type)}|${String(item.date)}`);
    expect(changed).toEqual([`CURRENCY#GBP|${plan.d3.date}`]);
    expect(after.get(`CURRENCY#GBP|${plan.d3.date}`)).toMatchObject({
      status: 'OK',
      value: plan.d3.value + 1,
      source: `file:incoming/${fileName}`,
    });
    expect(after.get(`CURRENCY#GBP|${plan.d2.date}`)?.value).toBe(plan.d2.value);
  });

  it('copies the file to raw/ and writes one line per bad row, with its reason, to rejected/', () => {
    // Prepare
    const lines = rejectedObject.trim().split('\n');

    // Assess
    expect(rawObject).toBe(fileText);
    expect(lines[0]).toBe('line,info_type,date,value,reason');
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(plan.rejectedLines);
    expect(rejectedObject).toContain('not in the catalog');
    expect(rejectedObject).toContain('overwrite=true');
  });

  it('writes nothing when the same file comes again', () => {
    // Assess
    expect(runs[2]?.ingest?.files[0]).toMatchObject({
      status: 'ingested',
      rowsWritten: 0,
      itemWrites: 0,
      rowsSkippedOk: plan.counts.written + 1,
      rowsRejected: plan.counts.rejected,
    });
  });
});

describe('the lake export that ends every run', () => {
  it('writes every partition the first time and only the changed ones after', () => {
    // Prepare
    const partitionsOf = (result: LocalPipelineResult | undefined) =>
      new Set(
        (result?.tableSnapshot ?? [])
          .filter((item) => series.includes(String(item.info_type)))
          .map((item) => `${String(item.info_type)}|${String(item.date).slice(0, 4)}`),
      );
    const changedByFile = new Set(['CURRENCY#GBP|2014', `CURRENCY#GBP|${plan.d3.date.slice(0, 4)}`]);

    // Assess
    expect(runs[0]?.lakeExport).toMatchObject({
      partitionsWritten: partitionsOf(runs[0]).size,
      partitionsUnchanged: 0,
    });
    expect(runs[1]?.lakeExport).toMatchObject({
      partitionsWritten: changedByFile.size,
      partitionsUnchanged: partitionsOf(runs[1]).size - changedByFile.size,
    });
    expect(
      runs[1]?.lakeExport?.series.find((one) => one.infoType === 'CURRENCY#EUR')?.partitionsWritten,
    ).toBe(0);
    expect(runs[2]?.lakeExport).toMatchObject({ partitionsWritten: 0, bytesWritten: 0 });
    expect(runs.every((result) => result.lakeExport?.error === undefined)).toBe(true);
  });

  it('leaves files DuckDB reads back to what the table holds, partition by partition', async () => {
    for (const [index, lake] of lakes.entries()) {
      // Act
      const read = await duckdbDigests(lake.dir);

      // Assess
      const table = tableDigests(runs[index]?.tableSnapshot ?? [], series);
      expect(read.digests.size, `run ${index}`).toBeGreaterThanOrEqual(2);
      expect(Object.fromEntries(read.digests), `run ${index}`).toEqual(Object.fromEntries(table));
      const rows = (digests: Map<string, { rows: number }>) =>
        [...digests.values()].reduce((total, partition) => total + partition.rows, 0);
      console.log(
        `lake after run ${index + 1}: DuckDB read ${read.digests.size} partitions, ${rows(read.digests)} rows; ` +
          `the table holds ${table.size} partitions, ${rows(table)} rows; ${lake.keys.length} files`,
      );
    }
  });

  it('gives every file the same columns and types', async () => {
    // Act
    const { schemas } = await duckdbDigests(lakes[1]?.dir ?? '');

    // Assess
    expect(schemas.size).toBe(lakes[1]?.keys.length);
    for (const [file, columns] of schemas) {
      expect(columns, file).toEqual([
        'date DATE',
        'value DOUBLE',
        'status VARCHAR',
        'source VARCHAR',
        'updated_at TIMESTAMP WITH TIME ZONE',
      ]);
    }
  });

  it('writes the keys it reports, one file per partition', () => {
    // Assess
    const reported = (runs[0]?.lakeExport?.series ?? []).flatMap((one) => one.keys).sort();
    expect(reported).toEqual([...(lakes[0]?.keys ?? [])].sort());
    expect(reported.every((key) => /^lake\/series=[^/]+\/year=\d{4}\/part-0\.parquet$/.test(key))).toBe(true);
  });
});
