import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../environment';

/**
 * Logger and metrics for one function. Log lines carry provider, event id, code, sizes and timings —
 * never a payload, a received signature, a computed MAC or a secret.
 * Metric names (namespace `hookrelay`, dimensions `service`, `provider`, and `code` on refusals and
 * failures): Received, Verified, Rejected, Duplicate, Enqueued, Published, Failed.
 */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Counts one occurrence; written with the invocation's other counts by `flush()`. */
  count(name: MetricName, provider: string, extraDimensions?: Record<string, string>): void;
  /** Writes the invocation's counts: one EMF line per dimension set (usually one line in all). */
  flush(): void;
}

export type MetricName = 'Received' | 'Verified' | 'Handshake' | 'Rejected' | 'Duplicate' | 'Enqueued' | 'Published' | 'Failed';

export function createTelemetry(serviceName: string): Telemetry {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? METRICS_NAMESPACE, serviceName });
  // Counts are buffered per invocation and grouped by dimension set: writing an EMF line per data
  // point (Powertools `singleMetric`) measured ≈ 0.4 ms of the verifier's ≈ 6 ms warm path.
  const pending = new Map<string, { dimensions: Record<string, string>; counts: Map<MetricName, number> }>();
  return {
    logger,
    metrics,
    count(name, provider, extraDimensions = {}) {
      const dimensions = { provider, ...extraDimensions };
      const key = JSON.stringify(dimensions);
      let group = pending.get(key);
      if (!group) pending.set(key, (group = { dimensions, counts: new Map() }));
      group.counts.set(name, (group.counts.get(name) ?? 0) + 1);
    },
    flush() {
      for (const { dimensions, counts } of pending.values()) {
        metrics.addDimensions(dimensions);
        for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
        metrics.publishStoredMetrics();
      }
      pending.clear();
    },
  };
}
