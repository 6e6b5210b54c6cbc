import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { MAX_PUBLISHED_MESSAGE_BYTES, messageBytes } from '../core/envelope';

/**
 * An envelope as it travels: its exact JSON text and the attributes subscribers filter on
 * (`provider`, `eventType`). The verifier sends it to the provider's queue, the processor publishes
 * the same text to the provider's topic: nothing re-serialises it on the way.
 */
export interface EnvelopeMessage {
  readonly text: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** SQS and SNS take message attributes in the same shape; values are never empty (the core checks). */
function messageAttributes(attributes: Readonly<Record<string, string>>) {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));
}

/**
 * The queue message's own attribute naming the event's item in the event ledger (its route and
 * deduplication key, hashed): the processor records the event under the key the verifier accepted
 * it under. Not published: subscribers receive only the envelope's attributes.
 */
export const LEDGER_KEY_ATTRIBUTE = 'ledgerKey';

/** Sends an accepted event to its provider's queue. Failures propagate: the caller releases the record. */
export async function sendEnvelope(sqs: SQSClient, queueUrl: string, message: EnvelopeMessage, ledgerKey: string): Promise<string | undefined> {
  const { MessageId } = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: message.text,
      MessageAttributes: messageAttributes({ ...message.attributes, [LEDGER_KEY_ATTRIBUTE]: ledgerKey }),
    }),
  );
  return MessageId;
}

/**
 * Largest PublishBatch: ten entries whose messages, bodies and attributes counted as for one Publish,
 * add up to at most what one Publish takes (256 KiB on a topic with the default MaximumMessageSize).
 * See https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html
 */
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = MAX_PUBLISHED_MESSAGE_BYTES;

/**
 * Publishes envelopes with as few PublishBatch requests as SNS allows (ten entries, 256 KiB each
 * request), the requests in parallel. Returns the index of each message that was not published,
 * with the reason (an error name or SNS's code, never message content).
 */
export async function publishEnvelopes(sns: SNSClient, topicArn: string, messages: readonly EnvelopeMessage[]): Promise<{ failed: Map<number, string> }> {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  messages.forEach((message, index) => {
    const size = messageBytes(message.text, message.attributes);
    if (current.length === MAX_BATCH_ENTRIES || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);

  const failed = new Map<number, string>();
  await Promise.all(
    batches.map(async (indexes) => {
      try {
        const { Failed } = await sns.send(
          new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: indexes.map((index) => ({
              Id: String(index),
              Message: messages[index]!.text,
              MessageAttributes: messageAttributes(messages[index]!.attributes),
            })),
          }),
        );
        for (const entry of Failed ?? []) failed.set(Number(entry.Id), entry.Code ?? 'PublishBatchEntryFailed');
      } catch (error) {
        for (const index of indexes) failed.set(index, error instanceof Error ? error.name : 'PublishBatchFailed');
      }
    }),
  );
  return { failed };
}
