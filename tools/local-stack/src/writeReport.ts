import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderReport } from './report/renderReport.js';
import type { RunSummary } from './runSummary.js';

/**
 * Writes the HTML report at `reportPath` and the summary as JSON next to it (`summary.json`), and returns
 * the summary with `reportPath` set.
 */
export async function writeReport(summary: RunSummary, reportPath: string): Promise<RunSummary> {
  const withPath = { ...summary, reportPath };
  await mkdir(dirname(reportPath), { recursive: true });
  await writeFile(reportPath, renderReport(withPath));
  await writeFile(join(dirname(reportPath), 'summary.json'), `${JSON.stringify(withPath, null, 2)}\n`);
  return withPath;
}
