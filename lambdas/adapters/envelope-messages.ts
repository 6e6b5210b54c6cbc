import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

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

/** Sends an accepted event to its provider's queue. Failures propagate: the caller releases the record. */
export async function sendEnvelope(sqs: SQSClient, queueUrl: string, message: EnvelopeMessage): Promise<string | undefined> {
  const { MessageId } = await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: message.text, MessageAttributes: messageAttributes(message.attributes) }),
  );
  return MessageId;
}

/** Publishes an envelope to its provider's topic. */
export async function publishEnvelope(sns: SNSClient, topicArn: string, message: EnvelopeMessage): Promise<string | undefined> {
  const { MessageId } = await sns.send(
    new PublishCommand({ TopicArn: topicArn, Message: message.text, MessageAttributes: messageAttributes(message.attributes) }),
  );
  return MessageId;
}
