import { describe, expect, it } from 'vitest';
import { renderReport } from './renderReport.js';
import { sampleRunSummary } from './sampleSummary.js';
import { monthSummary, runSummary, seriesSummary } from './testFactories.js';

function usdRun(changes: Parameters<typeof runSummary>[1] = {}): ReturnType<typeof runSummary> {
  return runSummary(
    [seriesSummary('CURRENCY#USD', [monthSummary('2024-01'), monthSummary('2024-02')])],
    changes,
  );
}

describe('renderReport', () => {
  it('escapes an error message that carries a script', () => {
    // Prepare
    const lastError = 'HTTP 500: <script>alert("x")</script><img src=x onerror=alert(1)>';
    const summary = usdRun({
      quarantine: [{ infoType: 'CURRENCY#USD', date: '2024-01-02', retryCount: 5, lastError }],
    });

    // Act
    const html = renderReport(summary);

    // Assess
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).toContain(
      'HTTP 500: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
  });

  it('lists the dates set aside by series and date, with their status and retry counts', () => {
    // Prepare
    const quarantine = [
      { infoType: 'CURRENCY#USD', date: '2024-02-01', retryCount: 5, lastError: 'timeout' },
      {
        infoType: 'CURRENCY#EUR',
        date: '2024-01-03',
        status: 'ABSENT' as const,
        retryCount: 5,
        lastError: 'no row',
      },
      { infoType: 'CURRENCY#USD', date: '2024-01-05', retryCount: 5, lastError: 'HTTP 429' },
    ];

    // Act
    const html = renderReport(usdRun({ quarantine }));

    // Assess
    const rows = [
      ...html.matchAll(
        /<tr><td>([^<]+)<\/td><td class="date">([^<]+)<\/td><td>([A-Z]+)<\/td><td class="number">(\d+)<\/td>/g,
      ),
    ];
    expect(rows.map(([, series, date, status, retries]) => `${series} ${date} ${status} ${retries}`)).toEqual(
      [
        'CURRENCY#EUR 2024-01-03 ABSENT 5',
        'CURRENCY#USD 2024-01-05 QUARANTINED 5',
        'CURRENCY#USD 2024-02-01 QUARANTINED 5',
      ],
    );
    expect(html).toContain('Quarantine (3)');
  });

  it('says in words that nothing is quarantined', () => {
    // Act
    const html = renderReport(usdRun());

    // Assess
    expect(html).toContain('<p class="empty" id="quarantine-empty">No date is quarantined.</p>');
    expect(html).toContain('Quarantine (0)');
    expect(html).not.toContain('<table class="quarantine">');
  });

  it("shows the run's figures, flagging dead letters and a run that did not converge", () => {
    // Prepare
    const summary = usdRun({ converged: false, durationMs: 245_000, cycles: 50 });
    summary.totals = {
      ...summary.totals,
      sourceRequests: 1234,
      batchWriteCalls: 77,
      messagesSent: 12,
      deadLetters: 2,
    };

    // Act
    const html = renderReport(summary);

    // Assess
    const figure = (name: string): string | undefined =>
      new RegExp(`<div class="figure([^"]*)"><dt>${name}</dt><dd>([^<]*)`).exec(html)?.slice(1).join('|');
    expect(figure('Duration')).toBe('|4 min 05 s');
    expect(figure('Cycles')).toBe('|50');
    expect(figure('Converged')).toBe(' flagged|no');
    expect(figure('Source requests')).toBe('|1,234');
    expect(figure('Batch-write calls')).toBe('|77');
    expect(figure('Messages sent')).toBe('|12');
    expect(figure('Dead letters')).toBe(' flagged|2');
    expect(figure('Quarantined')).toBe('|0');
    expect(html).toContain('not converged');
  });

  it('shows source requests a real source served as not counted, never as 0', () => {
    // Prepare
    const summary = usdRun();
    summary.series = summary.series.map((series) => ({ ...series, sourceRequests: null }));
    summary.totals = { ...summary.totals, sourceRequests: null };

    // Act
    const html = renderReport(summary);

    // Assess
    expect(html).toContain(
      '<dt>Source requests</dt><dd>— <span class="share">not counted: a real source served a series</span>',
    );
    const row = /<tr><th scope="row">CURRENCY#USD<\/th>.*?<\/tr>/.exec(html)?.[0] ?? '';
    const cells = [...row.matchAll(/<td class="number[^"]*">([^<]*)<\/td>/g)].map((match) => match[1]);
    expect(cells).toHaveLength(9);
    expect(cells[7]).toBe('—');
  });

  it('shows the options, escaped, strings as they are and anything else as JSON', () => {
    // Act
    const html = renderReport(
      usdRun({ options: { series: ['A', 'B'], faults: { error: 0.3 }, dataDir: '/tmp/<x>' } }),
    );

    // Assess
    expect(html).toContain('<tr><td>series</td><td>[&quot;A&quot;,&quot;B&quot;]</td></tr>');
    expect(html).toContain('<tr><td>faults</td><td>{&quot;error&quot;:0.3}</td></tr>');
    expect(html).toContain('<tr><td>dataDir</td><td>/tmp/&lt;x&gt;</td></tr>');
  });

  it('stands alone: no script, no stylesheet link, nothing fetched from elsewhere', () => {
    // Act
    const html = renderReport(sampleRunSummary());

    // Assess
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#)/i);
    expect(html).not.toMatch(/\s(?:src|href)=/i);
    expect(html).toContain('content="default-src &#39;none&#39;;');
  });

  it('renders a run without series', () => {
    // Act
    const html = renderReport(runSummary([]));

    // Assess
    expect(html).toContain('No series in this run.');
    expect(html).not.toContain('<ul class="legend"');
  });
});
