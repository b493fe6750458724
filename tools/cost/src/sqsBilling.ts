/** SQS bills each 64 KB chunk of a request's payload as one request (`sqs.billing_chunk_bytes`). */
export const defaultChunkBytes = 65_536;

/**
 * Requests one SQS API call is billed as: one per started chunk of its payload (the messages' bodies and
 * attributes it sends or receives), and one for a call that carries none (an empty receive, a delete).
 */
export function billedSqsRequests(payloadBytes: number, chunkBytes = defaultChunkBytes): number {
  if (!(payloadBytes >= 0)) throw new RangeError(`a payload must be >= 0 bytes, got ${payloadBytes}`);
  return Math.max(1, Math.ceil(payloadBytes / chunkBytes));
}
