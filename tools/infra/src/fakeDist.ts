import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionNames } from './permissions.js';

/**
 * A temporary `dist/apps` with a tiny zip per function, so the stack synthesizes (and `cdk synth` runs
 * offline) without building the apps. The bytes are a valid empty zip; nothing runs them.
 */
export async function createFakeDist(): Promise<string> {
  const dist = await mkdtemp(join(tmpdir(), 'gapless-fake-dist-'));
  // End-of-central-directory record only: the smallest well-formed zip.
  const emptyZip = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
  for (const name of functionNames) {
    await mkdir(join(dist, name), { recursive: true });
    await writeFile(join(dist, name, `${name}.zip`), emptyZip);
  }
  return dist;
}
