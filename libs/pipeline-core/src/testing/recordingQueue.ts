import type { SendReport, WorkQueue } from '../workQueue.js';

/**
 * A WorkQueue that keeps every body it accepted. `refuse` decides per body whether SQS "fails" it
 * (returns the error text) so tests can script partial send failures.
 */
export class RecordingQueue implements WorkQueue {
  readonly bodies: string[] = [];
  readonly refused: string[] = [];
  refuse: (body: string) => string | undefined = () => undefined;

  async sendBodies(bodies: readonly string[]): Promise<SendReport> {
    const failed = [];
    for (const body of bodies) {
      const error = this.refuse(body);
      if (error === undefined) this.bodies.push(body);
      else {
        this.refused.push(body);
        failed.push({ body, error });
      }
    }
    return { sent: bodies.length - failed.length, calls: Math.ceil(bodies.length / 10), failed };
  }

  /** The accepted bodies, parsed. */
  messages(): { partition_key: string; dates_to_download: string[]; reason: string; attempt: number }[] {
    return this.bodies.map((body) => JSON.parse(body));
  }

  /** Removes and returns what was accepted so far (a consumer draining the queue). */
  drain(): string[] {
    return this.bodies.splice(0, this.bodies.length);
  }
}
