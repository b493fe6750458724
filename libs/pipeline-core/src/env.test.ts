import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { optionalFloat, optionalInt, optionalUrl, requireString, requireUrl } from './env.js';
import { ConfigError } from './errors.js';
import { configErrorOf } from './testing/configErrorOf.js';

describe('env readers', () => {
  it('requireString says "is required", never "must be"', () => {
    // Act
    const error = configErrorOf(() => requireString({}, 'SOME_NAME'));

    // Assess
    expect(error.message).toBe('SOME_NAME is required (set it to a non-empty string)');
  });

  it('optionalInt says "must be an integer" only for a value that is there', () => {
    // Act
    const unset = optionalInt({}, 'N', 4, { min: 1 });
    const padded = optionalInt({ N: ' 9 ' }, 'N', 4, { min: 1 });
    const notInteger = configErrorOf(() => optionalInt({ N: '1e3' }, 'N', 4));
    const belowMin = configErrorOf(() => optionalInt({ N: '0' }, 'N', 4, { min: 1 }));

    // Assess
    expect(unset).toBe(4);
    expect(padded).toBe(9);
    expect(notInteger.message).toBe('N must be an integer, got "1e3"');
    expect(belowMin.message).toBe('N must be at least 1, got 0');
  });

  it('optionalFloat reads decimals and checks the range', () => {
    // Act
    const inRange = optionalFloat({ F: '0.25' }, 'F', 1, { min: 0, max: 1 });
    const unset = optionalFloat({}, 'F', 1);
    const notNumber = configErrorOf(() => optionalFloat({ F: 'abc' }, 'F', 1, { max: 2 }));

    // Assess
    expect(inRange).toBe(0.25);
    expect(unset).toBe(1);
    expect(notNumber.message).toBe('F must be a number at most 2, got "abc"');
  });

  it('optionalUrl keeps the default when unset', () => {
    // Act
    const withDefault = optionalUrl({}, 'U', 'https://example.com');
    const withoutDefault = optionalUrl({}, 'U', undefined);

    // Assess
    expect(withDefault).toBe('https://example.com');
    expect(withoutDefault).toBeUndefined();
  });

  test.prop([fc.integer({ min: -1000, max: 1000 })])(
    'optionalInt accepts exactly the integers in range',
    (n) => {
      // Act
      const read = () => optionalInt({ N: String(n) }, 'N', 0, { min: 0, max: 20 });

      // Assess
      if (n >= 0 && n <= 20) expect(read()).toBe(n);
      else expect(read).toThrow(ConfigError);
    },
  );

  it('requireUrl names the variable when it is missing and drops a trailing slash', () => {
    // Act
    const missing = configErrorOf(() => requireUrl({}, 'QUEUE_URL'));
    const read = requireUrl({ QUEUE_URL: 'http://127.0.0.1:9/q/' }, 'QUEUE_URL');

    // Assess
    expect(missing.message).toBe('QUEUE_URL is required (set it to an http(s) URL)');
    expect(read).toBe('http://127.0.0.1:9/q');
  });
});
