/**
 * The whole pipeline in one process against the stand-ins (run.ts starts them in a child process):
 * the verifier and one provider's processor, as deployed, each with SDK clients of its own, and the
 * event source (what Lambda's SQS event source mapping does: receive a batch, invoke the processor,
 * delete what it did not report as failed) with clients of its own too. Every client carries an
 * `SdkRecorder` (bench/aws.ts) that keeps outputs and asks DynamoDB for consumed capacity, so every
 * AWS request each part makes is counted by API, with what AWS bills it by (DynamoDB's consumed
 * capacity as the table reports it, payload sizes for the 64 KB chunks SQS and SNS bill), and
 * `LogCapture` counts what the handlers write to stdout, which on Lambda is what CloudWatch Logs
 * ingests. Used by the cost and latency measurements.
 */
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAwsClients, type AwsClients } from '../lambdas/adapters/aws-clients';
import { DEFAULTS } from '../lib/config/defaults';
import { SERVICE_NAMES } from '../lambdas/environment';
import { createTelemetry } from '../lambdas/observability/telemetry';
import { createProcessorHandler, type ProcessorHandler } from '../lambdas/processor/handler';
import { createVerifierHandler, type VerifierHandler } from '../lambdas/verifier/handler';
import type { LocalResources } from '../local/local-resources';
import { lambdaContext, toRecord } from '../local/queue-poller';
import { provisionBenchRoute, SdkRecorder, stripeApiEvent } from './aws';

export type { RecordedCall } from './aws';

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

export interface Pipeline {
  readonly verifier: VerifierHandler;
  readonly processor: ProcessorHandler;
  readonly resources: LocalResources;
  /** Recorders of the verifier's, the processor's and the event source's clients. */
  readonly recorders: { readonly verifier: SdkRecorder; readonly processor: SdkRecorder; readonly eventSource: SdkRecorder };
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
  const { admin, resources, verifierConfig } = await provisionBenchRoute(prefix);
  const { queueUrl, queueArn, topicArn } = resources.providers['stripe']!;
  const clients = { verifier: createAwsClients(), processor: createAwsClients(), eventSource: createAwsClients() };
  const billing = { output: true, returnConsumedCapacity: true } as const;
  const recorders = { verifier: new SdkRecorder(billing), processor: new SdkRecorder(billing), eventSource: new SdkRecorder(billing) };
  recorders.verifier.attach(clients.verifier);
  recorders.processor.attach(clients.processor);
  recorders.eventSource.attach(clients.eventSource, ['sqs']);

  const verifier = createVerifierHandler({
    config: verifierConfig,
    clients: clients.verifier,
    telemetry: createTelemetry(SERVICE_NAMES.verifier),
  });
  const processor = createProcessorHandler({
    config: { provider: 'stripe', topicArn: topicArn, idempotencyTableName: resources.tableName, idempotencyWindowSeconds: DEFAULTS.idempotencyWindowSeconds },
    clients: clients.processor,
    telemetry: createTelemetry(SERVICE_NAMES.processor),
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
export const restApiEvent = (bodyBytes?: number): { eventId: string; event: APIGatewayProxyEvent } => stripeApiEvent({ base64: true, ...(bodyBytes === undefined ? {} : { bodyBytes }) });

/** The verifier's Lambda context (its default timeout bounds the lease). */
export const verifierContext = () => lambdaContext(SERVICE_NAMES.verifier, DEFAULTS.verifier.timeoutSeconds * 1000);
export const processorContext = () => lambdaContext(SERVICE_NAMES.processor, DEFAULTS.pipeline.processorTimeoutSeconds * 1000);
