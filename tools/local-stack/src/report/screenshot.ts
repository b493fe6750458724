import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { renderReport } from './renderReport.js';
import { sampleRunSummary } from './sampleSummary.js';

/** Debian's `chromium` package; playwright-core drives it as is, with no browser download. */
export const debianChromium = '/usr/bin/chromium';

// A browser that reaches for nothing: no network services, no updates, no first-run, no GPU.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ScreenshotOptions {
  /** The report to load (a file: the page must stand alone). */
  readonly htmlPath: string;
  readonly pngPath: string;
  /** Viewport width in CSS pixels; the shot takes the full page height. Default 1280. */
  readonly width?: number;
  readonly executablePath?: string;
  /** Launch and load limit. Default 30 s. */
  readonly timeoutMs?: number;
}

export interface ScreenshotResult {
  readonly pngPath: string;
  readonly bytes: number;
  /** Console errors and uncaught page errors, in order. A self-contained report has none. */
  readonly consoleErrors: string[];
  /** Requests for anything but the file itself (and `data:`), refused. A self-contained report makes none. */
  readonly blockedRequests: string[];
}

/**
 * Loads a report in headless Chromium from a fresh profile and writes a full-page PNG of it, reporting
 * what the page logged as errors and any request it tried to make outside the file.
 */
export async function screenshotReport(options: ScreenshotOptions): Promise<ScreenshotResult> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'report-chromium-'));
  const consoleErrors: string[] = [];
  const blockedRequests: string[] = [];
  const timeout = options.timeoutMs ?? 30_000;
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: options.executablePath ?? debianChromium,
      headless: true,
      args: chromiumArgs,
      viewport: { width: options.width ?? 1280, height: 800 },
      deviceScaleFactor: 1,
      timeout,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
      await page.route('**/*', async (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        blockedRequests.push(url);
        return route.abort('blockedbyclient');
      });
      await page.goto(pathToFileURL(resolve(options.htmlPath)).href, { waitUntil: 'load', timeout });
      await page.screenshot({ path: options.pngPath, fullPage: true, timeout });
    } finally {
      await context.close();
    }
  } finally {
    await rm(userDataDir, { recursive: true, force: true });
  }
  const { size } = await stat(options.pngPath);
  return { pngPath: options.pngPath, bytes: size, consoleErrors, blockedRequests };
}

const usage = `Renders an HTML report to PNG in headless Chromium (${debianChromium}).

  tsx tools/local-stack/src/report/screenshot.ts <report.html> <out.png> [--width 1280]
  tsx tools/local-stack/src/report/screenshot.ts --sample <out.png> [--width 1280]

--sample renders a built-in sample run (4 series, 2015-2026) to <out.png without .png>.html first.
Exits 1 when the page logs an error or tries to load anything outside the file.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      sample: { type: 'boolean' },
      width: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const expected = values.sample ? 1 : 2;
  const width = values.width === undefined ? 1280 : Number(values.width);
  if (values.help || positionals.length !== expected || !Number.isInteger(width) || width < 320) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  const pngPath = positionals[expected - 1] ?? '';
  let htmlPath = positionals[0] ?? '';
  if (values.sample) {
    htmlPath = `${pngPath.replace(/\.png$/i, '')}.html`;
    await writeFile(htmlPath, renderReport(sampleRunSummary()));
    console.log(`sample report: ${htmlPath}`);
  }
  const result = await screenshotReport({ htmlPath, pngPath, width });
  console.log(`screenshot: ${result.pngPath} (${result.bytes} bytes)`);
  for (const error of result.consoleErrors) console.error(`console error: ${error}`);
  for (const url of result.blockedRequests) console.error(`blocked request: ${url}`);
  return result.consoleErrors.length + result.blockedRequests.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
