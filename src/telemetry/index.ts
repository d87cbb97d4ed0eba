export {
  createLogger,
  LOG_FIELDS,
  type Logger,
  type CreateLoggerOptions,
} from './create-logger.js';
export { Metrics } from './metrics.js';
