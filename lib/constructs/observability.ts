import { ArnFormat, Stack } from 'aws-cdk-lib';
import { AlarmStatusWidget, Dashboard, GraphWidget, TextWidget, type Alarm, type Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SERVICE_NAMES } from '../../lambdas/environment';
import { AlarmFactory, failuresOfEveryCode, FIVE_MINUTES, poweredMetric, signatureRejections, type AlarmThresholds } from './alarms';
import type { ProviderPipeline } from './provider-pipeline';
import type { WebhookFunction } from './webhook-function';

/** CloudWatch shows at most 100 alarms in one alarm status widget. */
export const MAX_ALARMS_PER_STATUS_WIDGET = 100;

/**
 * The metrics of the API stage that receives the webhooks: a REST API's stage (dimensions `ApiName`,
 * `Stage`) or an HTTP API's (`ApiId`, `Stage`) — each has these four.
 */
export interface ApiStageMetrics {
  metricCount(props?: MetricOptions): Metric;
  metricClientError(props?: MetricOptions): Metric;
  metricServerError(props?: MetricOptions): Metric;
  metricLatency(props?: MetricOptions): Metric;
}

export interface ObservabilityProps {
  /** Dashboard name, unique in the account and region; also the prefix of every alarm name. */
  readonly dashboardName: string;
  /** Encrypts the operations topic; CloudWatch is allowed to use it to publish alarms. */
  readonly topicKey: IKey;
  /** Address subscribed to the operations topic. @default no subscription */
  readonly alarmEmail?: string;
  /** The API stage whose metrics are watched. */
  readonly apiStage: ApiStageMetrics;
  readonly verifier: WebhookFunction;
  /** @default the defaults of each threshold */
  readonly thresholds?: AlarmThresholds;
}

/** One provider's row of the dashboard: its routes (verifier counts per route) and its pipeline. */
export interface DashboardProviderRow {
  readonly pipeline: ProviderPipeline;
  readonly routes: readonly string[];
}

/**
 * Operations: a topic every alarm notifies (optionally e-mailed), the alarms of the root stack (API
 * Gateway 5xx; the verifier's errors, throttles and p99 duration near its timeout), the factory that
 * builds every other alarm where it belongs (each provider's nested stack: a non-empty DLQ, a DLQ
 * message close to expiry, an old queued message, its processor, and per route a spike of signature
 * refusals), and one dashboard for the stage, added once every alarm exists (`addDashboard`).
 */
export class Observability extends Construct {
  public readonly alarmTopic: Topic;
  /** Builds every alarm of the deployment, in whichever stack; `alarms.alarms` lists them. */
  public readonly alarms: AlarmFactory;

  readonly #namePrefix: string;
  readonly #props: ObservabilityProps;
  #dashboard: Dashboard | undefined;

  public constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.#props = props;
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
      ArnLike: { 'aws:SourceArn': this.#alarmArnPattern() },
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
    this.alarms = new AlarmFactory({ namePrefix: this.#namePrefix, action: new SnsAction(this.alarmTopic), thresholds: props.thresholds });

    this.alarms.alarm(this, 'ApiServerErrors', {
      name: 'api-server-errors',
      description: 'The ingress API answered 5xx: webhooks are not being accepted (the senders will retry).',
      metric: props.apiStage.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: this.alarms.thresholds.serverErrorsPerFiveMinutes,
    });
    this.alarms.functionAlarms(this, 'verifier', props.verifier);
  }

  /** ARN pattern of every alarm of this stack: `arn:…:cloudwatch:<region>:<account>:alarm:<prefix>-*`. */
  #alarmArnPattern(): string {
    return Stack.of(this).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${this.#namePrefix}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** The stage's dashboard; `addDashboard` builds it. */
  public get dashboard(): Dashboard {
    if (!this.#dashboard) throw new Error('Observability.addDashboard has not been called');
    return this.#dashboard;
  }

  /** The dashboard in the CloudWatch console. */
  public get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  /**
   * The stage's dashboard: API traffic, the verifier, every alarm built so far (in status widgets of
   * at most 100 alarms each, CloudWatch's limit), and one row per provider — each of its routes'
   * verifier counts, its queue and DLQ, its processor.
   */
  public addDashboard(rows: readonly DashboardProviderRow[]): Dashboard {
    const { verifier } = this.#props;
    const api = this.#props.apiStage;
    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: this.#props.dashboardName });
    this.#dashboard = dashboard;
    const alarms = this.alarms.alarms;
    const statusWidgets: AlarmStatusWidget[] = [];
    for (let start = 0; start < alarms.length; start += MAX_ALARMS_PER_STATUS_WIDGET) {
      const chunk: Alarm[] = alarms.slice(start, start + MAX_ALARMS_PER_STATUS_WIDGET);
      const part = alarms.length > MAX_ALARMS_PER_STATUS_WIDGET ? ` (${start + 1}–${start + chunk.length} of ${alarms.length})` : '';
      statusWidgets.push(new AlarmStatusWidget({ title: `Alarms${part}`, alarms: chunk, width: 24, height: Math.max(3, Math.ceil(chunk.length / 4) + 1) }));
    }
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${this.#props.dashboardName}\nWebhooks in, events out. One row per provider below: its routes, queue and processor; alarms notify the operations topic.`,
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
      ...statusWidgets,
    );
    for (const { pipeline, routes } of rows) {
      const provider = pipeline.provider;
      dashboard.addWidgets(
        ...routes.map((route) => {
          const verifierMetric = (metricName: string) => poweredMetric(metricName, SERVICE_NAMES.verifier, route);
          return new GraphWidget({
            title: route === provider ? `${route}: verifier` : `${route} (${provider}): verifier`,
            left: [
              verifierMetric('Received'),
              verifierMetric('Enqueued'),
              verifierMetric('Duplicate'),
              signatureRejections(route).with({ label: 'Rejected (401)' }),
            ],
            width: 8,
          });
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
            poweredMetric('Published', SERVICE_NAMES.processor, provider),
            failuresOfEveryCode(provider),
            pipeline.processor.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          ],
          right: [pipeline.processor.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })],
          width: 8,
        }),
      );
    }
    return dashboard;
  }
}
