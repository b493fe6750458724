import { SourceError } from '@gapless/pipeline-core';

/** The SourceError `promise` rejects with; anything else (a resolution, another error) fails the test. */
export async function sourceFailure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SourceError)) throw new Error(`expected a SourceError, got ${String(error)}`);
  return error;
}
