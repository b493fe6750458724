// Fakes and factories for the services' tests: an in-memory series store with DynamoDB's conditional
// semantics, a recording queue, a scripted source, a recording telemetry and calendars for property tests.
export { MemorySeriesStore } from './memorySeriesStore.js';
export type { MemoryItem, WriteEvent } from './memorySeriesStore.js';
export { makeSeries } from './makeSeries.js';
export { RecordingQueue } from './recordingQueue.js';
export { ScriptedSource, sourceValue, sourceDown } from './scriptedSource.js';
export type { SourceCall } from './scriptedSource.js';
export { recordingTelemetry } from './recordingTelemetry.js';
export type { LogLine } from './recordingTelemetry.js';
export {
  predicateCalendar,
  everyDay,
  weekdays,
  weekdaysWithout,
  windowStart,
  windowLength,
  arbitraryCalendar,
  calendarWithDates,
} from './fakeCalendars.js';
export { configErrorOf } from './configErrorOf.js';
