import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { attributeMapSize, attributeValueSize } from './itemSize.js';

describe('attributeMapSize', () => {
  it('counts names and string values in UTF-8 bytes', () => {
    // Prepare: 'info_type' (9) + 'CURRENCY#USD' (12) + 'date' (4) + '2024-01-02' (10) + 'é' name (2) + 'ç' (2)
    const map: Record<string, AttributeValue> = {
      info_type: { S: 'CURRENCY#USD' },
      date: { S: '2024-01-02' },
      é: { S: 'ç' },
    };

    // Act
    const size = attributeMapSize(map);

    // Assess
    expect(size).toBe(9 + 12 + 4 + 10 + 2 + 2);
  });

  it.each([
    ['4.8916', 4], // 5 significant digits -> 3 bytes + 1
    ['-0012.3400', 3], // digits 1234 -> 2 + 1
    ['0', 2],
    ['1e+21', 2],
    ['12345678901234567890123456789012345678', 20],
  ])('sizes the number %s as %i bytes', (text, bytes) => {
    // Act
    const size = attributeValueSize({ N: text });

    // Assess
    expect(size).toBe(bytes);
  });

  it('counts NULL and BOOL as one byte, lists and maps with their overhead', () => {
    // Act / Assess
    expect(attributeValueSize({ NULL: true })).toBe(1);
    expect(attributeValueSize({ BOOL: false })).toBe(1);
    expect(attributeValueSize({ L: [{ S: 'ab' }, { NULL: true }] })).toBe(3 + (1 + 2) + (1 + 1));
    expect(attributeValueSize({ M: { k: { S: 'abc' } } })).toBe(3 + 1 + 1 + 3);
    expect(attributeValueSize({ B: new Uint8Array(7) })).toBe(7);
    expect(attributeValueSize({ SS: ['a', 'bc'] })).toBe(3);
  });

  test.prop([fc.dictionary(fc.string({ minLength: 1 }), fc.string())])(
    'equals the UTF-8 bytes of the names and string values of a flat item of strings',
    (record) => {
      // Prepare
      const map = Object.fromEntries(Object.entries(record).map(([name, text]) => [name, { S: text }]));
      const expected = Object.entries(record).reduce(
        (sum, [name, text]) => sum + Buffer.byteLength(name) + Buffer.byteLength(text),
        0,
      );

      // Act
      const size = attributeMapSize(map);

      // Assess
      expect(size).toBe(expected);
    },
  );
});
