import type { AttributeValue } from '@aws-sdk/client-dynamodb';

function utf8Bytes(text: string): number {
  // Counted, not encoded: no buffer per string (the scraper sizes every item of a 10-year stream).
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Estimated stored size in bytes of a DynamoDB item, by AWS's sizing rules: each attribute name's UTF-8
 * bytes plus its value's size. It is what the 400 KB item limit is checked against.
 */
export function attributeMapSize(map: Readonly<Record<string, AttributeValue>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(map)) total += utf8Bytes(name) + attributeValueSize(value);
  return total;
}

// Lists and maps cost 3 bytes plus 1 per element on top of their contents.
const CONTAINER_OVERHEAD = 3;
const ELEMENT_OVERHEAD = 1;

/** Size of one attribute value: strings in UTF-8 bytes, numbers by significant digits, NULL/BOOL 1 byte. */
export function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + utf8Bytes(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberSize(text), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, bytes) => sum + bytes.length, 0);
  if (value.L !== undefined) {
    return value.L.reduce(
      (sum, element) => sum + ELEMENT_OVERHEAD + attributeValueSize(element),
      CONTAINER_OVERHEAD,
    );
  }
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (sum, [name, element]) => sum + ELEMENT_OVERHEAD + utf8Bytes(name) + attributeValueSize(element),
      CONTAINER_OVERHEAD,
    );
  }
  return 0;
}

/**
 * DynamoDB stores a number as its significant digits, two per byte, plus one byte: `-0012.3400e2` counts
 * the digits `1234`. Leading and trailing zeros are not stored.
 */
function numberSize(text: string): number {
  const mantissa = text.trim().replace(/^[+-]/, '').split(/[eE]/)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}
