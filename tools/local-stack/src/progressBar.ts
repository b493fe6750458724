import { SingleBar } from 'cli-progress';
import type { CycleProgress } from './runCycles.js';

/** One bar on stderr: dates OK of dates expected, with the cycle, its phase and the queue depth. */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr) {
  const bar = new SingleBar({
    stream,
    format: ' {bar} {value}/{total} dates OK | cycle {cycle} {phase} | queue {queue}',
    barCompleteChar: '#',
    barIncompleteChar: '.',
    hideCursor: true,
    clearOnComplete: false,
  });
  let started = false;
  return {
    update(progress: CycleProgress) {
      const payload = { cycle: progress.cycle, phase: progress.phase, queue: progress.queueDepth };
      if (!started) {
        bar.start(progress.expected, progress.ok, payload);
        started = true;
      } else {
        bar.setTotal(progress.expected);
        bar.update(progress.ok, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
