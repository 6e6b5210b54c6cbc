import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../environment';

/** A value of a request line: what Logs Insights can filter and count on. */
export type SummaryValue = string | number | boolean | readonly string[] | undefined;

/**
 * Logger and metrics for one function. Log lines carry provider, event id, code, sizes and timings —
 * never a payload, a received signature, a computed MAC or a secret.
 * Metrics (`MetricName`), in namespace `hookrelay`, with dimensions `service`, `provider` and, on
 * refusals and failures, `code`: the verifier's Received, Verified, Handshake, Rejected, Duplicate,
 * Enqueued and Failed, whose `provider` is the route's name (`unknown` for a path that names no
 * route); a processor's Published, Duplicate and Failed, whose `provider` is its provider's name.
 */
export interface Telemetry {
  readonly logger: Logger;
  /** Counts one occurrence; written with the invocation's other counts by `flush()`. */
  count(name: MetricName, provider: string, extraDimensions?: Record<string, string>): void;
  /**
   * The invocation's request line (`message` and its fields), written by `flush()` on the invocation's
   * last metrics line as EMF metadata — one line per request where there were two — or, when no
   * metrics line is written (metrics disabled, nothing counted), by the logger at INFO. Either way
   * the line has the same keys. A field that is also a dimension of that metrics line (`code`) is
   * the dimension's; `service` is the function's.
   */
  summarise(message: string, fields: Readonly<Record<string, SummaryValue>>): void;
  /** Writes the invocation's counts: one EMF line per dimension set (usually one line in all). */
  flush(): void;
}

export type MetricName = 'Received' | 'Verified' | 'Handshake' | 'Rejected' | 'Duplicate' | 'Enqueued' | 'Published' | 'Failed';

/** Powertools Metrics, saying whether it writes anything (POWERTOOLS_METRICS_DISABLED, POWERTOOLS_DEV). */
class TelemetryMetrics extends Metrics {
  public get writes(): boolean {
    return !this.isDisabled();
  }
}

/**
 * The `level` a metrics line must name to be kept. With the JSON log format Lambda drops the lines
 * below the function's application log level (`AWS_LAMBDA_LOG_LEVEL`) and reads a line without a
 * `level` as INFO: at WARN or ERROR the metrics — and the alarms on them — would be dropped with the
 * INFO lines. See https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
 * @returns the application log level when it is above INFO, else undefined (no `level` needed)
 */
export function metricsLineLevel(env: NodeJS.ProcessEnv): string | undefined {
  const level = env['AWS_LAMBDA_LOG_LEVEL']?.toUpperCase();
  return level === 'WARN' || level === 'ERROR' || level === 'FATAL' ? level : undefined;
}

export function createTelemetry(serviceName: string): Telemetry {
  const logger = new Logger({ serviceName });
  const metrics = new TelemetryMetrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? METRICS_NAMESPACE, serviceName });
  const lineLevel = metricsLineLevel(process.env);
  // Counts are buffered per invocation and grouped by dimension set: writing an EMF line per data
  // point (Powertools `singleMetric`) measured ≈ 0.4 ms of the verifier's ≈ 6 ms warm path.
  const pending = new Map<string, { dimensions: Record<string, string>; counts: Map<MetricName, number> }>();
  let summary: { message: string; fields: Readonly<Record<string, SummaryValue>> } | undefined;
  return {
    logger,
    count(name, provider, extraDimensions = {}) {
      const dimensions = { provider, ...extraDimensions };
      const key = JSON.stringify(dimensions);
      let group = pending.get(key);
      if (!group) pending.set(key, (group = { dimensions, counts: new Map() }));
      group.counts.set(name, (group.counts.get(name) ?? 0) + 1);
    },
    summarise(message, fields) {
      summary = { message, fields };
    },
    flush() {
      const groups = [...pending.values()];
      const line = summary;
      pending.clear();
      summary = undefined;
      if (line && (!metrics.writes || groups.length === 0)) logger.info(line.message, { ...line.fields });
      groups.forEach(({ dimensions, counts }, index) => {
        metrics.addDimensions(dimensions);
        for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
        if (line && index === groups.length - 1) {
          // Metadata is typed as strings; Powertools serialises any JSON value, and numbers stay
          // numbers for Logs Insights (`filter ms > 100`).
          const metadata: Record<string, SummaryValue> = { message: line.message, ...line.fields };
          for (const [key, value] of Object.entries(metadata)) {
            if (value !== undefined && key !== 'service' && !(key in dimensions)) metrics.addMetadata(key, value as string);
          }
        }
        if (lineLevel) metrics.addMetadata('level', lineLevel);
        metrics.publishStoredMetrics();
      });
    },
  };
}
