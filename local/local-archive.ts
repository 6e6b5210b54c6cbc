import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ARCHIVE_FILE_EXTENSION,
  archiveErrorObjectKey,
  archiveLine,
  archiveObjectKey,
  encodeArchiveObject,
  parseNotification,
  partitionOf,
  PROCESSING_FAILED_ERROR_TYPE,
  type ArchivedNotification,
  type ArchivePartition,
} from '../lambdas/core/archive-format';
import { subscriptionFilterPolicy } from '../packages/subscriber/src/filter-policy';
import { createBucket, createQueue, queueArn, subscribeQueue } from './local-resources';

/**
 * The event archive on this machine. There is no Firehose stand-in, so the gateway does what the
 * deployed archive does with the stand-ins it has: a queue subscribed to every provider topic as the
 * Firehose stream is (raw message delivery off, the same filter policy, so replays stay out), and a
 * reader that buffers SNS's notifications and writes them to the S3 stand-in as Firehose would — one
 * GZIP object of JSON lines per partition and buffer, under the same keys
 * (`lambdas/core/archive-format.ts`). A message is deleted from the queue only once the object
 * holding it is written, so nothing is lost to a failed write. With a data directory, every object
 * is also kept there and put back into the (in-memory) S3 stand-in at the next start.
 */
export interface LocalArchiveOptions {
  readonly clients: { readonly sqs: SQSClient; readonly sns: SNSClient; readonly s3: S3Client };
  /** Resource name prefix. */
  readonly prefix: string;
  /** Each provider's topic ARN. */
  readonly topics: Readonly<Record<string, string>>;
  /**
   * How long notifications are buffered before an object is written. Firehose buffers 60–900 s;
   * locally events are replayable almost at once. @default 200
   */
  readonly bufferIntervalMs?: number;
  /** Keep every object in this folder as well, and restore the folder's objects at start. @default memory only */
  readonly dataDirectory?: string;
  /** Problems outside a write's own retry (S3 or SQS unreachable…). @default silent */
  readonly onError?: (error: unknown) => void;
}

export interface LocalArchive {
  readonly bucketName: string;
  readonly queueUrl: string;
  /** The name in every object key, where Firehose writes its stream's name. */
  readonly streamName: string;
  /** Objects restored from the data directory at start. */
  readonly restored: number;
  /** True while notifications wait in the buffer or are being written. */
  readonly busy: boolean;
  stop(): Promise<void>;
}

/** How long a received notification stays hidden: well past a buffer and its write. */
const VISIBILITY_TIMEOUT_SECONDS = 30;
/** How soon notifications whose write failed are received again. */
const RETRY_AFTER_SECONDS = 1;

interface Buffered {
  readonly line: string;
  readonly receiptHandle: string;
  /** Undefined when the notification cannot be partitioned: it goes to the errors prefix, as with Firehose. */
  readonly partition: ArchivePartition | undefined;
}

export async function startLocalArchive(options: LocalArchiveOptions): Promise<LocalArchive> {
  const { sqs, sns, s3 } = options.clients;
  const bufferIntervalMs = options.bufferIntervalMs ?? 200;
  const streamName = `${options.prefix}-archive`;
  const bucketName = await createBucket(s3, `${options.prefix}-archive`);
  const restored = options.dataDirectory ? await restoreObjects(s3, bucketName, options.dataDirectory) : 0;

  const queueUrl = await createQueue(sqs, `${options.prefix}-archive`, { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) });
  const endpoint = await queueArn(sqs, queueUrl);
  const unsubscribes: Array<() => Promise<void>> = [];
  for (const topicArn of Object.values(options.topics)) {
    unsubscribes.push(await subscribeQueue(sns, { topicArn, queueArn: endpoint, rawMessageDelivery: false, filterPolicy: subscriptionFilterPolicy({}) }));
  }

  let buffer: Buffered[] = [];
  let oldestAt = 0;
  let writing = false;
  let running = true;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, ms);
    });

  async function receive(waitTimeSeconds: number): Promise<void> {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitTimeSeconds }),
    );
    for (const message of Messages ?? []) {
      const body = message.Body ?? '';
      let notification: ArchivedNotification | undefined;
      let partition: ArchivePartition | undefined;
      try {
        notification = parseNotification(body);
        partition = partitionOf(notification);
      } catch {
        // Not a notification, or one without a route: written under the errors prefix, as Firehose does.
      }
      if (buffer.length === 0) oldestAt = Date.now();
      buffer.push({ line: notification ? archiveLine(notification) : `${body}\n`, receiptHandle: message.ReceiptHandle!, partition });
    }
  }

  /** Writes one object per partition, then deletes the notifications it holds. */
  async function flush(): Promise<void> {
    if (buffer.length === 0) return;
    writing = true;
    const batch = buffer;
    buffer = [];
    try {
      const writtenAt = new Date().toISOString();
      const groups = new Map<string, { objectKey: string; items: Buffered[] }>();
      for (const item of batch) {
        const groupKey = item.partition ? `${item.partition.route}/${item.partition.day}/${item.partition.hour}` : 'errors';
        let group = groups.get(groupKey);
        if (!group) {
          const objectKey = item.partition
            ? archiveObjectKey(item.partition, streamName, writtenAt, randomUUID())
            : archiveErrorObjectKey(PROCESSING_FAILED_ERROR_TYPE, streamName, writtenAt, randomUUID());
          groups.set(groupKey, (group = { objectKey, items: [] }));
        }
        group.items.push(item);
      }
      for (const { objectKey, items } of groups.values()) {
        try {
          const body = encodeArchiveObject(items.map((item) => item.line));
          await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: objectKey, Body: body, ContentType: 'application/json' }));
          if (options.dataDirectory) await keepObject(options.dataDirectory, objectKey, body);
          for (let start = 0; start < items.length; start += 10) {
            await sqs.send(
              new DeleteMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: items.slice(start, start + 10).map((item, index) => ({ Id: String(index), ReceiptHandle: item.receiptHandle })),
              }),
            );
          }
        } catch (error) {
          // Left in the queue and archived when received again: in a second, not after the visibility timeout.
          options.onError?.(error);
          await retrySoon(sqs, queueUrl, items).catch(() => undefined);
        }
      }
    } finally {
      writing = false;
    }
  }

  const loop = (async () => {
    while (running) {
      try {
        await receive(buffer.length === 0 ? 1 : 0);
        const age = Date.now() - oldestAt;
        if (buffer.length > 0 && age >= bufferIntervalMs) await flush();
        else if (buffer.length > 0) await sleep(Math.min(bufferIntervalMs - age, 100));
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await sleep(500);
      }
    }
    // Stopping: what was published before the stop is still archived — the queue is read to its end
    // and the buffer written — so `npm start -- --data` keeps every event through a Ctrl-C.
    try {
      for (let before = -1; buffer.length !== before; ) {
        before = buffer.length;
        await receive(0);
      }
      await flush();
    } catch (error) {
      options.onError?.(error);
    }
  })();

  return {
    bucketName,
    queueUrl,
    streamName,
    restored,
    get busy() {
      return writing || buffer.length > 0;
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      await Promise.allSettled(unsubscribes.map((unsubscribe) => unsubscribe()));
    },
  };
}

/** Makes notifications whose write failed visible again after a second (best effort: else after the visibility timeout). */
async function retrySoon(sqs: SQSClient, queueUrl: string, items: readonly Buffered[]): Promise<void> {
  for (let start = 0; start < items.length; start += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: items.slice(start, start + 10).map((item, index) => ({ Id: String(index), ReceiptHandle: item.receiptHandle, VisibilityTimeout: RETRY_AFTER_SECONDS })),
      }),
    );
  }
}

async function keepObject(directory: string, key: string, body: Buffer): Promise<void> {
  const file = path.join(directory, ...key.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, body);
}

/** Puts every object kept in `directory` back into the bucket, under its key; returns how many. */
async function restoreObjects(s3: S3Client, bucketName: string, directory: string): Promise<number> {
  const files = await readdir(directory, { recursive: true, withFileTypes: true }).catch((error: { code?: string }) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  let restored = 0;
  for (const entry of files) {
    if (!entry.isFile() || !entry.name.endsWith(ARCHIVE_FILE_EXTENSION)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const key = path.relative(directory, file).split(path.sep).join('/');
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: key, Body: await readFile(file), ContentType: 'application/json' }));
    restored += 1;
  }
  return restored;
}
