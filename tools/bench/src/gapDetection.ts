import {
  type Calendar,
  calendarFor,
  CalendarId,
  type Day,
  findGaps,
  formatIsoDate,
  parseIsoDate,
  seededRandom,
} from '@gapless/pipeline-core';
import { median } from './stats.js';
import { holidayIsoSet, naiveGaps } from './naiveGaps.js';
import type { SectionResult, SectionRow } from './section.js';

const SERIES = 1000;
const YEARS = 20;
const FIRST_YEAR = 2005;
const FROM_ISO = `${FIRST_YEAR}-01-01`;
const TO_ISO = `${FIRST_YEAR + YEARS - 1}-12-31`;
/** A hole starts at 1% of the dates and lasts 1-5 dates: about 3% missing, in runs as outages leave them. */
const HOLE_START = 0.01;
const HOLE_MAX_LENGTH = 5;
const OURS_RUNS = 9;
const DECODING_RUNS = 3;
/**
 * The baseline takes seconds per pass, so it runs once over all the series in this many slices, each
 * slice timed and scaled to the whole: several samples for a median, and every series still verified.
 */
const NAIVE_SLICES = 5;
const TARGETS = { speedup_vs_naive: 20, dates_per_second: 1e7 } as const;

/** The same present dates in the two forms the two contenders start from. */
interface Dataset {
  readonly from: Day;
  readonly to: Day;
  readonly datesChecked: number;
  readonly present: readonly Int32Array[];
  readonly presentIso: readonly (readonly string[])[];
}

/** What one run of the section measured; times are medians in milliseconds over all the series. */
interface Measured {
  readonly datesChecked: number;
  readonly gapsFound: number;
  readonly oursMs: number;
  readonly naiveMs: number;
  readonly oursWithDecodingMs: number;
  readonly naiveWithSetMs: number;
}

/**
 * Gap detection over {@link SERIES} series of {@link YEARS} years of Brazilian business days: our
 * `findGaps` (integer days, merge walk) against the per-date baseline (Date objects, sets of ISO strings),
 * checked to give identical gaps. Each side's figure is a median of several runs after a warm-up.
 */
export async function gapDetection(): Promise<SectionResult> {
  const measured = measure();
  const speedup = measured.naiveMs / measured.oursMs;
  const datesPerSecond = measured.datesChecked / (measured.oursMs / 1000);
  return {
    title: `gap detection: ${SERIES} series x ${YEARS} years of BR business days (${FROM_ISO}..${TO_ISO})`,
    rows: rows(measured, speedup, datesPerSecond),
    figures: {
      speedup_vs_naive: round(speedup, 1),
      dates_per_second: Math.round(datesPerSecond),
      series: SERIES,
      years: YEARS,
      targets: TARGETS,
      met: {
        speedup_vs_naive: speedup >= TARGETS.speedup_vs_naive,
        dates_per_second: datesPerSecond >= TARGETS.dates_per_second,
      },
      dates_checked: measured.datesChecked,
      gaps_found: measured.gapsFound,
      median_ms: { find_gaps: round(measured.oursMs, 2), naive: round(measured.naiveMs, 1) },
      from_iso_strings: {
        decode_and_find_gaps_ms: round(measured.oursWithDecodingMs, 1),
        set_and_naive_ms: round(measured.naiveWithSetMs, 1),
        speedup: round(measured.naiveWithSetMs / measured.oursWithDecodingMs, 1),
      },
    },
  };
}

function measure(): Measured {
  const calendar = calendarFor(CalendarId.BrazilBusiness);
  const data = buildDataset(calendar);
  const holidays = holidayIsoSet(FIRST_YEAR, FIRST_YEAR + YEARS - 1);

  runOurs(calendar, data); // warm-up: JIT and the calendar's tables
  runNaive(data, holidays, 0, 20);
  const ours = Array.from({ length: OURS_RUNS }, () => runOurs(calendar, data));
  const size = SERIES / NAIVE_SLICES;
  const naive = Array.from({ length: NAIVE_SLICES }, (_, k) => runNaive(data, holidays, k * size, size));
  const gapsFound = verifyIdentical(
    ours[0]!.gaps,
    naive.flatMap((slice) => slice.gaps),
  );
  const decoding = Array.from({ length: DECODING_RUNS }, () => runOursFromIso(calendar, data));
  return {
    datesChecked: data.datesChecked,
    gapsFound,
    oursMs: median(ours.map((run) => run.ms)),
    naiveMs: median(naive.map((slice) => slice.loopMs * NAIVE_SLICES)),
    oursWithDecodingMs: median(decoding),
    naiveWithSetMs: median(naive.map((slice) => (slice.loopMs + slice.setMs) * NAIVE_SLICES)),
  };
}

function rows(measured: Measured, speedup: number, datesPerSecond: number): SectionRow[] {
  const { oursMs, naiveMs, oursWithDecodingMs, naiveWithSetMs } = measured;
  return [
    ['calendar dates checked', measured.datesChecked.toLocaleString('en')],
    ['gaps found (identical in both)', measured.gapsFound.toLocaleString('en')],
    [`findGaps, median of ${OURS_RUNS}`, `${oursMs.toFixed(1)} ms`],
    [`per-date baseline, median of ${NAIVE_SLICES} slices x${NAIVE_SLICES}`, `${naiveMs.toFixed(1)} ms`],
    ['speedup vs baseline', `${speedup.toFixed(1)}x (target ${TARGETS.speedup_vs_naive}x)`],
    [
      'dates per second (one core)',
      `${datesPerSecond.toExponential(2)} (target ${TARGETS.dates_per_second})`,
    ],
    [
      `from ISO strings: decode + findGaps, median of ${DECODING_RUNS}`,
      `${oursWithDecodingMs.toFixed(1)} ms`,
    ],
    ['from ISO strings: Set + baseline', `${naiveWithSetMs.toFixed(1)} ms`],
    ['speedup from ISO strings', `${(naiveWithSetMs / oursWithDecodingMs).toFixed(1)}x`],
  ];
}

function buildDataset(calendar: Calendar): Dataset {
  const from = parseIsoDate(FROM_ISO);
  const to = parseIsoDate(TO_ISO);
  const expected = calendar.datesBetween(from, to);
  const random = seededRandom(20_050_101);
  const present = Array.from({ length: SERIES }, () => withHoles(expected, random));
  const presentIso = present.map((days) => Array.from(days, formatIsoDate));
  return { from, to, datesChecked: expected.length * SERIES, present, presentIso };
}

function withHoles(expected: Int32Array, random: () => number): Int32Array {
  const kept = new Int32Array(expected.length);
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    if (random() < HOLE_START) {
      i += Math.floor(random() * HOLE_MAX_LENGTH); // this date and up to HOLE_MAX_LENGTH - 1 more
      continue;
    }
    kept[count++] = expected[i]!;
  }
  return kept.slice(0, count);
}

function runOurs(calendar: Calendar, data: Dataset): { ms: number; gaps: Int32Array[] } {
  const gaps: Int32Array[] = new Array<Int32Array>(SERIES);
  const started = performance.now();
  for (let s = 0; s < SERIES; s++) gaps[s] = findGaps(calendar, data.from, data.to, data.present[s]!);
  return { ms: performance.now() - started, gaps };
}

/** Ours as the pipeline runs it: a Query gives ISO strings, decoded to day numbers at the edge. */
function runOursFromIso(calendar: Calendar, data: Dataset): number {
  let found = 0;
  const started = performance.now();
  for (let s = 0; s < SERIES; s++) {
    const iso = data.presentIso[s]!;
    const present = new Int32Array(iso.length);
    for (let i = 0; i < iso.length; i++) present[i] = parseIsoDate(iso[i]);
    found += findGaps(calendar, data.from, data.to, present).length;
  }
  const ms = performance.now() - started;
  if (found === 0) throw new Error('no gaps found: the dataset is wrong');
  return ms;
}

/** The baseline over `count` series from `first`; each set is built per series, timed apart from the loop. */
function runNaive(data: Dataset, holidays: Set<string>, first: number, count: number) {
  const gaps: string[][] = [];
  let setMs = 0;
  let loopMs = 0;
  for (let s = first; s < first + count; s++) {
    const started = performance.now();
    const present = new Set(data.presentIso[s]);
    const built = performance.now();
    gaps.push(naiveGaps(FROM_ISO, TO_ISO, holidays, present));
    loopMs += performance.now() - built;
    setMs += built - started;
  }
  return { setMs, loopMs, gaps };
}

/** Throws unless both found exactly the same gaps; returns how many there are. */
function verifyIdentical(ours: readonly Int32Array[], naive: readonly (readonly string[])[]): number {
  let total = 0;
  ours.forEach((gaps, s) => {
    const expected = naive[s]!;
    const mismatch = gaps.findIndex((day, i) => formatIsoDate(day) !== expected[i]);
    if (gaps.length !== expected.length || mismatch >= 0) {
      const at = mismatch >= 0 ? mismatch : Math.min(gaps.length, expected.length);
      throw new Error(
        `series ${s}: findGaps and the baseline disagree at gap #${at}: ` +
          `${gaps[at] === undefined ? 'none' : formatIsoDate(gaps[at])} vs ${expected[at] ?? 'none'}`,
      );
    }
    total += gaps.length;
  });
  return total;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
