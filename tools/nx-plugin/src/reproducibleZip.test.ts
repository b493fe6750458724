import { fc, test } from '@fast-check/vitest';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { codeSha256, reproducibleZip } from './reproducibleZip.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const files = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_.]{0,12}$/), fc.uint8Array({ maxLength: 512 }), {
  maxKeys: 5,
});

describe('reproducibleZip', () => {
  test.prop([files])('gives the same bytes for the same files, whatever their insertion order', (input) => {
    // Prepare
    const reversed = Object.fromEntries(Object.entries(input).reverse());

    // Act
    const first = reproducibleZip(input);
    const second = reproducibleZip(reversed);

    // Assess
    expect(codeSha256(second)).toBe(codeSha256(first));
  });

  test.prop([files])('round-trips every file', (input) => {
    // Act
    const unzipped = unzipSync(reproducibleZip(input));

    // Assess
    expect(Object.keys(unzipped).sort()).toEqual(Object.keys(input).sort());
    for (const [name, data] of Object.entries(input)) {
      expect(unzipped[name]).toEqual(data);
    }
  });

  it('stores entries sorted, as rw-r--r-- Unix files dated 2000-01-01 00:00', () => {
    // Act
    const zip = reproducibleZip({ 'b.mjs': bytes('b'), 'a.mjs': bytes('a') });

    // Assess
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const firstName = new TextDecoder().decode(zip.subarray(30, 30 + view.getUint16(26, true)));
    expect(firstName).toBe('a.mjs');
    // DOS date of 2000-01-01: ((2000 - 1980) << 9) | (1 << 5) | 1, time 00:00.
    expect(view.getUint16(12, true)).toBe((20 << 9) | (1 << 5) | 1);
    expect(view.getUint16(10, true)).toBe(0);
    const central = findCentralDirectory(zip);
    expect(view.getUint8(central + 5)).toBe(3);
    expect(view.getUint32(central + 38, true) >>> 16).toBe(0o100644);
  });

  it('reports the sha256 in base64, as Lambda does', () => {
    // Act
    const sha = codeSha256(bytes(''));

    // Assess
    expect(sha).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });
});

/** Offset of the first central directory header (signature PK\x01\x02). */
function findCentralDirectory(zip: Uint8Array): number {
  for (let i = 0; i + 4 <= zip.length; i += 1) {
    if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 0x01 && zip[i + 3] === 0x02) {
      return i;
    }
  }
  throw new Error('no central directory');
}
