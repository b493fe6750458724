import { queueDefinition } from '@gapless/aws-adapters';
import type { FunctionName } from './permissions.js';

/** How one function is deployed: the figures the stack builds it with and the cost model prices it by. */
export interface FunctionSettings {
  timeoutSeconds: number;
  memoryMb: number;
  description: string;
  reservedConcurrency?: number;
  /**
   * Node options set as `NODE_OPTIONS` (Lambda passes them to its Node runtime): a function whose memory must
   * stay under a ceiling whatever its input caps V8's heap here, since V8 otherwise grows the heap lazily
   * towards the configured memory before it collects.
   */
  nodeOptions?: string;
}

/** Every function runs on Graviton (arm64): Lambda's GB-second price there is lower than on x86_64. */
export const functionArchitecture: 'arm64' | 'x86_64' = 'arm64';

// The scheduled functions run one at a time (reserved concurrency 1): two overlapping clustering runs could
// open two leases over the same dates when their streams start on different dates, and each lease's first
// request would count once for dates asked twice (docs/DESIGN.md, "Races"). Recheck runs may overlap safely.
export const functionSettings: Record<FunctionName, FunctionSettings> = {
  data_clustering: {
    timeoutSeconds: 300,
    memoryMb: 512,
    description: 'Finds missing dates and enqueues them',
    reservedConcurrency: 1,
  },
  scraper: {
    timeoutSeconds: queueDefinition.scraperTimeoutSeconds,
    memoryMb: 512,
    description: 'Downloads queued date ranges and writes them to the table',
  },
  retry_recheck: {
    timeoutSeconds: 300,
    memoryMb: 256,
    description: 'Re-enqueues due retries, quarantines the rest',
    reservedConcurrency: 1,
  },
  // Streams one uploaded file twice (validate everything, then write) within a fixed memory ceiling (the
  // issue sets 256 MB); the rest of the memory buys CPU: Lambda gives CPU in proportion to memory (one vCPU
  // at 1,769 MB), and parsing is CPU-bound, so at the same GB-second price a file is read in about half the
  // time of 512 MB. 900 s, Lambda's maximum, for the largest file the size limit lets in. Runs in parallel,
  // one invocation per upload: a file delivered twice writes nothing the second time. Its heap is capped
  // (96 MB old space, 8 MB semi-spaces): what it keeps does not grow with the file, but left to itself V8
  // lets the heap grow with the bytes that pass through it (87 MB of heap for a 30 MB file, 41 MB capped),
  // so the cap is what holds the ceiling (apps/csv_ingest/README.md has the figures).
  csv_ingest: {
    timeoutSeconds: 900,
    memoryMb: 1024,
    nodeOptions: '--max-old-space-size=96 --max-semi-space-size=8',
    description: 'Validates a CSV uploaded under incoming/ and writes its good rows to the table',
  },
  // One run exports every changed partition (a year of one series: a few hundred rows, a small Parquet file
  // built in memory); 512 MB for the CPU share, 300 s like the other scheduled runs. One at a time: two
  // overlapping exports would write the same partitions and the same markers.
  lake_export: {
    timeoutSeconds: 300,
    memoryMb: 512,
    description: 'Exports the changed partitions of each series to Parquet in the lake bucket',
    reservedConcurrency: 1,
  },
};
