/**
 * The whole pipeline in one process against the stand-ins (run.ts starts them in a child process):
 * the verifier and one provider's processor, as deployed, each with SDK clients of its own, and the
 * event source (what Lambda's SQS event source mapping does: receive a batch, invoke the processor,
 * delete what it did not report as failed) with clients of its own too. Every client carries
 * `UsageRecorder` middleware, so every AWS request each part makes is counted by API, with what
 * AWS bills it by (DynamoDB's consumed capacity as the table reports it, payload sizes for the 64 KB
 * chunks SQS and SNS bill), and `LogCapture` counts what the handlers write to stdout, which on
 * Lambda is what CloudWatch Logs ingests. Used by the cost and latency measurements.
 */
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createAwsClients, type AwsClients } from '../lambdas/adapters/aws-clients';
import { DEFAULTS } from '../lib/config/defaults';
import { createTelemetry } from '../lambdas/observability/telemetry';
import { createProcessorHandler, type ProcessorHandler } from '../lambdas/processor/handler';
import type { RouteConfig } from '../lambdas/runtime-config';
import { createVerifierHandler, type VerifierHandler } from '../lambdas/verifier/handler';
import { provisionLocalResources, type LocalResources } from '../local/local-resources';
import { lambdaContext, toRecord } from '../local/queue-poller';
import { STRIPE_BENCH_SECRET, stripeEventBody, stripeSignature, uniqueStripeEventId } from './payloads';

// ---------------------------------------------------------------------------------------------
// Counting AWS requests with middleware

export interface RecordedCall {
  readonly client: string;
  readonly command: string;
  readonly input: Record<string, unknown>;
  output?: Record<string, unknown>;
  attempts: number;
  readonly start: number;
  end: number;
}

type AnyHandler = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;
type AnyMiddleware = (next: AnyHandler, context: { clientName?: string; commandName?: string; usageCall?: RecordedCall }) => AnyHandler;
interface Stack {
  add(middleware: AnyMiddleware, options: { step: string; name: string; priority?: string }): void;
}

/**
 * Records every command a client sends, with its output. DynamoDB commands are sent with
 * `ReturnConsumedCapacity: 'TOTAL'`, so the table itself reports the capacity units each consumed
 * (dynalite computes them by DynamoDB's item-size rules); the handlers never read that field.
 */
export class UsageRecorder {
  public calls: RecordedCall[] = [];
  /** Told of each completed call (the latency measurement watches publishes). */
  public onCall: ((call: RecordedCall) => void) | undefined;

  public attach(clients: Pick<AwsClients, 'dynamodb' | 'sqs' | 'sns' | 'secretsManager' | 's3'>, parts: ReadonlyArray<keyof AwsClients> = ['dynamodb', 'sqs', 'sns', 'secretsManager', 's3']): void {
    for (const part of parts) {
      const stack = clients[part].middlewareStack as unknown as Stack;
      stack.add(
        (next, context) => async (args) => {
          const client = (context.clientName ?? 'unknown').replace(/Client$/, '');
          if (client === 'DynamoDB') args.input['ReturnConsumedCapacity'] = 'TOTAL';
          const call: RecordedCall = { client, command: (context.commandName ?? 'unknown').replace(/Command$/, ''), input: args.input, attempts: 0, start: performance.now(), end: Number.NaN };
          context.usageCall = call;
          try {
            const result = await next(args);
            call.output = result.output;
            return result;
          } finally {
            call.end = performance.now();
            this.calls.push(call);
            this.onCall?.(call);
          }
        },
        { step: 'initialize', name: 'hookrelayBenchUsage', priority: 'high' },
      );
      stack.add(
        (next, context) => async (args) => {
          if (context.usageCall) context.usageCall.attempts++;
          return next(args);
        },
        { step: 'finalizeRequest', name: 'hookrelayBenchAttempts', priority: 'low' },
      );
    }
  }

  public take(): RecordedCall[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }
}

// ---------------------------------------------------------------------------------------------
// Counting log output

/**
 * Counts what is written to stdout while a part of the pipeline runs (Powertools writes its log
 * lines and EMF metrics there, as CloudWatch Logs ingests them on Lambda) and swallows it.
 */
export class LogCapture {
  #current: { bytes: number; lines: number } | undefined;
  readonly #original = process.stdout.write.bind(process.stdout);

  public constructor() {
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const counter = this.#current;
      if (counter) {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        counter.bytes += Buffer.byteLength(text, 'utf8');
        counter.lines += text.split('\n').filter((line) => line !== '').length;
      }
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  }

  /** Runs `work`, adding what it writes to `counter`. */
  public async count<T>(counter: { bytes: number; lines: number }, work: () => Promise<T>): Promise<T> {
    const previous = this.#current;
    this.#current = counter;
    try {
      return await work();
    } finally {
      this.#current = previous;
    }
  }

  public restore(): void {
    process.stdout.write = this.#original;
  }
}

// ---------------------------------------------------------------------------------------------
// The pipeline

export const BENCH_ROUTE = 'stripe';

export interface Pipeline {
  readonly verifier: VerifierHandler;
  readonly processor: ProcessorHandler;
  readonly resources: LocalResources;
  /** Recorders of the verifier's, the processor's and the event source's clients. */
  readonly recorders: { readonly verifier: UsageRecorder; readonly processor: UsageRecorder; readonly eventSource: UsageRecorder };
  /** The clients the floors replay calls with (the verifier's and the processor's own). */
  readonly clients: { readonly verifier: AwsClients; readonly processor: AwsClients; readonly eventSource: AwsClients };
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly topicArn: string;
  /** A queue of its own for floors that replay the pipeline's calls (nothing consumes it). */
  readonly floorQueueUrl: string;
  deleteFloorMessages(messages: readonly Message[]): Promise<void>;
  /** The configured batch size of the processor's event source (lib/config/defaults.ts). */
  readonly batchSize: number;
  /** One batch as Lambda's event source mapping hands it over, or undefined when the queue is empty. */
  receiveBatch(maxMessages?: number, waitSeconds?: number): Promise<SQSEvent | undefined>;
  /** Deletes the batch's records the processor did not report as failed. */
  deleteProcessed(event: SQSEvent, response: SQSBatchResponse): Promise<void>;
}

export async function createPipeline(prefix: string): Promise<Pipeline> {
  const admin = createAwsClients();
  const resources = await provisionLocalResources(admin, {
    prefix: `${prefix}-${randomUUID().slice(0, 8)}`,
    routes: { [BENCH_ROUTE]: { provider: 'stripe', secrets: [STRIPE_BENCH_SECRET] } },
    visibilityTimeoutSeconds: DEFAULTS.pipeline.processorTimeoutSeconds * DEFAULTS.pipeline.visibilityTimeoutFactor,
  });
  const { queueUrl, queueArn, topicArn } = resources.providers['stripe']!;
  const routes: Record<string, RouteConfig> = {
    [BENCH_ROUTE]: { queueUrl, secretId: resources.routes[BENCH_ROUTE]!.secretId, maxBodyBytes: 1024 * 1024 },
  };
  const clients = { verifier: createAwsClients(), processor: createAwsClients(), eventSource: createAwsClients() };
  const recorders = { verifier: new UsageRecorder(), processor: new UsageRecorder(), eventSource: new UsageRecorder() };
  recorders.verifier.attach(clients.verifier);
  recorders.processor.attach(clients.processor);
  recorders.eventSource.attach(clients.eventSource, ['sqs']);

  const verifier = createVerifierHandler({
    config: {
      routes,
      idempotencyTableName: resources.tableName,
      idempotencyWindowSeconds: DEFAULTS.idempotencyWindowSeconds,
      secretsRefreshSeconds: DEFAULTS.secrets.refreshSeconds,
      secretsMaxStaleSeconds: DEFAULTS.secrets.maxStaleSeconds,
      payloadBucketName: resources.bucketName,
      largePayloadThresholdBytes: DEFAULTS.largePayloadThresholdBytes,
    },
    clients: clients.verifier,
    telemetry: createTelemetry(DEFAULTS.verifier.serviceName),
  });
  const processor = createProcessorHandler({
    config: { provider: 'stripe', topicArn: topicArn, idempotencyTableName: resources.tableName, idempotencyWindowSeconds: DEFAULTS.idempotencyWindowSeconds },
    clients: clients.processor,
    telemetry: createTelemetry(DEFAULTS.pipeline.processorServiceName),
  });
  const batchSize = DEFAULTS.pipeline.batchSize;
  const { QueueUrl: floorQueueUrl } = await admin.sqs.send(new CreateQueueCommand({ QueueName: `${resources.tableName.replace(/-idempotency$/, '')}-floor` }));
  return {
    topicArn,
    floorQueueUrl: floorQueueUrl!,
    async deleteFloorMessages(messages) {
      if (messages.length === 0) return;
      await admin.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: floorQueueUrl!, Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })) }));
    },
    verifier,
    processor,
    resources,
    recorders,
    clients,
    queueUrl,
    queueArn,
    batchSize,
    async receiveBatch(maxMessages = batchSize, waitSeconds = 0) {
      const { Messages } = await clients.eventSource.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: maxMessages, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
      );
      return Messages && Messages.length > 0 ? { Records: Messages.map((message) => toRecord(message, queueArn)) } : undefined;
    },
    async deleteProcessed(event, response) {
      const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
      const done = event.Records.filter((record) => !failed.has(record.messageId));
      if (done.length === 0) return;
      await clients.eventSource.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })) }),
      );
    },
  };
}

/**
 * API Gateway's event for one freshly signed, unique Stripe delivery of about 3 KB (or `bodyBytes`), as the
 * deployed REST API hands it over (every media type binary: the body base64-encoded).
 */
export function restApiEvent(bodyBytes?: number): { eventId: string; event: APIGatewayProxyEvent } {
  const eventId = uniqueStripeEventId();
  const now = Math.floor(Date.now() / 1000);
  const body = stripeEventBody(eventId, now, bodyBytes);
  const headers = {
    Host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    'Stripe-Signature': stripeSignature(body, now),
    'X-Forwarded-Proto': 'https',
  };
  const event: APIGatewayProxyEvent = {
    resource: `/webhooks/${BENCH_ROUTE}`,
    path: `/webhooks/${BENCH_ROUTE}`,
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { path: `/prod/webhooks/${BENCH_ROUTE}`, stage: 'prod', requestId: randomUUID(), resourcePath: `/webhooks/${BENCH_ROUTE}` } as APIGatewayProxyEvent['requestContext'],
    body: Buffer.from(body, 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
  return { eventId, event };
}

/** The verifier's Lambda context (its default timeout bounds the lease). */
export const verifierContext = () => lambdaContext(DEFAULTS.verifier.serviceName, DEFAULTS.verifier.timeoutSeconds * 1000);
export const processorContext = () => lambdaContext(DEFAULTS.pipeline.processorServiceName, DEFAULTS.pipeline.processorTimeoutSeconds * 1000);
