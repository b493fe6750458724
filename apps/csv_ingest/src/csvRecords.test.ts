import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS, openCsv, type CsvRow } from './csvRecords.js';
import { FileRefusedError } from './errors.js';

/** The bytes of `text` (or the bytes themselves), handed out in chunks of the given sizes, then the rest. */
async function* chunked(
  input: string | Uint8Array,
  sizes: readonly number[] = [],
): AsyncGenerator<Uint8Array> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) return;
    yield bytes.subarray(at, at + size);
    at += size;
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

async function readAll(input: string | Uint8Array, sizes?: readonly number[]) {
  const { layout, rows } = await openCsv(chunked(input, sizes));
  const all: CsvRow[] = [];
  for await (const row of rows) all.push(row);
  return { layout, rows: all };
}

async function refusal(input: string | Uint8Array): Promise<string> {
  const error = await readAll(input).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FileRefusedError);
  return (error as Error).message;
}

describe('openCsv', () => {
  it('drops a BOM, takes ";" from the header, trims fields and numbers rows by the line they start on', async () => {
    // Prepare: CRLF ends, a blank line, a line of separators only, a quoted field over two lines
    const text =
      '\uFEFFinfo_type ; date ; value\r\n\r\nA;2024-01-02; 4,5 \r\n;;\r\n"B\r\nC";2024-01-03;1\r\nD;2024-01-04;2';

    // Act
    const { layout, rows } = await readAll(text);

    // Assess
    expect(layout).toMatchObject({
      delimiter: ';',
      decimal: ',',
      columns: { infoType: 0, date: 1, value: 2 },
    });
    expect(rows).toEqual([
      { line: 3, fields: ['A', '2024-01-02', '4,5'] },
      { line: 5, fields: ['B\r\nC', '2024-01-03', '1'] },
      { line: 7, fields: ['D', '2024-01-04', '2'] },
    ]);
  });

  it('takes the header after blank lines at the start of the file', async () => {
    // Act
    const { layout, rows } = await readAll('\n\ninfo_type,date,value\nA,2024-01-02,4.5\n');

    // Assess
    expect(layout.delimiter).toBe(',');
    expect(rows).toEqual([{ line: 4, fields: ['A', '2024-01-02', '4.5'] }]);
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 60 })], { numRuns: 200 })(
    'reads the same rows however the bytes are cut into chunks',
    async (sizes) => {
      // Prepare: multi-byte characters, quotes and line ends that chunks may split
      const text =
        'info_type;date;value;source\r\nÇ#1;2024-01-02;4,5;"cotação; BCB"\r\n"a""b";2024-01-03;1;€\r\n';

      // Act
      const { rows } = await readAll(text, sizes);

      // Assess
      expect(rows).toEqual([
        { line: 2, fields: ['Ç#1', '2024-01-02', '4,5', 'cotação; BCB'] },
        { line: 3, fields: ['a"b', '2024-01-03', '1', '€'] },
      ]);
    },
  );

  it.each([
    ['nothing', '', 'is empty'],
    ['only a BOM and blanks', '\uFEFF \r\n\t\n', 'has no header line: it holds only blank lines'],
    [
      'a header line without a separator',
      'info_type date value\n1 2 3\n',
      'has a wrong header: header "info_type date value" must be info_type,date,value separated by "," or by ";" (one of them, not both)',
    ],
    [
      'a header of unknown columns',
      'date;valor;info_type\n',
      'has a wrong header: header column 2 "valor" is unknown (expected info_type;date;value and optionally source, overwrite)',
    ],
    [
      'an unclosed quote',
      'info_type,date,value\n"A,2024-01-02,1\n',
      'is not valid CSV: Quote Not Closed: the parsing is finished with an opening quote at line 2',
    ],
    [
      'a first line longer than a record may be',
      `info_type,${'x'.repeat(MAX_RECORD_CHARS + 10)}`,
      `has no line break in its first ${MAX_RECORD_CHARS} characters: not a CSV of rows`,
    ],
  ])('refuses a file of %s', async (_, text, message) => {
    // Act
    const problem = await refusal(text);

    // Assess
    expect(problem).toBe(message);
  });

  it('refuses a record longer than a record may be, on the line it is', async () => {
    // Act
    const problem = await refusal(`info_type,date,value\nA,2024-01-02,${'9'.repeat(MAX_RECORD_CHARS + 1)}\n`);

    // Assess
    expect(problem).toMatch(/^is not valid CSV: .*record .*exceed.* (at )?line 2/i);
  });

  it.each([
    [
      'a NUL byte',
      Uint8Array.from([0x69, 0x2c, 0x00, 0x0a]),
      'holds a NUL byte at byte 2: binary data, not CSV text',
    ],
    [
      'a byte that is no UTF-8',
      Uint8Array.from([0x69, 0x2c, 0xff, 0x0a]),
      'is not UTF-8 text: an invalid byte sequence in bytes 0 to 3',
    ],
    [
      'a character cut off at the end',
      Uint8Array.from([...new TextEncoder().encode('info_type,date,value\n'), 0xc3]),
      'is not UTF-8 text: an invalid byte sequence at its end',
    ],
  ])('refuses binary data: %s', async (_, bytes, message) => {
    // Act
    const problem = await refusal(bytes);

    // Assess
    expect(problem).toBe(message);
  });

  it('passes a failure of the body itself on as it is', async () => {
    // Prepare
    const lost = new Error('socket hang up');
    async function* body(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('info_type,date,value\nA,2024-01-02,1\n');
      throw lost;
    }

    // Act
    const failure = await (async () => {
      const { rows } = await openCsv(body());
      for await (const _ of rows) void _;
    })().catch((error: unknown) => error);

    // Assess
    expect(failure).toBe(lost);
  });
});
