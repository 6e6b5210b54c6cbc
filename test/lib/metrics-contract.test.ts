import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import { lambdaContext, toRecord } from '../../local/queue-poller';
import { provisionLocalResources, type LocalResources } from '../../local/local-resources';
import { webhookEvent } from '../helpers/api-gateway-events';
import { captureWrites, setEnvironment } from '../helpers/process-state';
import { stripeEventBody, stripeSignatureHeader } from '../helpers/official-signers';
import { logicalIdOf, resolveWithStandIns, synthesizeStage } from './synth';

/**
 * Every metric an alarm or the dashboard reads, taken from the synthesized template, must be one
 * the handlers emit: same namespace, metric name and exact dimension set (CloudWatch treats a
 * metric with one dimension more or less as another metric, which then stays empty forever).
 * The emitted side is the real Lambda entry points (`lambdas/handlers/*.ts`), loaded in-process
 * with the environment the template gives each function — resource names swapped for resources
 * provisioned on the local stand-ins — and Powertools metrics switched on; the EMF lines they
 * print are the metrics CloudWatch would store.
 */

type Dimensions = Readonly<Record<string, string>>;

/** A metric the template reads: exact dimensions, or a SEARCH over a dimension set with filters. */
interface ReadMetric {
  readonly where: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensionNames: readonly string[];
  readonly dimensionValues: Dimensions;
}

interface EmittedMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Dimensions;
}

const SECRET = 'whsec_metrics_contract_secret';
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
const synthesized = synthesizeStage('dev');
const { stack } = synthesized;
const resources = synthesized.template.toJSON()['Resources'] as Resources;
// The alarms of each provider and its routes are in the provider's nested stack.
const resourcesOfEveryStack = synthesized.templates.flatMap((template) => Object.values(template.toJSON()['Resources'] as Resources));

/** Metrics in alarms, in every stack: a single metric, or the MetricStat entries of a math expression. */
function alarmMetrics(): ReadMetric[] {
  const read: ReadMetric[] = [];
  for (const resource of resourcesOfEveryStack.filter((r) => r.Type === 'AWS::CloudWatch::Alarm')) {
    const p = resource.Properties;
    const single = p['MetricName'] ? [{ Namespace: p['Namespace'], MetricName: p['MetricName'], Dimensions: p['Dimensions'] ?? [] }] : [];
    const stats = ((p['Metrics'] ?? []) as Array<{ MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: unknown[] } } }>)
      .filter((m) => m.MetricStat)
      .map((m) => m.MetricStat!.Metric);
    for (const metric of [...single, ...stats]) {
      const dimensions = Object.fromEntries(((metric.Dimensions ?? []) as Array<{ Name: string; Value: unknown }>).map((d) => [d.Name, resolveWithStandIns(d.Value)]));
      read.push({ where: `alarm ${p['AlarmName']}`, namespace: metric.Namespace, metricName: metric.MetricName, dimensionNames: Object.keys(dimensions).sort(), dimensionValues: dimensions });
    }
  }
  return read;
}

/** Metrics in dashboard widgets: `[namespace, name, dim, value, …, options]` arrays and SEARCH expressions. */
function dashboardMetrics(): ReadMetric[] {
  const dashboard = Object.values(resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!;
  const body = JSON.parse(resolveWithStandIns(dashboard.Properties['DashboardBody'])) as { widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }> };
  const read: ReadMetric[] = [];
  for (const widget of body.widgets) {
    for (const line of widget.properties.metrics ?? []) {
      const where = `dashboard widget "${widget.properties.title}"`;
      if (typeof line[0] === 'string') {
        const strings = line.filter((part): part is string => typeof part === 'string');
        const [namespace, metricName, ...pairs] = strings;
        const dimensions: Record<string, string> = {};
        for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]!] = pairs[i + 1]!;
        read.push({ where, namespace: namespace!, metricName: metricName!, dimensionNames: Object.keys(dimensions).sort(), dimensionValues: dimensions });
      } else {
        const expression = (line[0] as { expression?: string }).expression ?? '';
        for (const search of expression.matchAll(/SEARCH\('\{([^}]*)\}([^']*)'/g)) {
          const [namespace, ...dimensionNames] = search[1]!.split(',');
          const filters = Object.fromEntries([...search[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
          const { MetricName: metricName, ...dimensionValues } = filters;
          read.push({ where: `${where} (SEARCH)`, namespace: namespace!, metricName: metricName!, dimensionNames: dimensionNames.sort(), dimensionValues });
        }
      }
    }
  }
  return read;
}

/**
 * The function's environment from its stack's template (a nested stack's parameters followed to the
 * root stack's values), each resource reference replaced by its local stand-in.
 */
function environmentOf(fn: IConstruct, replacements: Readonly<Record<string, string>>): Record<string, string> {
  const template = synthesized.templateOf(fn);
  const variables = template.toJSON()['Resources'][logicalIdOf(fn)].Properties['Environment'].Variables as Record<string, unknown>;
  const nested = Stack.of(fn) === stack ? undefined : stack.providerStacks.find((providerStack) => providerStack === Stack.of(fn));
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      let resolved = resolveWithStandIns(nested ? synthesized.throughParameters(nested, value) : value);
      for (const [from, to] of Object.entries(replacements)) resolved = resolved.split(from).join(to);
      return [name, resolved];
    }),
  );
}

/** Loads a Lambda entry point as Lambda does: fresh module state, the function's environment. */
function loadEntry<T>(entry: string, environment: Record<string, string>): T {
  const saved = { ...process.env };
  Object.assign(process.env, environment, { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  try {
    let handler: T | undefined;
    jest.isolateModules(() => {
      handler = (require(entry) as { handler: T }).handler;
    });
    return handler!;
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/** Runs `act` with Powertools metrics on, returning the EMF metrics printed meanwhile. */
async function emittedDuring(act: () => Promise<unknown>): Promise<EmittedMetric[]> {
  const stdout = captureWrites(process.stdout);
  const restoreEnvironment = setEnvironment({ POWERTOOLS_METRICS_DISABLED: 'false' });
  try {
    await act();
  } finally {
    stdout.restore();
    restoreEnvironment();
  }
  const emitted: EmittedMetric[] = [];
  for (const line of stdout.text().split('\n').filter((l) => l.startsWith('{'))) {
    const record = JSON.parse(line) as Record<string, unknown> & { _aws?: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> } };
    for (const directive of record._aws?.CloudWatchMetrics ?? []) {
      for (const dimensionSet of directive.Dimensions) {
        const dimensions = Object.fromEntries(dimensionSet.map((name) => [name, String(record[name])]));
        for (const metric of directive.Metrics) emitted.push({ namespace: directive.Namespace, metricName: metric.Name, dimensions });
      }
    }
  }
  return emitted;
}

/** Whether the handlers emit `read`: same namespace and name, exactly its dimension names, its values. */
function emits(emitted: readonly EmittedMetric[], read: ReadMetric): boolean {
  return emitted.some(
    (metric) =>
      metric.namespace === read.namespace &&
      metric.metricName === read.metricName &&
      JSON.stringify(Object.keys(metric.dimensions).sort()) === JSON.stringify(read.dimensionNames) &&
      Object.entries(read.dimensionValues).every(([name, value]) => metric.dimensions[name] === value),
  );
}

describe('Contract: the metrics alarms and the dashboard read are the metrics the handlers emit', () => {
  const namespace = environmentOf(stack.verifier, {})['POWERTOOLS_METRICS_NAMESPACE']!;
  const read = [...alarmMetrics(), ...dashboardMetrics()].filter((metric) => metric.namespace === namespace);
  let local: LocalResources;
  let emitted: EmittedMetric[] = [];

  beforeAll(async () => {
    // Prepare: the stack's resources for stripe, on the stand-ins, under a name prefix of their own
    const prefix = `metrics-${randomUUID().slice(0, 8)}`;
    const clients = createAwsClients();
    local = await provisionLocalResources(clients, { prefix, routes: { stripe: { provider: 'stripe', secrets: [SECRET] } } });
    const stripe = local.providers['stripe']!;
    const queueBase = stripe.queueUrl.slice(0, stripe.queueUrl.lastIndexOf('/') + 1);
    const toLocal = {
      'https://sqs.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/<Ref:AWS::AccountId>/': queueBase,
      [stack.stackName]: prefix,
      [`<Ref:${logicalIdOf(stack.idempotency.table)}>`]: local.tableName,
      [`<Ref:${logicalIdOf(stack.payloads.bucket)}>`]: local.bucketName,
    };
    const stripePipeline = stack.pipelines.find((pipeline) => pipeline.provider === 'stripe')!;
    const verifier = loadEntry<(event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>>(
      '../../lambdas/handlers/verifier',
      environmentOf(stack.verifier, toLocal),
    );
    const processor = loadEntry<(event: SQSEvent, context: Context) => Promise<SQSBatchResponse>>(
      '../../lambdas/handlers/processor',
      environmentOf(stripePipeline.processor, { ...toLocal, [`<Ref:${logicalIdOf(stripePipeline.topic)}>`]: stripe.topicArn }),
    );

    // Act: every outcome the alarms and the dashboard count
    const now = Math.floor(Date.now() / 1000);
    const { body } = stripeEventBody('invoice.paid');
    const post = (headers: Record<string, string>, payload = body) => verifier(webhookEvent('stripe', payload, headers), lambdaContext('verifier'));
    /** The message the verifier queued, as the event source mapping hands it to the processor. */
    const queuedRecord = async () => {
      const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: stripe.queueUrl, MaxNumberOfMessages: 1, MessageAttributeNames: ['All'] }));
      return toRecord(Messages[0]!, stripe.queueArn);
    };
    emitted = await emittedDuring(async () => {
      const accepted = await post({ 'Stripe-Signature': stripeSignatureHeader(body, SECRET) }); // Received, Verified, Enqueued
      const queued = await queuedRecord();
      await processor({ Records: [queued] }, lambdaContext('processor')); // Published
      await processor({ Records: [queued] }, lambdaContext('processor')); // Duplicate (an SQS redelivery)
      const answers = [
        accepted,
        await post({ 'Stripe-Signature': stripeSignatureHeader(body, SECRET) }), // Duplicate (the event is published)
        await post({}), // Rejected MISSING_SIGNATURE
        await post({ 'Stripe-Signature': 'garbage' }), // Rejected MALFORMED_SIGNATURE
        await post({ 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_someone_else') }), // Rejected INVALID_SIGNATURE
        await post({ 'Stripe-Signature': stripeSignatureHeader(body, SECRET, now - 3_600) }), // Rejected TIMESTAMP_OUT_OF_TOLERANCE
      ];
      expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 401, 401, 401, 401]);
      // Failed POISON_MESSAGE: reported as a failed record, parked in the DLQ after maxReceiveCount
      const notAnEnvelope = { MessageId: randomUUID(), ReceiptHandle: randomUUID(), Body: JSON.stringify({ not: 'an envelope' }) };
      const poison = await processor({ Records: [toRecord(notAnEnvelope, stripe.queueArn)] }, lambdaContext('processor'));
      expect(poison.batchItemFailures).toHaveLength(1);
    });
  }, 30_000);

  it('reads custom metrics at all (the template parse found alarm and dashboard metrics in the handlers’ namespace)', () => {
    expect(read.filter((metric) => metric.where.startsWith('alarm')).length).toBeGreaterThanOrEqual(4);
    expect(read.filter((metric) => metric.where.startsWith('dashboard')).length).toBeGreaterThanOrEqual(6);
    expect(read.filter((metric) => metric.where.endsWith('(SEARCH)')).length).toBeGreaterThanOrEqual(1);
  });

  it('finds an emitted metric with the same namespace, name and exact dimension set for every metric stripe’s alarms and dashboard widgets read', () => {
    // Assess
    const forStripe = read.filter((metric) => metric.dimensionValues['provider'] === 'stripe');
    const missing = forStripe.filter((metric) => !emits(emitted, metric)).map((metric) => `${metric.where}: ${metric.metricName} {${metric.dimensionNames.join(', ')}} ${JSON.stringify(metric.dimensionValues)}`);
    expect(missing).toEqual([]);
    expect(forStripe.length).toBeGreaterThanOrEqual(10);
  });

  it('reads the same metrics for every provider as for stripe, only the provider value differing', () => {
    const shape = (metric: ReadMetric) => JSON.stringify([metric.metricName, metric.dimensionNames, { ...metric.dimensionValues, provider: '*' }]);
    const stripeShapes = new Set(read.filter((metric) => metric.dimensionValues['provider'] === 'stripe').map(shape));
    for (const pipeline of stack.pipelines) {
      expect(new Set(read.filter((metric) => metric.dimensionValues['provider'] === pipeline.provider).map(shape))).toEqual(stripeShapes);
    }
  });
});
