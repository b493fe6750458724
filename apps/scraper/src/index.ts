import { createScraperHandler } from './handler.js';

/**
 * scraper (SQS-triggered): downloads each message's stream in one source request (one per run of the dates it
 * claimed, when some are not its to ask), writes the good values in BatchWriteItem calls of 25, records the
 * rest for retry, and reports failures per record.
 */
export const handler = createScraperHandler();
