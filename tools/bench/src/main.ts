import { cpus, loadavg } from 'node:os';
import { backfillOverhead } from './backfillOverhead.js';
import { backfillUnderChaos } from './backfillUnderChaos.js';
import { batchWrites } from './batchWrites.js';
import { clusteringScale } from './clusteringScale.js';
import { coldStartSection } from './coldStart.js';
import { costBackfill } from './costBackfill.js';
import { gapDetection } from './gapDetection.js';
import type { BenchSection, SectionResult } from './section.js';
import { sourceRequests } from './sourceRequests.js';
import { steadyState } from './steadyState.js';
import { syncNoop } from './syncNoop.js';

/**
 * The benchmark sections, keyed as they appear in the JSON line. A new section is a file exporting a
 * {@link BenchSection} and one line here.
 */
const sections: Readonly<Record<string, BenchSection>> = {
  gap_detection: gapDetection,
  cold_start: coldStartSection,
  batch_writes: batchWrites,
  steady_state: steadyState,
  clustering: clusteringScale,
  sync: syncNoop,
  source_requests: sourceRequests,
  backfill: backfillOverhead,
  backfill_chaos: backfillUnderChaos,
  cost: costBackfill,
};

/**
 * Runs the sections named on the command line (all when none is), one after another in this process,
 * prints a table per section and, as the last line, one JSON object with every section's figures.
 */
async function main(argv: readonly string[]): Promise<void> {
  const unknown = argv.filter((name) => !(name in sections));
  if (unknown.length > 0) {
    throw new Error(`unknown section(s) ${unknown.join(', ')} (known: ${Object.keys(sections).join(', ')})`);
  }
  const chosen = argv.length > 0 ? argv : Object.keys(sections);
  // Wall-clock figures mean little on a busy machine: say how busy it was.
  const load = loadavg()[0]!.toFixed(2);
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, load ${load}`,
  );
  const figures: Record<string, unknown> = {};
  for (const name of chosen) {
    const result = await sections[name]!();
    printTable(result);
    figures[name] = result.figures;
    Object.assign(figures, result.siblings);
  }
  console.log(JSON.stringify(figures));
}

function printTable({ title, rows }: SectionResult): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  console.log('');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
