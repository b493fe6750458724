export { PipelineError, InvalidDateError, ConfigError } from './errors.js';
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
