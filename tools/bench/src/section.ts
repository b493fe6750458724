/** One line of a section's human-readable table: a label and its formatted value. */
export type SectionRow = readonly [label: string, value: string];

/**
 * What a benchmark section hands back to `main.ts`: rows for the human table, and the figures that go,
 * under the section's key, into the JSON line printed last.
 */
export interface SectionResult {
  readonly title: string;
  readonly rows: readonly SectionRow[];
  readonly figures: Readonly<Record<string, unknown>>;
  /** Figures of the same measurement that go under keys of their own in the JSON line (e.g. `bundle`). */
  readonly siblings?: Readonly<Record<string, unknown>>;
}

/** A benchmark section: measures one thing, in this process, and reports it. */
export type BenchSection = () => Promise<SectionResult>;
