import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IAlarmAction, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { WebhookErrorCode } from '../../lambdas/core/errors';
import { statusForCode } from '../../lambdas/http/responses';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '../../lambdas/environment';
import { DEFAULTS } from '../config/defaults';
import { pascalCase } from '../naming';
import type { ProviderPipeline } from './provider-pipeline';
import type { WebhookFunction } from './webhook-function';

/** Error codes the verifier answers with 401, from the one place that maps codes to statuses. */
export const SIGNATURE_REJECTION_CODES = Object.values(WebhookErrorCode).filter((code) => statusForCode(code) === 401);

export const FIVE_MINUTES = Duration.minutes(5);

export interface AlarmThresholds {
  /** Age of the oldest message in a provider's queue, in seconds. @default 900 */
  readonly queueMessageAgeSeconds?: number;
  /** Age of the oldest DLQ message, in days (SQS drops them at 14). @default 10 */
  readonly deadLetterAgeDays?: number;
  /** Signature refusals (401 codes) of one route in 5 minutes. @default 25 */
  readonly rejectedPerFiveMinutes?: number;
  /** API Gateway 5xx answers in 5 minutes. @default 5 */
  readonly serverErrorsPerFiveMinutes?: number;
  /** Failed invocations of a function in 5 minutes. @default 1 */
  readonly functionErrorsPerFiveMinutes?: number;
  /** p99 duration as a percentage of the function's timeout. @default 80 */
  readonly durationPercentOfTimeout?: number;
}

export interface AlarmOptions {
  /** The alarm's name after the prefix, e.g. `stripe-dead-letters`. */
  readonly name: string;
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** @default ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  readonly comparisonOperator?: ComparisonOperator;
}

export interface AlarmFactoryProps {
  /** Prefix of every alarm name (`<prefix>-<name>`): the stack name, which the alarm topic's policy names. */
  readonly namePrefix: string;
  /** Notified when an alarm fires and when it recovers. */
  readonly action: IAlarmAction;
  /** @default the defaults of each threshold */
  readonly thresholds?: AlarmThresholds;
}

/**
 * Builds every hookrelay alarm, in whichever stack it belongs to (the root stack's API and verifier,
 * each provider's nested stack), with one naming rule and one action: all alarms are named
 * `<prefix>-…`, so the alarm topic's policy and the key policy cover them with one pattern.
 */
export class AlarmFactory {
  public readonly thresholds: Required<AlarmThresholds>;
  /** Every alarm built, in order: the dashboard shows them all. */
  public readonly alarms: Alarm[] = [];

  readonly #props: AlarmFactoryProps;

  public constructor(props: AlarmFactoryProps) {
    this.#props = props;
    this.thresholds = { ...DEFAULTS.alarms, ...props.thresholds };
  }

  public alarm(scope: Construct, id: string, options: AlarmOptions): Alarm {
    const alarm = new Alarm(scope, id, {
      alarmName: `${this.#props.namePrefix}-${options.name}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.#props.action);
    alarm.addOkAction(this.#props.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * A message in a dead-letter queue: fires on the first one (the most messages visible in a minute),
   * as every message there is an event that went undelivered.
   */
  public deadLetterAlarm(scope: Construct, id: string, options: { readonly name: string; readonly description: string; readonly queue: IQueue }): Alarm {
    return this.alarm(scope, id, {
      name: options.name,
      description: options.description,
      metric: options.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
    });
  }

  /** Errors, throttles and p99 duration near the timeout of `fn`, named `<name>-errors`, … */
  public functionAlarms(scope: Construct, name: string, fn: WebhookFunction): Alarm[] {
    const id = pascalCase(name);
    const timeoutMs = fn.timeout.toMilliseconds();
    return [
      this.alarm(scope, `${id}Errors`, {
        name: `${name}-errors`,
        description: `${fn.serviceName}: invocations failed.`,
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: this.thresholds.functionErrorsPerFiveMinutes,
      }),
      this.alarm(scope, `${id}Throttles`, {
        name: `${name}-throttles`,
        description: `${fn.serviceName}: invocations throttled (concurrency limit reached).`,
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
      }),
      this.alarm(scope, `${id}DurationNearTimeout`, {
        name: `${name}-duration-near-timeout`,
        description: `${fn.serviceName}: p99 duration above ${this.thresholds.durationPercentOfTimeout} % of the ${timeoutMs} ms timeout.`,
        metric: fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
        threshold: Math.round((timeoutMs * this.thresholds.durationPercentOfTimeout) / 100),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
    ];
  }

  /** A provider's pipeline: a non-empty DLQ, a DLQ message close to expiry, an old queued message, its processor. */
  public pipelineAlarms(scope: Construct, pipeline: ProviderPipeline): Alarm[] {
    const provider = pipeline.provider;
    return [
      this.deadLetterAlarm(scope, 'DeadLetters', {
        name: `${provider}-dead-letters`,
        description: `${provider}: events failed processing and sit in the DLQ. Inspect, fix, then npm run redrive -- --provider ${provider}.`,
        queue: pipeline.deadLetterQueue,
      }),
      this.alarm(scope, 'DeadLettersExpiring', {
        name: `${provider}-dead-letters-expiring`,
        description: `${provider}: a DLQ message is ${this.thresholds.deadLetterAgeDays} days old; SQS deletes it at 14 days.`,
        metric: pipeline.deadLetterQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold: this.thresholds.deadLetterAgeDays * 86_400,
      }),
      this.alarm(scope, 'QueueBacklog', {
        name: `${provider}-queue-backlog`,
        description: `${provider}: the oldest queued event waits longer than ${this.thresholds.queueMessageAgeSeconds} s (processor failing or throttled).`,
        metric: pipeline.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold: this.thresholds.queueMessageAgeSeconds,
      }),
      ...this.functionAlarms(scope, `${provider}-processor`, pipeline.processor),
    ];
  }

  /**
   * A spike of 401 refusals on one route (the verifier's `Rejected` metric, whose `provider`
   * dimension is the route): a rotated secret not yet in Secrets Manager, a misconfigured sender,
   * or forged traffic.
   */
  public routeAlarms(scope: Construct, route: string): Alarm[] {
    return [
      this.alarm(scope, `${pascalCase(route)}SignatureRejections`, {
        name: `${route}-signature-rejections`,
        description:
          `${route}: many requests refused with 401 (${SIGNATURE_REJECTION_CODES.join(', ')}): ` +
          'a rotated secret not yet in Secrets Manager, a misconfigured sender, or forged traffic.',
        metric: signatureRejections(route),
        threshold: this.thresholds.rejectedPerFiveMinutes,
      }),
    ];
  }
}

/**
 * A Powertools EMF count (`lambdas/observability/telemetry.ts`): dimensions `service` — the handler's
 * `SERVICE_NAMES` entry (`lambdas/environment.ts`), which it emits its metrics with — and `provider`:
 * the route for the verifier's counts, the provider for a processor's.
 */
export function poweredMetric(metricName: string, service: string, provider: string, extra: Record<string, string> = {}): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service, provider, ...extra },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });
}

/**
 * The processor's `Failed` count summed over every `code` it is emitted with (POISON_MESSAGE,
 * PUBLISH_FAILED, and any code added later): the handler always adds a `code` dimension, so a
 * metric with only `service` and `provider` would show nothing. A SEARCH over exactly the
 * dimension set `{service, provider, code}` finds every code without listing them here; dashboards
 * may search (alarms may not, which is why the 401 alarm lists its codes).
 */
export function failuresOfEveryCode(provider: string): MathExpression {
  const search = `SEARCH('{${METRICS_NAMESPACE},code,provider,service} MetricName="Failed" provider="${provider}" service="${SERVICE_NAMES.processor}"', 'Sum', ${FIVE_MINUTES.toSeconds()})`;
  return new MathExpression({ expression: `SUM(${search})`, usingMetrics: {}, period: FIVE_MINUTES, label: 'Failed (every code)' });
}

/** Sum of the verifier's `Rejected` counts of one route over the 401 codes (each code is its own dimension value). */
export function signatureRejections(route: string): MathExpression {
  const usingMetrics = Object.fromEntries(
    SIGNATURE_REJECTION_CODES.map((code, index) => [`r${index}`, poweredMetric('Rejected', SERVICE_NAMES.verifier, route, { code })]),
  );
  return new MathExpression({
    expression: `SUM([${Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(', ')}])`,
    usingMetrics,
    period: FIVE_MINUTES,
    label: 'signature rejections',
  });
}
