const thousands = new Intl.NumberFormat('en-US');

/**
 * A count with thousands separators. The summary's per-series figures may be absent when the run could not
 * attribute them to a series; those show as a dash rather than a misleading 0.
 */
export function formatCount(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? thousands.format(value) : '—';
}

/** A share as a percentage that never rounds a shortfall up to 100% (99.96% shows as 99.9%). */
export function formatPercent(share: number): string {
  if (share >= 1) return '100%';
  return `${(Math.floor(Math.max(0, share) * 1000) / 10).toFixed(1)}%`;
}

/** A duration as a person reads it: `850 ms`, `12.3 s`, `4 min 05 s`, `1 h 02 min`. */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return '—';
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = milliseconds / 1000;
  // Below 59.95 s, so one decimal never shows "60.0 s".
  if (milliseconds < 59_950) return `${seconds.toFixed(1)} s`;
  const wholeSeconds = Math.round(seconds);
  const minutes = Math.floor(wholeSeconds / 60);
  if (minutes < 60) return `${minutes} min ${String(wholeSeconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** An ISO timestamp as `2026-11-25 04:10:00 UTC`; anything else is returned as it is. */
export function formatTimestamp(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}
