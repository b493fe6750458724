import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';

/**
 * A fixed timestamp for every entry. fflate writes DOS times from the LOCAL fields of the date, so a date
 * built from local fields gives the same bytes in every time zone (a UTC instant near 1980 would underflow
 * the DOS epoch west of Greenwich and differ between machines).
 */
const fixedMtime = (): Date => new Date(2000, 0, 1, 0, 0, 0);

/** Unix regular file, rw-r--r--: what Lambda needs to read it, and the same on every machine. */
const regularFileAttrs = (0o100644 << 16) >>> 0;
const unixOs = 3;
const compressionLevel = 9;

/**
 * Zips `files` so that the same contents always give the same bytes: entries sorted by name, fixed
 * timestamp, permissions and compression level, no comments or extra fields.
 */
export function reproducibleZip(files: Readonly<Record<string, Uint8Array>>): Uint8Array {
  const entries: Zippable = {};
  for (const name of Object.keys(files).sort()) {
    const data = files[name] as Uint8Array;
    entries[name] = [
      data,
      { level: compressionLevel, mtime: fixedMtime(), os: unixOs, attrs: regularFileAttrs },
    ];
  }
  return zipSync(entries);
}

/** The base64 sha256 of a zip: the value Lambda reports as `CodeSha256`. */
export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}
