import { describe, expect, it } from 'vitest';
import { valueProblem } from './dataQuality.js';
import { makeSeries } from './testing/makeSeries.js';

describe('valueProblem', () => {
  it.each([
    ['positive (the default)', {}, [0.01, 4.5], [0, -0.68]],
    ['non-negative', { sign: 'non-negative' as const }, [0, 0.01], [-0.01]],
    ['any', { sign: 'any' as const }, [-0.68, 0, 0.59], []],
    ['bounds [-5, 5], which alone decide', { bounds: { min: -5, max: 5 } }, [-5, -0.68, 0, 5], [-5.01, 6]],
  ])('with a %s rule, accepts %j and refuses the rest', (_, rules, accepted, refused) => {
    // Prepare
    const series = makeSeries({ infoType: 'INFLATION#IPCA', ...rules });

    // Act
    const answers = [...accepted, ...refused].map((value) => valueProblem(series, value));

    // Assess
    expect(answers.slice(0, accepted.length)).toEqual(accepted.map(() => undefined));
    for (const answer of answers.slice(accepted.length)) expect(answer).toMatch(/^value -?[\d.]+ is /);
  });

  it('never takes a missing row, a null or a non-finite number for a value, whatever the rule', () => {
    // Prepare
    const series = makeSeries({ sign: 'any' });

    // Act
    const answers = [undefined, null, Number.NaN, Number.POSITIVE_INFINITY].map((value) =>
      valueProblem(series, value),
    );

    // Assess
    expect(answers).toEqual([
      'the source returned no row for this date',
      'the source returned the date without a value',
      'value NaN is not a finite number',
      'value Infinity is not a finite number',
    ]);
  });

  it('names the rule a value broke', () => {
    // Act
    const positive = valueProblem(makeSeries(), -1);
    const nonNegative = valueProblem(makeSeries({ sign: 'non-negative' }), -1);
    const bounded = valueProblem(makeSeries({ bounds: { min: 1, max: 10 } }), 0);

    // Assess
    expect(positive).toBe("value -1 is not positive (the series' sign rule)");
    expect(nonNegative).toBe("value -1 is negative (the series' sign rule is non-negative)");
    expect(bounded).toBe("value 0 is outside the series' bounds [1, 10]");
  });
});
