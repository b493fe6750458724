import Holidays from 'date-holidays';

const DAY_MS = 86_400_000;

/**
 * The Brazilian holidays of some years as a set of ISO strings, the way the original Python pipeline kept
 * them. Derived from `date-holidays` directly (not through our calendar), so the comparison in the
 * benchmark also cross-checks the calendar.
 */
export function holidayIsoSet(firstYear: number, lastYear: number): Set<string> {
  const holidays = new Holidays('BR');
  const set = new Set<string>();
  for (let year = firstYear; year <= lastYear; year++) {
    for (const holiday of holidays.getHolidays(year)) {
      if (holiday.type === 'public' || holiday.type === 'bank') set.add(holiday.date.slice(0, 10));
    }
  }
  return set;
}

/**
 * The baseline: the straightforward per-date loop of the original (Python `date` + `timedelta`), written
 * the same way in JavaScript: a new Date per day, weekends and holidays skipped, each ISO string looked up
 * in the set of present dates. `fromIso` and `toIso` are inclusive.
 */
export function naiveGaps(
  fromIso: string,
  toIso: string,
  holidays: Set<string>,
  present: Set<string>,
): string[] {
  const gaps: string[] = [];
  const end = new Date(`${toIso}T00:00:00Z`);
  for (let date = new Date(`${fromIso}T00:00:00Z`); date <= end; date = new Date(date.getTime() + DAY_MS)) {
    const weekday = date.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const iso = date.toISOString().slice(0, 10);
    if (holidays.has(iso)) continue;
    if (!present.has(iso)) gaps.push(iso);
  }
  return gaps;
}
