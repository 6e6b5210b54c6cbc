import {
  DeleteMessageBatchCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Moves a provider's dead letters back to its queue. On AWS: SQS `StartMessageMoveTask` (SQS moves
 * them server-side and keeps their attributes), polled until done. Where the service does not
 * offer it (the local stand-in), messages are moved by receive → send → delete, in batches; a
 * message is deleted from the DLQ only after SQS accepted its copy, so a failure part-way may
 * duplicate a message in the queue (the processor's idempotency absorbs that) but never loses one.
 */
export interface RedriveTarget {
  readonly dlqUrl: string;
  readonly dlqArn: string;
  readonly queueUrl: string;
  readonly queueArn: string;
}

export interface RedriveResult {
  readonly moved: number;
  readonly method: 'StartMessageMoveTask' | 'receive-send-delete';
}

export interface RedriveOptions {
  /** How often to poll a move task. @default 1000 */
  readonly pollIntervalMs?: number;
  /** Give up waiting for a move task after this long (it keeps running). @default 300000 */
  readonly timeoutMs?: number;
}

const UNSUPPORTED = /Unsupported|UnknownOperation|InvalidAction|NotImplemented|not supported/i;

export async function redriveDeadLetters(sqs: SQSClient, target: RedriveTarget, options: RedriveOptions = {}): Promise<RedriveResult> {
  let taskHandle: string | undefined;
  try {
    ({ TaskHandle: taskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: target.dlqArn, DestinationArn: target.queueArn }),
    ));
  } catch (error) {
    const { name = '', message = '' } = error as { name?: string; message?: string };
    if (!UNSUPPORTED.test(name) && !UNSUPPORTED.test(message)) throw error;
    return { moved: await moveByHand(sqs, target), method: 'receive-send-delete' };
  }

  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: target.dlqArn, MaxResults: 10 }));
    const task = Results?.find((result) => result.TaskHandle === taskHandle) ?? Results?.[0];
    if (task?.Status === 'COMPLETED') return { moved: Number(task.ApproximateNumberOfMessagesMoved ?? 0), method: 'StartMessageMoveTask' };
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
      throw new Error(`Message move task ${task.Status.toLowerCase()}: ${task.FailureReason ?? 'no reason given'}`);
    }
    if (Date.now() > deadline) throw new Error('Message move task still running; check it with `aws sqs list-message-move-tasks`');
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 1000));
  }
}

async function moveByHand(sqs: SQSClient, target: RedriveTarget): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: target.dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        MessageAttributeNames: ['All'],
      }),
    );
    if (!Messages?.length) return moved;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes && Object.keys(message.MessageAttributes).length > 0
            ? { MessageAttributes: message.MessageAttributes }
            : {}),
        })),
      }),
    );
    const accepted = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const toDelete = Messages.filter((_, index) => accepted.has(String(index)));
    if (toDelete.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: target.dlqUrl,
          Entries: toDelete.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
    moved += toDelete.length;
    if (toDelete.length < Messages.length) {
      throw new Error(`${Messages.length - toDelete.length} message(s) could not be sent back; ${moved} moved so far`);
    }
  }
}
