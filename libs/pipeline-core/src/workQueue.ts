/** A body SQS did not take, and why (`Code: Message` of the failed entry, or the last error seen). */
export interface FailedSend {
  readonly body: string;
  readonly error: string;
}

/** What one `sendBodies` call did: bodies accepted, SendMessageBatch calls made, bodies given up on. */
export interface SendReport {
  readonly sent: number;
  readonly calls: number;
  readonly failed: FailedSend[];
}

/**
 * The port the domain sends work through. It takes bodies that are already encoded, so the queue knows
 * nothing about the message format. Every body ends up counted in `sent` or listed in `failed`, or the
 * call rejects (the queue could not be reached at all): nothing is dropped silently.
 */
export interface WorkQueue {
  sendBodies(bodies: readonly string[]): Promise<SendReport>;
}
