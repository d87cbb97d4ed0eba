export {
  createLogger,
  type Logger,
  type CreateLoggerOptions,
  type MoatLogger,
} from './create-logger.js';
export { LOG_EVENTS, LOG_FIELDS, type LogEvent, type LogField } from './log-allow-list.js';
export { Metrics } from './metrics.js';
