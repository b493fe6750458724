import { Readable, pipeline } from 'node:stream';
import { CsvError, parse, type Parser } from 'csv-parse';
import { detectDelimiter, readFileHeader, type FileDelimiter, type FileLayout } from '@gapless/pipeline-core';
import { FileRefusedError } from './errors.js';

/** One data row of a file: the 1-based line it starts on and its fields, trimmed. */
export interface CsvRow {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A file whose header was read: its layout, and its data rows as they stream in. */
export interface OpenedCsv {
  readonly layout: FileLayout;
  readonly rows: AsyncIterable<CsvRow>;
}

/** The longest record (and header line) a file may have: a row of a few fields is far shorter. */
export const MAX_RECORD_CHARS = 65_536;

const NEWLINE = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Reads a CSV file as it streams in: checks that it is UTF-8 text (an invalid byte sequence or a NUL byte
 * refuses it as binary), drops a BOM, takes the separator from the first non-blank line, and parses records
 * with csv-parse (quotes as RFC 4180; CRLF or LF; fields trimmed; lines that are blank or hold only
 * separators skipped). The header is read before this resolves. A file that is empty, has no header line, a
 * wrong header, a record longer than {@link MAX_RECORD_CHARS} or broken quoting throws a
 * {@link FileRefusedError}, now or while the rows are read; a failure of `body` itself is passed on as is.
 */
export async function openCsv(body: AsyncIterable<Uint8Array>): Promise<OpenedCsv> {
  const chunks = checkedChunks(body)[Symbol.asyncIterator]();
  let head: Uint8Array[];
  let delimiter: FileDelimiter;
  try {
    const first = await readHeaderLine(chunks);
    const detected = detectDelimiter(first.line);
    if (typeof detected !== 'string') throw new FileRefusedError(`has a wrong header: ${detected.problem}`);
    head = first.head;
    delimiter = detected;
  } catch (error) {
    // Nothing reads the rest: close the object's body.
    await chunks.return?.(undefined);
    throw error;
  }

  const parser = parse({
    delimiter,
    record_delimiter: ['\r\n', '\n'],
    info: true,
    relax_column_count: true,
    trim: true,
    max_record_size: MAX_RECORD_CHARS,
  });
  const lines = new LineCounter();
  async function* bytes(): AsyncGenerator<Uint8Array> {
    try {
      for (const chunk of head) yield lines.passed(chunk);
      for (let next = await chunks.next(); !next.done; next = await chunks.next())
        yield lines.passed(next.value.bytes);
    } finally {
      await chunks.return?.(undefined);
    }
  }
  // Errors reach the reader through the parser, which pipeline destroys with them; a reader that stops
  // early closes the source (and the object's body) the same way.
  pipeline(Readable.from(bytes()), parser, () => {});
  const records = recordsOf(parser, lines);
  try {
    const header = await records.next();
    if (header.done) throw new FileRefusedError('has no header line');
    const layout = readFileHeader(header.value.fields, delimiter);
    if ('problem' in layout) throw new FileRefusedError(`has a wrong header: ${layout.problem}`);
    return { layout, rows: { [Symbol.asyncIterator]: () => records } };
  } catch (error) {
    parser.destroy();
    throw error;
  }
}

/**
 * The line each record starts on. csv-parse's own line count drifts on line breaks inside quoted fields and
 * on carriage returns it trims, so lines are counted here, on the bytes themselves: a record starts where
 * the one before it ended (csv-parse's `info.bytes`), on the line after every `\n` before that offset. Only
 * the offsets of line breaks not yet passed are kept (those between the reader and the parser).
 */
class LineCounter {
  private offsets: number[] = [];
  private next = 0;
  private fed = 0;
  private line = 1;

  passed(chunk: Uint8Array): Uint8Array {
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1))
      this.offsets.push(this.fed + at);
    this.fed += chunk.length;
    return chunk;
  }

  /** The line of the byte at `offset`; offsets must not decrease from one call to the next. */
  lineAt(offset: number): number {
    while (this.next < this.offsets.length && (this.offsets[this.next] as number) < offset) {
      this.next += 1;
      this.line += 1;
    }
    if (this.next > 4096) {
      this.offsets = this.offsets.slice(this.next);
      this.next = 0;
    }
    return this.line;
  }
}

async function* recordsOf(parser: Parser, lines: LineCounter): AsyncGenerator<CsvRow> {
  let start = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { bytes: number };
    }>) {
      const line = lines.lineAt(start);
      start = info.bytes;
      if (record.every((field) => field === '')) continue;
      yield { line, fields: record };
    }
  } catch (error) {
    if (error instanceof CsvError)
      throw new FileRefusedError(`is not valid CSV: ${error.message}`, { cause: error });
    throw error;
  }
}

/** A chunk of the body, checked as text, and its text (for finding the header line). */
interface CheckedChunk {
  readonly bytes: Uint8Array;
  readonly text: string;
}

/**
 * The chunks of `body`, each checked: not UTF-8 (the decoder is strict and keeps a character cut between
 * two chunks for the next), or holding a NUL byte, refuses the file as binary. A leading BOM is dropped, from
 * the bytes the parser reads as from the text, even when it arrives in pieces.
 */
async function* checkedChunks(body: AsyncIterable<Uint8Array>): AsyncGenerator<CheckedChunk> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const checked = (chunk: Uint8Array, at: number): CheckedChunk => {
    const nul = chunk.indexOf(0);
    if (nul !== -1)
      throw new FileRefusedError(`holds a NUL byte at byte ${at + nul}: binary data, not CSV text`);
    try {
      return { bytes: chunk, text: decoder.decode(chunk, { stream: true }) };
    } catch (error) {
      const where = `in bytes ${at} to ${at + chunk.length - 1}`;
      throw new FileRefusedError(`is not UTF-8 text: an invalid byte sequence ${where}`, { cause: error });
    }
  };
  let offset = 0;
  // The first bytes, held until there are enough to tell a BOM.
  let lead: Uint8Array | undefined = new Uint8Array(0);
  for await (const raw of body) {
    let chunk = raw;
    let at = offset;
    offset += raw.length;
    if (lead !== undefined) {
      const joined: Uint8Array = new Uint8Array(lead.length + raw.length);
      joined.set(lead);
      joined.set(raw, lead.length);
      if (joined.length < BOM.length) {
        lead = joined;
        continue;
      }
      lead = undefined;
      const bom = BOM.every((byte, index) => joined[index] === byte);
      chunk = bom ? joined.subarray(BOM.length) : joined;
      at = bom ? BOM.length : 0;
    }
    if (chunk.length > 0) yield checked(chunk, at);
  }
  if (lead !== undefined && lead.length > 0) yield checked(lead, 0);
  try {
    decoder.decode();
  } catch (error) {
    throw new FileRefusedError('is not UTF-8 text: an invalid byte sequence at its end', { cause: error });
  }
}

/**
 * Reads chunks until the first non-blank line is complete (or the text ends): that line decides the
 * separator. Returns the chunks read, which the parser then reads from their start.
 */
async function readHeaderLine(
  chunks: AsyncIterator<CheckedChunk>,
): Promise<{ head: Uint8Array[]; line: string }> {
  const head: Uint8Array[] = [];
  let text = '';
  for (;;) {
    const next = await chunks.next();
    if (!next.done) {
      head.push(next.value.bytes);
      text += next.value.text;
    }
    const line = firstLine(text, next.done === true);
    if (line !== undefined) {
      if (line.trim() === '') {
        throw new FileRefusedError(
          text === '' ? 'is empty' : 'has no header line: it holds only blank lines',
        );
      }
      return { head, line };
    }
    if (text.length > MAX_RECORD_CHARS) {
      throw new FileRefusedError(
        `has no line break in its first ${MAX_RECORD_CHARS} characters: not a CSV of rows`,
      );
    }
  }
}

/** The first non-blank line once it is complete, '' when the text ended blank, undefined to read on. */
function firstLine(text: string, ended: boolean): string | undefined {
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end === -1) {
      const last = text.slice(start);
      if (!ended) return undefined;
      return last.trim() === '' ? '' : last;
    }
    const line = text.slice(start, end).replace(/\r$/, '');
    if (line.trim() !== '') return line;
    start = end + 1;
  }
}
