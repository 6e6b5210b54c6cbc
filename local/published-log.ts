import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { notificationAttributes, parseNotification } from '../lambdas/core/archive-format';

/**
 * Everything published to the providers' SNS topics, read the way a real subscriber reads it: from
 * an SQS queue subscribed to each topic. Served as `GET /_local/published`.
 */
export interface PublishedMessage {
  readonly topic: string;
  readonly attributes: Record<string, string>;
  /** The message parsed (the envelope). */
  readonly message: unknown;
  /** The message exactly as published: the payload inside it is the sender's signed text. */
  readonly text: string;
}

export interface PublishedLog {
  /** Published messages in publish order. */
  list(): PublishedMessage[];
  /** Waits until at least `count` messages were seen, or the timeout passes; returns the list. */
  waitFor(count: number, timeoutMs: number): Promise<PublishedMessage[]>;
  subscribe(listener: (message: PublishedMessage) => void): () => void;
  stop(): Promise<void>;
}

export function startPublishedLog(sqs: SQSClient, observerQueueUrls: readonly string[]): PublishedLog {
  const entries: Array<{ at: number; seq: number; value: PublishedMessage }> = [];
  const listeners = new Set<(message: PublishedMessage) => void>();
  let seq = 0;
  let running = true;

  const pollQueue = async (QueueUrl: string) => {
    while (running) {
      try {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        if (!Messages?.length) continue;
        for (const message of Messages) {
          const notification = parseNotification(message.Body ?? '');
          const value: PublishedMessage = {
            topic: notification.TopicArn,
            attributes: notificationAttributes(notification),
            message: parseJson(notification.Message),
            text: notification.Message,
          };
          entries.push({ at: Date.parse(notification.Timestamp) || Date.now(), seq: seq++, value });
          for (const listener of listeners) listener(value);
        }
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
          }),
        );
      } catch {
        if (running) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const loops = observerQueueUrls.map((url) => pollQueue(url));

  const list = () =>
    [...entries].sort((a, b) => a.at - b.at || a.seq - b.seq).map((entry) => entry.value);
  return {
    list,
    async waitFor(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (entries.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      return list();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
