import { readFileSync } from 'node:fs';
import { afterAll, afterEach, expect } from 'vitest';
import { entriesOf, type SentActions, SentActionsRecorder, type SentCommand } from '../sentActions.js';

/** What the recorder reads of an aws-sdk-client-mock stub. */
interface MockedClient {
  calls(): readonly { readonly args: readonly unknown[] }[];
}

/** Every test of a file or suite, however deeply nested. */
interface TaskTree {
  readonly type: string;
  readonly mode: string;
  readonly tasks?: readonly TaskTree[];
}
const everyTestRan = (task: TaskTree): boolean =>
  task.type === 'test' ? task.mode === 'run' : (task.tasks ?? []).every(everyTestRan);

/**
 * Registers hooks (in a function's handler tests) that check the commands the tests see the function send
 * against its record, `apps/<fn>/sent-actions.json`, which tools/infra's tests hold its role to. After each
 * test, every action sent must be in the record (the role would refuse it otherwise); after the file, when
 * every test ran, the record must hold no action the tests never saw sent (the role would grant it for
 * nothing).
 */
export function checkSentActions(
  recordPath: URL,
  clients: { dynamodb?: MockedClient; sqs?: MockedClient; s3?: MockedClient },
): void {
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as SentActions;
  const recorder = new SentActionsRecorder();
  const commands = (client: MockedClient | undefined) =>
    (client?.calls() ?? []).map((call) => call.args[0] as SentCommand);
  let file: TaskTree | undefined;
  afterEach(({ task }) => {
    file = task.file;
    const sent = recorder.add({
      dynamodb: commands(clients.dynamodb),
      sqs: commands(clients.sqs),
      s3: commands(clients.s3),
    });
    const unrecorded = sent.filter((action) => !entriesOf(record).includes(action));
    expect(unrecorded, 'sent, but missing from sent-actions.json (so from its role)').toEqual([]);
  });
  afterAll(() => {
    if (file === undefined || !everyTestRan(file)) return;
    expect(recorder.toJSON(), 'sent-actions.json lists actions no test sent').toEqual(record);
  });
}
