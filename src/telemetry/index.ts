export {
  createLogger,
  LOG_FIELDS,
  type Logger,
  type CreateLoggerOptions,
  type MoatLogger,
} from './create-logger.js';
export { Metrics } from './metrics.js';
