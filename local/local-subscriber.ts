import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAwsClients } from '../lambdas/adapters/aws-clients';
import { subscriptionFilterPolicy, type FilterPolicy } from '../packages/subscriber/src/filter-policy';
import { createIdempotencyTable, createQueue, queueArn, subscribeQueue } from './local-resources';
import { startQueuePoller } from './queue-poller';

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
  /** What the subscriber receives from each provider's topic. */
  readonly subscriptions: Readonly<Record<string, SubscriberSelection>>;
  stop(): Promise<void>;
}

/** What the subscriber receives from one provider's topic. */
export interface SubscriberSelection {
  /** Type patterns as given (`invoice.*`); undefined: every type. */
  readonly eventTypes: readonly string[] | undefined;
  /** The filter policy of its subscription, as the CDK construct would set it; undefined: everything. */
  readonly filterPolicy: FilterPolicy | undefined;
}

/** The variable a handler module reads its idempotency table name from; set unless already set. */
const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE_NAME';

export class SubscriberSetupError extends Error {
  public override readonly name = 'SubscriberSetupError';
}

/**
 * `['stripe:invoice.*', 'stripe:charge.refunded', 'github']` → stripe: `['invoice.*',
 * 'charge.refunded']`, github: every type; each with its subscription's filter policy. No filters:
 * every provider, every type.
 */
export function parseSubscriberFilters(filters: readonly string[], providers: readonly string[]): Record<string, SubscriberSelection> {
  const patterns: Record<string, string[] | undefined> = {};
  if (filters.length === 0) for (const provider of providers) patterns[provider] = undefined;
  for (const filter of filters) {
    const separator = filter.indexOf(':');
    const provider = separator === -1 ? filter : filter.slice(0, separator);
    const pattern = separator === -1 ? '*' : filter.slice(separator + 1);
    if (!providers.includes(provider)) {
      throw new SubscriberSetupError(`--subscriber-filter "${filter}": unknown provider "${provider}"; providers: ${providers.join(', ')}`);
    }
    if (pattern === '') throw new SubscriberSetupError(`--subscriber-filter "${filter}": the type pattern after ":" is empty`);
    const collected = Object.hasOwn(patterns, provider) ? patterns[provider] : [];
    patterns[provider] = collected === undefined || pattern === '*' ? undefined : [...collected, pattern];
  }
  const selections: Record<string, SubscriberSelection> = {};
  for (const [provider, eventTypes] of Object.entries(patterns)) {
    try {
      selections[provider] = { eventTypes, filterPolicy: subscriptionFilterPolicy(eventTypes ? { eventTypes } : {}) };
    } catch (error) {
      throw new SubscriberSetupError(`--subscriber-filter for ${provider}: ${(error as Error).message}`);
    }
  }
  return selections;
}

export async function startLocalSubscriber(options: LocalSubscriberOptions): Promise<LocalSubscriber> {
  const { sqs, sns, dynamodb } = options.clients ?? createAwsClients();
  const prefix = options.prefix ?? 'hookrelay';
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const subscriptions = parseSubscriberFilters(options.filters ?? [], Object.keys(options.topics));

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

  const unsubscribes: Array<() => Promise<void>> = [];
  for (const [provider, { filterPolicy }] of Object.entries(subscriptions)) {
    unsubscribes.push(await subscribeQueue(sns, { topicArn: options.topics[provider]!, queueArn: ownArn, rawMessageDelivery: true, filterPolicy }));
  }

  const { onDelivery } = options;
  const poller = startQueuePoller({
    sqs,
    queueUrl,
    queueArn: ownArn,
    handler,
    functionName: `${prefix}-subscriber`,
    ...(onDelivery
      ? {
          onBatch: ({ records, failedIds, ms }) => {
            for (const record of records) onDelivery({ ...describeRecord(record), ok: !failedIds.has(record.messageId), maxReceiveCount, ms });
          },
        }
      : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });

  return {
    queueUrl,
    deadLetterQueueUrl,
    idempotencyTableName,
    subscriptions,
    async stop() {
      await Promise.allSettled(unsubscribes.map((unsubscribe) => unsubscribe()));
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
  const filters = Object.entries(subscriber.subscriptions).map(([provider, { eventTypes }]) => `${provider}:${eventTypes?.join(',') ?? '*'}`);
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
