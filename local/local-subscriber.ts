import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAwsClients } from '../lambdas/adapters/aws-clients';
import { subscriptionFilterPolicy } from '../packages/subscriber/src/filter-policy';
import { createIdempotencyTable, createQueue, queueArn } from './local-resources';
import { startQueuePoller, type QueuePoller } from './queue-poller';

/**
 * `npm start -- --subscriber path/to/handler.ts [--subscriber-filter 'stripe:invoice.*' …]`: runs a
 * subscriber's Lambda handler against the local topics, delivered as on AWS. A queue with its DLQ
 * is subscribed to the providers' topics with raw message delivery and the filter policy the CDK
 * construct would set (`subscriptionFilterPolicy`), and polled by the same poller that stands in for
 * Lambda's event source mapping for the processors: partial batch failures are retried after the
 * visibility timeout and parked in the DLQ after maxReceiveCount receives.
 */
export interface LocalSubscriberOptions {
  /** The handler module: exports `handler` (or a default export), as a Lambda entry point does. */
  readonly modulePath: string;
  /** `<provider>` or `<provider>:<type pattern>`; none: every type of every provider. */
  readonly filters?: readonly string[];
  /** Each provider's topic ARN. */
  readonly topics: Readonly<Record<string, string>>;
  /** @default clients configured from the environment (the stand-ins' AWS_ENDPOINT_URL_*) */
  readonly clients?: { readonly sqs: SQSClient; readonly sns: SNSClient; readonly dynamodb: DynamoDBClient };
  /** Resource name prefix. @default 'hookrelay' */
  readonly prefix?: string;
  /** Receives before a message moves to the DLQ. @default 3 */
  readonly maxReceiveCount?: number;
  /** How long a failed message stays hidden before its retry. @default 1 */
  readonly visibilityTimeoutSeconds?: number;
  /** One entry per record handled. @default silent */
  readonly onDelivery?: (entry: DeliveryLogEntry) => void;
  /** Problems outside the handler (SQS unreachable…). @default silent */
  readonly onError?: (error: unknown) => void;
}

export interface DeliveryLogEntry {
  readonly provider: string;
  readonly type: string;
  readonly eventId: string;
  readonly ok: boolean;
  readonly receiveCount: number;
  readonly maxReceiveCount: number;
  readonly ms: number;
}

export interface LocalSubscriber {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** The Powertools-layout table exported to the handler as IDEMPOTENCY_TABLE_NAME. */
  readonly idempotencyTableName: string;
  /** Provider → the filter policy of its subscription (undefined: everything). */
  readonly subscriptions: Readonly<Record<string, Record<string, unknown> | undefined>>;
  stop(): Promise<void>;
}

/** The variable a handler module reads its idempotency table name from; set unless already set. */
export const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE_NAME';

export class SubscriberSetupError extends Error {
  public override readonly name = 'SubscriberSetupError';
}

/**
 * `['stripe:invoice.*', 'stripe:charge.refunded', 'github']` → `{ stripe: ['invoice.*',
 * 'charge.refunded'], github: undefined }` (undefined: every type). No filters: every provider,
 * every type.
 */
export function parseSubscriberFilters(
  filters: readonly string[],
  providers: readonly string[],
): Record<string, string[] | undefined> {
  if (filters.length === 0) return Object.fromEntries(providers.map((provider) => [provider, undefined]));
  const selected: Record<string, string[] | undefined> = {};
  for (const filter of filters) {
    const separator = filter.indexOf(':');
    const provider = separator === -1 ? filter : filter.slice(0, separator);
    const pattern = separator === -1 ? '*' : filter.slice(separator + 1);
    if (!providers.includes(provider)) {
      throw new SubscriberSetupError(`--subscriber-filter "${filter}": unknown provider "${provider}"; providers: ${providers.join(', ')}`);
    }
    if (pattern === '') throw new SubscriberSetupError(`--subscriber-filter "${filter}": the type pattern after ":" is empty`);
    const patterns = Object.hasOwn(selected, provider) ? selected[provider] : [];
    selected[provider] = patterns === undefined || pattern === '*' ? undefined : [...patterns, pattern];
  }
  for (const [provider, eventTypes] of Object.entries(selected)) {
    try {
      subscriptionFilterPolicy(eventTypes ? { eventTypes } : {});
    } catch (error) {
      throw new SubscriberSetupError(`--subscriber-filter for ${provider}: ${(error as Error).message}`);
    }
  }
  return selected;
}

export async function startLocalSubscriber(options: LocalSubscriberOptions): Promise<LocalSubscriber> {
  const { sqs, sns, dynamodb } = options.clients ?? createAwsClients();
  const prefix = options.prefix ?? 'hookrelay';
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const selected = parseSubscriberFilters(options.filters ?? [], Object.keys(options.topics));

  const idempotencyTableName = `${prefix}-subscriber-idempotency`;
  await createIdempotencyTable(dynamodb, idempotencyTableName);
  process.env[IDEMPOTENCY_TABLE_ENV] ??= idempotencyTableName;
  const handler = await loadHandler(options.modulePath);

  const deadLetterQueueUrl = await createQueue(sqs, `${prefix}-subscriber-dlq`, { MessageRetentionPeriod: String(14 * 24 * 3600) });
  const queueUrl = await createQueue(sqs, `${prefix}-subscriber`, {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 1),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(sqs, deadLetterQueueUrl), maxReceiveCount }),
  });
  const ownArn = await queueArn(sqs, queueUrl);

  const subscriptions: Record<string, Record<string, unknown> | undefined> = {};
  const subscriptionArns: string[] = [];
  for (const [provider, eventTypes] of Object.entries(selected)) {
    const filterPolicy = subscriptionFilterPolicy(eventTypes ? { eventTypes } : {});
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: options.topics[provider],
        Protocol: 'sqs',
        Endpoint: ownArn,
        ReturnSubscriptionArn: true,
        Attributes: { RawMessageDelivery: 'true', ...(filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : {}) },
      }),
    );
    subscriptions[provider] = filterPolicy;
    if (SubscriptionArn) subscriptionArns.push(SubscriptionArn);
  }

  const reported = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse | void> => {
    const started = performance.now();
    let failed: ReadonlySet<string>;
    let response: SQSBatchResponse | void = undefined;
    let thrown: { error: unknown } | undefined;
    try {
      response = await handler(event, context);
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      thrown = { error };
      failed = new Set(event.Records.map((record) => record.messageId));
    }
    const ms = performance.now() - started;
    for (const record of event.Records) {
      options.onDelivery?.({ ...describeRecord(record), ok: !failed.has(record.messageId), maxReceiveCount, ms });
    }
    if (thrown) throw thrown.error;
    return response;
  };
  const poller: QueuePoller = startQueuePoller({
    sqs,
    queueUrl,
    queueArn: ownArn,
    handler: reported,
    functionName: `${prefix}-subscriber`,
    ...(options.onError ? { onError: options.onError } : {}),
  });

  return {
    queueUrl,
    deadLetterQueueUrl,
    idempotencyTableName,
    subscriptions,
    async stop() {
      await Promise.allSettled(subscriptionArns.map((SubscriptionArn) => sns.send(new UnsubscribeCommand({ SubscriptionArn }))));
      await poller.stop();
    },
  };
}

/** One line per delivery: `subscriber stripe invoice.paid event=evt_1 ok 3.1ms`. */
export function formatDelivery(entry: DeliveryLogEntry): string {
  const outcome = entry.ok
    ? 'ok'
    : entry.receiveCount >= entry.maxReceiveCount
      ? `FAILED receive ${entry.receiveCount}/${entry.maxReceiveCount}, next: dead-letter queue`
      : `FAILED receive ${entry.receiveCount}/${entry.maxReceiveCount}, retried`;
  return `subscriber ${entry.provider} ${entry.type} event=${entry.eventId} ${outcome} ${entry.ms.toFixed(1)}ms`;
}

/** What `npm start` prints about the subscriber. */
export function describeLocalSubscriber(subscriber: LocalSubscriber, modulePath: string): string[] {
  const filters = Object.entries(subscriber.subscriptions).map(([provider, policy]) => {
    const types = (policy?.['eventType'] as unknown[] | undefined)?.map((condition) =>
      typeof condition === 'string' ? condition : `${(condition as { prefix: string }).prefix}*`,
    );
    return `${provider}:${types ? types.join(',') : '*'}`;
  });
  return [
    `  subscriber ${modulePath}`,
    `    receives   ${filters.join('  ')} (replays excluded)`,
    `    queue      ${subscriber.queueUrl}`,
    `    dlq        ${subscriber.deadLetterQueueUrl}`,
    `    idempotency table ${subscriber.idempotencyTableName} (${IDEMPOTENCY_TABLE_ENV}=${process.env[IDEMPOTENCY_TABLE_ENV]})`,
    `    endpoints  SQS/SNS/S3 ${process.env['AWS_ENDPOINT_URL_SQS'] ?? '-'}  DynamoDB ${process.env['AWS_ENDPOINT_URL_DYNAMODB'] ?? '-'}`,
  ];
}

type SubscriberHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

async function loadHandler(modulePath: string): Promise<SubscriberHandler> {
  const absolute = path.resolve(modulePath);
  const loaded = (await import(pathToFileURL(absolute).href)) as { handler?: unknown; default?: unknown };
  const defaultExport = loaded.default as { handler?: unknown } | undefined;
  const handler = loaded.handler ?? defaultExport?.handler ?? loaded.default;
  if (typeof handler !== 'function') {
    throw new SubscriberSetupError(`${modulePath} exports no handler function (export const handler = subscriber.handler)`);
  }
  return handler as SubscriberHandler;
}

/** Provider, type and id of a raw-delivered envelope, for the log line; placeholders for anything else. */
function describeRecord(record: SQSRecord): Pick<DeliveryLogEntry, 'provider' | 'type' | 'eventId' | 'receiveCount'> {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
  try {
    const envelope = JSON.parse(record.body) as { provider?: unknown; type?: unknown; id?: unknown };
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : '?');
    return { provider: text(envelope.provider), type: text(envelope.type), eventId: text(envelope.id), receiveCount };
  } catch {
    return { provider: '?', type: '?', eventId: record.messageId, receiveCount };
  }
}
