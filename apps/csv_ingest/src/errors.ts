import { PipelineError } from '@gapless/pipeline-core';

/**
 * A file csv_ingest will not take as a whole (not CSV text, a wrong header, empty, too big, gone): its report
 * says `refused` with this message, and nothing of it is written to the table.
 */
export class FileRefusedError extends PipelineError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FileRefusedError';
  }
}
