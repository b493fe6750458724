import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { optionalFloat, optionalInt, optionalUrl, requireString, requireUrl } from './env.js';
import { ConfigError } from './errors.js';
import { configErrorOf } from './testing/configErrorOf.js';

describe('env readers', () => {
  it('requireString says "is required", never "must be"', () => {
    const error = configErrorOf(() => requireString({}, 'SOME_NAME'));
    expect(error.message).toBe('SOME_NAME is required (set it to a non-empty string)');
  });

  it('optionalInt says "must be an integer" only for a value that is there', () => {
    expect(optionalInt({}, 'N', 4, { min: 1 })).toBe(4);
    expect(optionalInt({ N: ' 9 ' }, 'N', 4, { min: 1 })).toBe(9);
    expect(configErrorOf(() => optionalInt({ N: '1e3' }, 'N', 4)).message).toBe(
      'N must be an integer, got "1e3"',
    );
    expect(configErrorOf(() => optionalInt({ N: '0' }, 'N', 4, { min: 1 })).message).toBe(
      'N must be at least 1, got 0',
    );
  });

  it('optionalFloat reads decimals and checks the range', () => {
    expect(optionalFloat({ F: '0.25' }, 'F', 1, { min: 0, max: 1 })).toBe(0.25);
    expect(optionalFloat({}, 'F', 1)).toBe(1);
    expect(configErrorOf(() => optionalFloat({ F: 'abc' }, 'F', 1, { max: 2 })).message).toBe(
      'F must be a number at most 2, got "abc"',
    );
  });

  it('optionalUrl keeps the default when unset', () => {
    expect(optionalUrl({}, 'U', 'https://example.com')).toBe('https://example.com');
    expect(optionalUrl({}, 'U', undefined)).toBeUndefined();
  });

  test.prop([fc.integer({ min: -1000, max: 1000 })])(
    'optionalInt accepts exactly the integers in range',
    (n) => {
      const read = () => optionalInt({ N: String(n) }, 'N', 0, { min: 0, max: 20 });
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
