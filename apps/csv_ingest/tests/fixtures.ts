import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toAttributeMap } from '@gapless/aws-adapters';
import { ItemStatus, okItem, parseIsoDate } from '@gapless/pipeline-core';

/** The clock of the end-to-end tests: a Friday; today in Brasília is 2024-06-14. */
export const testNow = new Date('2024-06-14T12:00:00Z');

/**
 * A `;`-separated history file with a BOM and CRLF line ends (as a spreadsheet in Brazilian Portuguese saves
 * it), every kind of row: good ones (history before the series' start, a negative inflation rate, quoted
 * fields), one already stored, ones that meet OK values (with and without `overwrite`), one on a RETRY item,
 * one under a lease, and every kind of bad row. Line 24 (separators only) and 25 (blank) are skipped.
 */
export const mixedFileLines = [
  'info_type;date;value;overwrite;source', // 1
  'CURRENCY#USD;2024-01-02;4,8916;;', // 2: stored OK 4.8916 from bcb-sgs: skipped
  'CURRENCY#USD;2024-01-03;4,95;;', // 3: stored OK 4.9 from bcb-sgs, no overwrite: kept, rejected
  'CURRENCY#USD;2024-01-04;4,93;true;BCB correction', // 4: stored OK 4.9 from bcb-sgs: overwritten
  'CURRENCY#USD;2024-01-05;4,91;;', // 5: RETRY item: replaced
  'CURRENCY#USD;2024-01-08;5,1;;', // 6: OK 5.0 from an earlier file: replaced
  'CURRENCY#USD;2024-01-09;4,87;;', // 7: no item, under a lease: conditional put
  'CURRENCY#USD;1999-01-04;1,2078;;BCB archive', // 8: before the series' start: new
  'INFLATION#IPCA;2020-04-01;-0,31;;', // 9: new
  'FUEL#DIESEL;2010-01-01;2,07;;', // 10: new
  'CURRENCY#USD;2024-01-06;4,9;;', // 11: a Saturday
  'CURRENCY#USD;2024-02-13;4,9;;', // 12: Carnival Tuesday
  'CURRENCY#USD;2024-06-17;4,9;;', // 13: after today
  'CURRENCY#USD;2024-01-10;1.234,5;;', // 14: a thousands separator
  'CURRENCY#USD;2024-01-11;51;;', // 15: outside the bounds
  'CURRENCY#USD;2024-01-12;;;', // 16: no value
  'CURRENCY#JPY;2024-01-02;150;;', // 17: not in the catalog
  'CURRENCY#USD;2024-13-01;4,9;;', // 18: no such date
  'CURRENCY#USD;2024-01-15;4,9', // 19: three fields
  'CURRENCY#USD;2024-01-16;4,9;maybe;', // 20: a bad overwrite flag
  'CURRENCY#USD;2024-01-17;4,9;;', // 21: duplicate
  'CURRENCY#USD;2024-01-17;4,9;;', // 22: duplicate
  'INFLATION#IPCA;2020-04-15;0,5;;', // 23: not on the monthly calendar
  ';;;;', // 24: skipped
  '', // 25: skipped
  '"CURRENCY#USD";"2024-01-18";"4,88";"";"quoted; with a separator"', // 26: new
];
export const mixedFile = `\uFEFF${mixedFileLines.join('\r\n')}\r\n`;

/** The lines of the mixed file each reason is expected on, in the rejected file's words. */
export const mixedFileRejections: readonly (readonly [number, RegExp])[] = [
  [
    3,
    /^keeps the OK value 4\.9 from the series' source \(bcb-sgs\); set overwrite=true on the row to replace it$/,
  ],
  [11, /^date 2024-01-06 is not on CURRENCY#USD's BR-business calendar$/],
  [12, /^date 2024-02-13 is not on CURRENCY#USD's BR-business calendar$/],
  [13, /^date 2024-06-17 is after today \(2024-06-14\)/],
  [14, /^value "1\.234,5" has a "\."/],
  [15, /^value 51 is outside the series' bounds \[0\.5, 50\]$/],
  [16, /^value is empty/],
  [17, /^series "CURRENCY#JPY" is not in the catalog$/],
  [18, /^invalid date "2024-13-01": month 13 is not 01-12$/],
  [19, /^has 3 fields, the header has 5$/],
  [20, /^overwrite "maybe" must be true, false or empty$/],
  [21, /^CURRENCY#USD 2024-01-17 is on more than one row of the file: none of them is written$/],
  [22, /^CURRENCY#USD 2024-01-17 is on more than one row of the file: none of them is written$/],
  [23, /^date 2020-04-15 is not on INFLATION#IPCA's monthly calendar$/],
];

/** Items the table holds before the mixed file arrives: source values, a RETRY item, a file value, a lease. */
export async function seedMixedFileTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const updatedAt = '2024-06-01T00:00:00.000Z';
  const usd = (date: string) => ({ infoType: 'CURRENCY#USD', day: parseIsoDate(date), updatedAt });
  const items = [
    toAttributeMap(okItem({ ...usd('2024-01-02'), value: 4.8916, source: 'bcb-sgs' })),
    toAttributeMap(okItem({ ...usd('2024-01-03'), value: 4.9, source: 'bcb-sgs' })),
    toAttributeMap(okItem({ ...usd('2024-01-04'), value: 4.9, source: 'bcb-sgs' })),
    {
      ...toAttributeMap({
        ...usd('2024-01-05'),
        value: null,
        status: ItemStatus.Retry,
        retryCount: 2,
        lastError: 'bcb-sgs: HTTP 503',
        retryDue: '2024-06-14T13:00:00.000Z',
      }),
      attempts: { N: '3' },
      claim_token: { S: 'delivery-7' },
    },
    toAttributeMap(okItem({ ...usd('2024-01-08'), value: 5, source: 'file:incoming/old.csv' })),
    {
      info_type: { S: 'LEASE#CURRENCY#USD' },
      date: { S: '2024-01-09' },
      last: { S: '2024-01-10' },
      status: { S: 'LEASE' },
      lease_id: { S: 'lease-1' },
      asks: { N: '0' },
      retry_shard: { S: 'RETRY#0' },
      retry_due: { S: '2024-06-14T13:00:00.000Z' },
      updated_at: { S: updatedAt },
    },
  ];
  for (const Item of items) await client.send(new PutItemCommand({ TableName: tableName, Item }));
}
