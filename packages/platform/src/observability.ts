/**
 * Powertools logger, metrics and tracer, one of each per function (module scope). Personal data stays out
 * of logs: log dossier codes and ids, never names, ID numbers, phone numbers or form contents.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'motcua';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'motcua' });
export const tracer = new Tracer({ serviceName });
