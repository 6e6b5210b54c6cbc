import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Logger and metrics for one function. Log lines carry provider, event id, code, sizes and timings —
 * never a payload, a received signature, a computed MAC or a secret.
 * Metric names (namespace `hookrelay`, dimension `provider`): Received, Verified, Rejected (+ `code`),
 * Duplicate, Enqueued, Published, Failed.
 */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
  count(name: MetricName, provider: string, extraDimensions?: Record<string, string>): void;
}

export type MetricName = 'Received' | 'Verified' | 'Rejected' | 'Duplicate' | 'Enqueued' | 'Published' | 'Failed';

export function createTelemetry(serviceName: string): Telemetry {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'hookrelay', serviceName });
  return {
    logger,
    metrics,
    count(name, provider, extraDimensions = {}) {
      // A single-metric EMF line per data point keeps per-provider (and per-code) dimensions
      // independent without flushing the shared metrics object mid-invocation.
      const single = metrics.singleMetric();
      single.addDimension('provider', provider);
      for (const [key, value] of Object.entries(extraDimensions)) single.addDimension(key, value);
      single.addMetric(name, MetricUnit.Count, 1);
    },
  };
}
