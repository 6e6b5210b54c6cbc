import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Envelope } from '../core/envelope';
import { stringifyForWire } from '../core/wire-json';

/** Sends an accepted event to its provider's queue. Failures propagate: the caller releases the record. */
export async function enqueueEnvelope(sqs: SQSClient, queueUrl: string, envelope: Envelope): Promise<string | undefined> {
  const { MessageId } = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: stringifyForWire(envelope),
      MessageAttributes: {
        provider: { DataType: 'String', StringValue: envelope.provider },
        eventType: { DataType: 'String', StringValue: envelope.type },
      },
    }),
  );
  return MessageId;
}
