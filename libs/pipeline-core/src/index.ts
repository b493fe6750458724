export {
  PipelineError,
  InvalidDateError,
  ConfigError,
  CatalogError,
  UnknownSourceError,
  UnknownCalendarError,
  InvalidStartDateError,
  DuplicateSeriesError,
  MessageProblem,
  InvalidMessageError,
  IllegalTransitionError,
  InvalidItemError,
  SourceError,
  StoreError,
  QueueError,
} from './errors.js';
export type { Day } from './dates.js';
export {
  dayFromCivil,
  civilFromDay,
  daysInMonth,
  parseIsoDate,
  formatIsoDate,
  dayOfWeek,
  todayUtc,
} from './dates.js';
export { CalendarId } from './calendar.js';
export type { Calendar } from './calendar.js';
export { tableDefinition } from './tableDefinition.js';
export type { TableDefinition } from './tableDefinition.js';
export { queueDefinition } from './queueDefinition.js';
export type { QueueDefinition } from './queueDefinition.js';
export { SourceId } from './series.js';
export type { SeriesDefinition } from './series.js';
export type { Observation, FetchOptions, SeriesSource } from './source.js';
