/**
 * The report's whole style sheet, inlined into the page so the file stands alone (mailed, attached to a CI
 * run, opened offline). System fonts only; text colours meet WCAG AA contrast on their backgrounds.
 */
export const reportStyles = `
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --good: #1a7f37; --bad: #b3261e; --warn: #7a4d00; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", Arial, sans-serif;
  color: var(--ink); background: #ffffff; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.subtitle { color: var(--muted); margin: 0 0 16px; }
.badge { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 13px; font-weight: 600;
  vertical-align: middle; margin-left: 8px; }
.badge.good { background: #dafbe1; color: #116329; }
.badge.bad { background: #ffebe9; color: var(--bad); }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 0; }
.figure { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.figure dt { color: var(--muted); font-size: 12px; }
.figure dd { margin: 0; font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure .share { font-size: 13px; font-weight: 400; color: var(--muted); }
.figure.flagged { border-color: var(--bad); background: #fff5f5; }
.figure.flagged dd { color: var(--bad); }
.figure.good dd { color: var(--good); }
.chart { overflow-x: auto; }
svg.coverage { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg.coverage text { fill: var(--ink); }
svg.coverage .axis { fill: var(--muted); font-size: 11px; }
svg.coverage .month { text-anchor: middle; }
svg.coverage .cell { shape-rendering: crispEdges; }
svg.coverage .year-rule { stroke: #ffffff; stroke-width: 1; }
svg.coverage .tick { stroke: #8c959f; stroke-width: 1; }
svg.coverage .series-name { font-family: ui-monospace, "Liberation Mono", Menlo, monospace; }
svg.coverage .percent { fill: var(--muted); font-variant-numeric: tabular-nums; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 20px; padding: 0; margin: 10px 0 0; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend svg { border: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--panel); font-size: 12px; color: var(--muted); font-weight: 600; }
.number { text-align: right; white-space: nowrap; }
thead th.number { white-space: normal; }
.date, .nowrap { white-space: nowrap; }
td.flagged { color: var(--bad); font-weight: 600; }
td.error { font-family: ui-monospace, "Liberation Mono", Menlo, monospace; font-size: 12px;
  overflow-wrap: anywhere; white-space: pre-wrap; }
table.options td:first-child { font-family: ui-monospace, "Liberation Mono", Menlo, monospace; width: 30%; }
table.options td:last-child { font-family: ui-monospace, "Liberation Mono", Menlo, monospace;
  overflow-wrap: anywhere; white-space: pre-wrap; }
.empty, .note { color: var(--muted); }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
code { font-family: ui-monospace, "Liberation Mono", Menlo, monospace; font-size: 12px; }
`;
