import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { checkIngestFiles } from './ingestArgs.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-args-'));
  await writeFile(join(dir, 'a.csv'), 'info_type,date,value\n');
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'sub', 'a.csv'), 'info_type,date,value\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkIngestFiles', () => {
  it('resolves relative files against the working directory and keeps absolute ones', async () => {
    // Prepare
    await writeFile(join(dir, 'sub', 'b.csv'), 'info_type,date,value\n');

    // Act
    const files = checkIngestFiles(['a.csv', join(dir, 'sub', '..', 'sub', 'b.csv')], dir);

    // Assess
    expect(files).toEqual([join(dir, 'a.csv'), join(dir, 'sub', 'b.csv')]);
  });

  it('names a missing file', () => {
    // Act
    const act = () => checkIngestFiles(['nope.csv'], dir);

    // Assess
    expect(act).toThrow(UsageError);
    expect(act).toThrow('--ingest nope.csv: no such file');
  });

  it('refuses a directory', () => {
    // Act
    const act = () => checkIngestFiles(['sub'], dir);

    // Assess
    expect(act).toThrow('--ingest sub: not a file');
  });

  it('refuses two files that would upload to the same key', () => {
    // Act
    const act = () => checkIngestFiles(['a.csv', 'sub/a.csv'], dir);

    // Assess
    expect(act).toThrow('--ingest a.csv and sub/a.csv would both upload to incoming/a.csv: rename one');
  });
});
