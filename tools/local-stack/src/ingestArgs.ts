import { accessSync, constants, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { incomingPrefix } from './ingestFiles.js';

/**
 * The files of `--ingest`, as absolute paths, checked before anything starts: each must be a readable
 * regular file, and no two may share a name (both would upload to the same `incoming/<name>` key, and the
 * second would replace the first). Their content is csv_ingest's to judge, as on AWS where any object under
 * `incoming/` triggers it: a file that is not CSV ends as `refused` in the summary, not as a usage error.
 */
export function checkIngestFiles(paths: readonly string[], cwd: string): string[] {
  const byKey = new Map<string, string>();
  return paths.map((path) => {
    const absolute = resolve(cwd, path);
    let stats;
    try {
      stats = statSync(absolute);
      accessSync(absolute, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`;
      throw new UsageError(`--ingest ${path}: ${reason}`);
    }
    if (!stats.isFile()) throw new UsageError(`--ingest ${path}: not a file`);
    const key = `${incomingPrefix}${basename(absolute)}`;
    const earlier = byKey.get(key);
    if (earlier !== undefined) {
      throw new UsageError(`--ingest ${earlier} and ${path} would both upload to ${key}: rename one`);
    }
    byKey.set(key, path);
    return absolute;
  });
}
