import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Envelope } from '../core/envelope';
import { stringifyForWire } from '../core/wire-json';

/**
 * Publishes an envelope with the attributes subscribers filter on: `provider` and `eventType`.
 * SNS message attributes cannot be empty strings; the envelope schema guarantees non-empty values.
 */
export async function publishEnvelope(sns: SNSClient, topicArn: string, envelope: Envelope): Promise<string | undefined> {
  const { MessageId } = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: stringifyForWire(envelope),
      MessageAttributes: {
        provider: { DataType: 'String', StringValue: envelope.provider },
        eventType: { DataType: 'String', StringValue: envelope.type },
      },
    }),
  );
  return MessageId;
}
