import type { Day } from '@gapless/pipeline-core';

/**
 * The (series, date) keys of a file's rows, counted up to "more than once", in one byte per date of a range
 * that grows with the dates seen: a file of millions of rows over a century of dates costs some 37 KB per
 * series, not an entry per row. A key that appears twice makes every row with it a duplicate: the file
 * contradicts itself there, and neither row is written.
 */
export class FileRowKeys {
  private readonly series = new Map<string, DayCounts>();

  /** Counts one more row with this key. */
  add(infoType: string, day: Day): void {
    let counts = this.series.get(infoType);
    if (counts === undefined) {
      counts = new DayCounts();
      this.series.set(infoType, counts);
    }
    counts.add(day);
  }

  /** Whether more than one row has this key. */
  isDuplicated(infoType: string, day: Day): boolean {
    return this.series.get(infoType)?.isDuplicated(day) ?? false;
  }
}

/** Per date of a growing range: 0 unseen, 1 seen once, 2 seen more than once. */
class DayCounts {
  private base = 0;
  private counts = new Uint8Array(0);

  add(day: Day): void {
    this.cover(day);
    const index = day - this.base;
    const count = this.counts[index] as number;
    if (count < 2) this.counts[index] = count + 1;
  }

  isDuplicated(day: Day): boolean {
    const index = day - this.base;
    return index >= 0 && index < this.counts.length && this.counts[index] === 2;
  }

  /** Grows the range to hold `day`, at least doubling it, so n dates cost O(n) copies in all. */
  private cover(day: Day): void {
    if (this.counts.length === 0) {
      this.base = day;
      this.counts = new Uint8Array(64);
      return;
    }
    const end = this.base + this.counts.length;
    if (day >= this.base && day < end) return;
    const grow = Math.max(this.counts.length, 64);
    const base = day < this.base ? Math.min(day, this.base - grow) : this.base;
    const newEnd = day >= end ? Math.max(day + 1, end + grow) : end;
    const counts = new Uint8Array(newEnd - base);
    counts.set(this.counts, this.base - base);
    this.base = base;
    this.counts = counts;
  }
}
