import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from './renderReport.js';
import { sampleRunSummary } from './sampleSummary.js';
import { debianChromium, screenshotReport } from './screenshot.js';

const chromiumPresent = existsSync(debianChromium);
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, which always comes first. */
function pngDimensions(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

if (!chromiumPresent) {
  // Said out loud so a green run without the browser is not mistaken for a checked report.
  console.warn(`screenshot tests skipped: ${debianChromium} is absent (apt-get install -y chromium)`);
}

describe.skipIf(!chromiumPresent)(`screenshotReport in headless Chromium (needs ${debianChromium})`, () => {
  let directory = '';

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'report-screenshot-test-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('renders the sample report to a full-page PNG 1280 pixels wide, with no console error', async () => {
    // Prepare
    const htmlPath = join(directory, 'report.html');
    await writeFile(htmlPath, renderReport(sampleRunSummary()));

    // Act
    const result = await screenshotReport({ htmlPath, pngPath: join(directory, 'report.png') });

    // Assess
    const png = await readFile(result.pngPath);
    expect(png.subarray(0, 8).equals(pngSignature)).toBe(true);
    expect(result.bytes).toBe(png.length);
    expect(result.bytes).toBeGreaterThan(50_000);
    const { width, height } = pngDimensions(png);
    expect(width).toBe(1280);
    // Header, coverage, series table, 40 quarantine rows and options: far more than one screen.
    expect(height).toBeGreaterThan(1500);
    expect(result.consoleErrors).toEqual([]);
    expect(result.blockedRequests).toEqual([]);
  });

  it('reports what a page logs as errors and what it tries to fetch from elsewhere', async () => {
    // Prepare: a page that is everything the report must not be.
    const htmlPath = join(directory, 'bad.html');
    await writeFile(
      htmlPath,
      '<!DOCTYPE html><html><body><p>bad</p><img src="http://127.0.0.1:9/pixel.png">' +
        '<script>console.error("broken on purpose"); throw new Error("uncaught on purpose");</script></body></html>',
    );

    // Act
    const result = await screenshotReport({ htmlPath, pngPath: join(directory, 'bad.png'), width: 640 });

    // Assess
    expect(result.consoleErrors).toEqual(
      expect.arrayContaining(['broken on purpose', expect.stringContaining('uncaught on purpose')]),
    );
    expect(result.blockedRequests).toEqual(['http://127.0.0.1:9/pixel.png']);
    expect(pngDimensions(await readFile(result.pngPath)).width).toBe(640);
  });
});
