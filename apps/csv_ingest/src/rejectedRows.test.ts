import { readFileHeader, type FileLayout } from '@gapless/pipeline-core';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { MemoryObjectStore } from '../tests/fakes.js';
import { csvField, RejectedRows } from './rejectedRows.js';

const layout = readFileHeader(['value', 'date', 'info_type'], ';') as FileLayout;

describe('RejectedRows', () => {
  it('writes nothing until a row is refused', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    const rejected = new RejectedRows(layout, () => objects.textWriter('b', 'rejected/x.csv'));

    // Act
    const written = await rejected.finish();

    // Assess
    expect(written).toBe(false);
    expect(objects.objects.size).toBe(0);
  });

  it("writes each refused row's line, its three fields as the file had them, and the reason, quoted where needed", async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    const rejected = new RejectedRows(layout, () => objects.textWriter('b', 'rejected/x.csv'));

    // Act
    await rejected.add(7, ['1.234,5', '2024-01-02', 'CURRENCY#USD'], 'value "1.234,5" has a "."');
    await rejected.add(9, ['x'], 'has 1 fields, the header has 3');
    const written = await rejected.finish();

    // Assess
    const text = objects.text('b', 'rejected/x.csv') ?? '';
    expect(written).toBe(true);
    expect(rejected.size).toBe(2);
    expect(text).toBe(
      'line,info_type,date,value,reason\n' +
        '7,CURRENCY#USD,2024-01-02,"1.234,5","value ""1.234,5"" has a ""."""\n' +
        '9,,,x,"has 1 fields, the header has 3"\n',
    );
    expect(parse(text, { columns: true })).toEqual([
      {
        line: '7',
        info_type: 'CURRENCY#USD',
        date: '2024-01-02',
        value: '1.234,5',
        reason: 'value "1.234,5" has a "."',
      },
      { line: '9', info_type: '', date: '', value: 'x', reason: 'has 1 fields, the header has 3' },
    ]);
  });

  it.each([
    ['plain', 'plain'],
    ['a;b', '"a;b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['say "hi"', '"say ""hi"""'],
  ])('quotes %j as %j', (text, field) => {
    // Act
    const quoted = csvField(text);

    // Assess
    expect(quoted).toBe(field);
  });
});
