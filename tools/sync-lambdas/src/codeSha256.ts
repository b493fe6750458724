import { createHash } from 'node:crypto';

/** The zip's sha256 in base64, the encoding Lambda reports as `CodeSha256`. */
export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}
