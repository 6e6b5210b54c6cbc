import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { WebhookErrorCode } from '../../lambdas/core/errors';
import { statusForCode } from '../../lambdas/http/responses';
import { METRICS_NAMESPACE } from '../../lambdas/runtime-config';
import { DEFAULTS } from '../config/defaults';
import { pascalCase } from '../naming';
import type { ProviderPipeline } from './provider-pipeline';
import type { WebhookFunction } from './webhook-function';

/** Error codes the verifier answers with 401, from the one place that maps codes to statuses. */
export const SIGNATURE_REJECTION_CODES = Object.values(WebhookErrorCode).filter((code) => statusForCode(code) === 401);

const FIVE_MINUTES = Duration.minutes(5);

export interface AlarmThresholds {
  /** Age of the oldest message in a provider's queue, in seconds. @default 900 */
  readonly queueMessageAgeSeconds?: number;
  /** Age of the oldest DLQ message, in days (SQS drops them at 14). @default 10 */
  readonly deadLetterAgeDays?: number;
  /** Signature refusals (401 codes) per provider in 5 minutes. @default 25 */
  readonly rejectedPerFiveMinutes?: number;
  /** API Gateway 5xx answers in 5 minutes. @default 5 */
  readonly serverErrorsPerFiveMinutes?: number;
  /** Failed invocations of a function in 5 minutes. @default 1 */
  readonly functionErrorsPerFiveMinutes?: number;
  /** p99 duration as a percentage of the function's timeout. @default 80 */
  readonly durationPercentOfTimeout?: number;
}

export interface ObservabilityProps {
  /** Dashboard name, unique in the account and region; also the prefix of every alarm name. */
  readonly dashboardName: string;
  /** Encrypts the operations topic; CloudWatch is allowed to use it to publish alarms. */
  readonly topicKey: IKey;
  /** Address subscribed to the operations topic. @default no subscription */
  readonly alarmEmail?: string;
  /** The API: its deployment stage's metrics (dimensions ApiName and Stage) are watched. */
  readonly api: RestApi;
  readonly verifier: WebhookFunction;
  readonly pipelines: readonly ProviderPipeline[];
  /** @default the defaults of each threshold */
  readonly thresholds?: AlarmThresholds;
}

/**
 * Operations: a topic every alarm notifies (optionally e-mailed), the alarms that say a webhook
 * is stuck, lost or refused, and one dashboard for the stage.
 *
 * Alarms: API Gateway 5xx; per provider a non-empty DLQ, a DLQ message close to expiry, an old
 * message in the queue and a spike of signature refusals (the verifier's `Rejected` metric for the
 * 401 codes); per function errors, throttles and p99 duration near the timeout.
 */
export class Observability extends Construct {
  public readonly alarmTopic: Topic;
  public readonly dashboard: Dashboard;
  public readonly alarms: Alarm[] = [];

  readonly #thresholds: Required<AlarmThresholds>;
  readonly #alarmAction: SnsAction;
  readonly #namePrefix: string;

  public constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.#thresholds = { ...DEFAULTS.alarms, ...props.thresholds };
    this.#namePrefix = props.dashboardName;

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `${props.dashboardName} alarms`,
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    // The topic policy (enforceSSL) replaces SNS's default policy, which let the account's
    // services publish: without this statement CloudWatch cannot deliver a single alarm. Only
    // this stack's alarms (named with its prefix) in this account may publish.
    const fromThisStacksAlarms = {
      StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      ArnLike: { 'aws:SourceArn': this.alarmArnPattern },
    };
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: fromThisStacksAlarms,
      }),
    );
    // CloudWatch publishes to the encrypted topic with the key itself: an AWS managed key
    // (alias/aws/sns) could not allow it that, which is one reason the topics use our own key.
    props.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsUseKey',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisStacksAlarms,
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.#alarmAction = new SnsAction(this.alarmTopic);

    this.#alarm('ApiServerErrors', {
      description: 'The ingress API answered 5xx: webhooks are not being accepted (the senders will retry).',
      metric: props.api.deploymentStage.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: this.#thresholds.serverErrorsPerFiveMinutes,
    });
    this.#functionAlarms('Verifier', props.verifier);
    for (const pipeline of props.pipelines) this.#pipelineAlarms(pipeline, props.verifier.serviceName);

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.#addWidgets(props);
  }

  /** ARN pattern of every alarm of this stack: `arn:…:cloudwatch:<region>:<account>:alarm:<prefix>-*`. */
  public get alarmArnPattern(): string {
    return Stack.of(this).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${this.#namePrefix}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** The dashboard in the CloudWatch console. */
  public get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  #pipelineAlarms(pipeline: ProviderPipeline, verifierServiceName: string): void {
    const name = pascalCase(pipeline.provider);
    this.#alarm(`${name}DeadLetters`, {
      description:
        `${pipeline.provider}: events failed processing and sit in the DLQ. ` +
        `Inspect, fix, then npm run redrive -- --provider ${pipeline.provider}.`,
      metric: pipeline.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
    });
    this.#alarm(`${name}DeadLettersExpiring`, {
      description: `${pipeline.provider}: a DLQ message is ${this.#thresholds.deadLetterAgeDays} days old; SQS deletes it at 14 days.`,
      metric: pipeline.deadLetterQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      threshold: this.#thresholds.deadLetterAgeDays * 86_400,
    });
    this.#alarm(`${name}QueueBacklog`, {
      description:
        `${pipeline.provider}: the oldest queued event waits longer than ` +
        `${this.#thresholds.queueMessageAgeSeconds} s (processor failing or throttled).`,
      metric: pipeline.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      threshold: this.#thresholds.queueMessageAgeSeconds,
    });
    this.#alarm(`${name}SignatureRejections`, {
      description:
        `${pipeline.provider}: many requests refused with 401 (${SIGNATURE_REJECTION_CODES.join(', ')}): ` +
        'a rotated secret not yet in Secrets Manager, a misconfigured sender, or forged traffic.',
      metric: signatureRejections(verifierServiceName, pipeline.provider),
      threshold: this.#thresholds.rejectedPerFiveMinutes,
    });
    this.#functionAlarms(`${name}Processor`, pipeline.processor);
  }

  #functionAlarms(name: string, fn: WebhookFunction): void {
    this.#alarm(`${name}Errors`, {
      description: `${fn.serviceName}: invocations failed.`,
      metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: this.#thresholds.functionErrorsPerFiveMinutes,
    });
    this.#alarm(`${name}Throttles`, {
      description: `${fn.serviceName}: invocations throttled (concurrency limit reached).`,
      metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 1,
    });
    const timeoutMs = fn.timeoutDuration.toMilliseconds();
    this.#alarm(`${name}DurationNearTimeout`, {
      description: `${fn.serviceName}: p99 duration above ${this.#thresholds.durationPercentOfTimeout} % of the ${timeoutMs} ms timeout.`,
      metric: fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
      threshold: Math.round((timeoutMs * this.#thresholds.durationPercentOfTimeout) / 100),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
  }

  #alarm(
    id: string,
    options: { description: string; metric: IMetric; threshold: number; comparisonOperator?: ComparisonOperator },
  ): void {
    const alarm = new Alarm(this, id, {
      alarmName: `${this.#namePrefix}-${kebabCase(id)}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.#alarmAction);
    alarm.addOkAction(this.#alarmAction);
    this.alarms.push(alarm);
  }

  #addWidgets(props: ObservabilityProps): void {
    const { verifier, pipelines } = props;
    const api = props.api.deploymentStage;
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${props.dashboardName}\nWebhooks in, events out. Per-provider rows below; alarms notify the operations topic.`,
        width: 24,
        height: 2,
      }),
      new GraphWidget({
        title: 'API: requests and errors',
        left: [
          api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' }),
          api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum' }),
          api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'API: latency (p50, p99)',
        left: [api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }), api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' })],
        width: 8,
      }),
      new GraphWidget({
        title: 'Verifier: duration (p99), errors, throttles',
        left: [verifier.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })],
        right: [
          verifier.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          verifier.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        ],
        width: 8,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: Math.max(3, Math.ceil(this.alarms.length / 4) + 1) }),
    );
    for (const pipeline of pipelines) {
      const provider = pipeline.provider;
      const verifierMetric = (metricName: string) => poweredMetric(metricName, verifier.serviceName, provider);
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `${provider}: verifier`,
          left: [
            verifierMetric('Received'),
            verifierMetric('Enqueued'),
            verifierMetric('Duplicate'),
            signatureRejections(verifier.serviceName, provider).with({ label: 'Rejected (401)' }),
          ],
          width: 8,
        }),
        new GraphWidget({
          title: `${provider}: queue and DLQ`,
          left: [
            pipeline.queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum', label: 'queued' }),
            pipeline.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              period: FIVE_MINUTES,
              statistic: 'Maximum',
              label: 'dead letters',
            }),
          ],
          right: [pipeline.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum', label: 'oldest (s)' })],
          width: 8,
        }),
        new GraphWidget({
          title: `${provider}: processor`,
          left: [
            poweredMetric('Published', pipeline.processor.serviceName, provider),
            failuresOfEveryCode(pipeline.processor.serviceName, provider),
            pipeline.processor.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          ],
          right: [pipeline.processor.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })],
          width: 8,
        }),
      );
    }
  }
}

/** A Powertools EMF count (`lambdas/observability/telemetry.ts`): dimensions `service` and `provider`. */
function poweredMetric(metricName: string, service: string, provider: string, extra: Record<string, string> = {}): Metric {
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
function failuresOfEveryCode(service: string, provider: string): MathExpression {
  const search = `SEARCH('{${METRICS_NAMESPACE},code,provider,service} MetricName="Failed" provider="${provider}" service="${service}"', 'Sum', ${FIVE_MINUTES.toSeconds()})`;
  return new MathExpression({ expression: `SUM(${search})`, usingMetrics: {}, period: FIVE_MINUTES, label: 'Failed (every code)' });
}

/** Sum of the verifier's `Rejected` counts over the 401 codes (each code is its own dimension value). */
function signatureRejections(verifierServiceName: string, provider: string): MathExpression {
  const usingMetrics = Object.fromEntries(
    SIGNATURE_REJECTION_CODES.map((code, index) => [`r${index}`, poweredMetric('Rejected', verifierServiceName, provider, { code })]),
  );
  return new MathExpression({
    expression: `SUM([${Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(', ')}])`,
    usingMetrics,
    period: FIVE_MINUTES,
    label: 'signature rejections',
  });
}

function kebabCase(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
