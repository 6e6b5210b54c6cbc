import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * What Lambda's SQS event source mapping does, for the local gateway: long-poll a queue, hand
 * batches to the processor, delete the records it did not report as failed, leave the failed ones
 * to reappear after the visibility timeout — and SQS's own redrive policy parks them in the DLQ
 * after maxReceiveCount. A handler that throws (Powertools' FullBatchFailureError when every
 * record failed) fails the whole batch, as on Lambda.
 */
export interface QueuePollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
  readonly functionName: string;
  /** @default 10 */
  readonly batchSize?: number;
  /** Long-poll wait. @default 1 */
  readonly waitTimeSeconds?: number;
  /** Told of each batch the handler has handled, before its records are deleted. @default none */
  readonly onBatch?: (batch: HandledBatch) => void;
  /** Told of anything that went wrong outside the handler's own reporting. */
  readonly onError?: (error: unknown) => void;
}

export interface HandledBatch {
  readonly records: readonly SQSRecord[];
  /** The records that failed: those the handler reported, or every one when it threw. */
  readonly failedIds: ReadonlySet<string>;
  /** How long the handler took. */
  readonly ms: number;
}

export interface QueuePoller {
  /** True while a received batch is being handled (between ReceiveMessage and its deletes). */
  readonly busy: boolean;
  stop(): Promise<void>;
}

export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  let running = true;
  let busy = false;
  let idle: (() => void) | undefined;
  const loop = (async () => {
    while (running) {
      try {
        await pollOnce(options, (state) => (busy = state));
      } catch (error) {
        busy = false;
        if (!running) break;
        options.onError?.(error);
        await new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, 500);
        });
      }
    }
  })();
  return {
    get busy() {
      return busy;
    },
    async stop() {
      running = false;
      idle?.();
      await loop;
    },
  };
}

async function pollOnce(options: QueuePollerOptions, setBusy: (busy: boolean) => void): Promise<void> {
  const { Messages } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize ?? 10,
      WaitTimeSeconds: options.waitTimeSeconds ?? 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  if (!Messages || Messages.length === 0) return;
  setBusy(true);

  const event: SQSEvent = { Records: Messages.map((message) => toRecord(message, options.queueArn)) };
  let failedIds: Set<string>;
  const started = performance.now();
  try {
    const response = await options.handler(event, lambdaContext(options.functionName));
    failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  } catch {
    failedIds = new Set(Messages.map((message) => message.MessageId!));
  }
  try {
    options.onBatch?.({ records: event.Records, failedIds, ms: performance.now() - started });
  } catch (error) {
    // An observer's mistake must not keep handled records from being deleted (they would be handled again).
    options.onError?.(error);
  }
  const done = Messages.filter((message) => !failedIds.has(message.MessageId!));
  try {
    if (done.length > 0) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
  } finally {
    setBusy(false);
  }
}

export function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes['ApproximateReceiveCount'] ?? '1',
      SentTimestamp: attributes['SentTimestamp'] ?? String(Date.now()),
      SenderId: attributes['SenderId'] ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes['ApproximateFirstReceiveTimestamp'] ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { dataType: value.DataType ?? 'String', stringValue: value.StringValue, stringListValues: [], binaryListValues: [] },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  };
}

/** A Lambda context for local invocations (30 s budget, like the deployed processor). */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
