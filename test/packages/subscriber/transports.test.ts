import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSubscriber, subscriptionFilterPolicy, type HookrelayEvent } from '@hookrelay/subscriber';
import { randomUUID } from 'node:crypto';
import { startQueuePoller, type QueuePoller } from '../../../local/queue-poller';
import { envelopeOf } from '../../helpers/subscriber-events';
import { waitFor } from '../../helpers/wait';

/**
 * The kit against SNS and SQS as the stand-ins deliver them (fauxqs, over the SDK's wire protocol):
 * one topic, one queue subscribed with raw message delivery and one without, each polled the way
 * Lambda's event source mapping does, with the same subscriber handler.
 */
describe('Subscriber on real SNS → SQS deliveries', () => {
  const sns = new SNSClient({});
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const pollers: QueuePoller[] = [];
  afterAll(async () => {
    await Promise.all(pollers.map((poller) => poller.stop()));
  });

  async function subscribedQueue(topicArn: string, name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes!['QueueArn'], Attributes: attributes }));
    return { url: QueueUrl!, arn: Attributes!['QueueArn']! };
  }

  it('raw and wrapped queues both reach the handler, with the filter policy keeping replays and other types out', async () => {
    // Prepare
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${prefix}-stripe` }));
    const filterPolicy = JSON.stringify(subscriptionFilterPolicy({ eventTypes: ['invoice.*'] }));
    const raw = await subscribedQueue(TopicArn!, `${prefix}-raw`, { RawMessageDelivery: 'true', FilterPolicy: filterPolicy });
    const wrapped = await subscribedQueue(TopicArn!, `${prefix}-wrapped`, { FilterPolicy: filterPolicy });
    const seen: Array<{ queue: string; id: string; source: string; payload: unknown }> = [];
    for (const [name, queue] of [['raw', raw], ['wrapped', wrapped]] as const) {
      // Every type, replays included: whatever the filter policy lets through is seen.
      const subscriber = createSubscriber({ includeReplays: true }).on('stripe', '*', (event: HookrelayEvent) => {
        seen.push({ queue: name, id: event.id, source: event.source, payload: event.payload });
      });
      pollers.push(startQueuePoller({ sqs, queueUrl: queue.url, queueArn: queue.arn, handler: subscriber.handler, functionName: name }));
    }
    const wanted = envelopeOf({ type: 'invoice.paid' });
    const publish = (envelope: ReturnType<typeof envelopeOf>, extra: Record<string, string> = {}) =>
      sns.send(
        new PublishCommand({
          TopicArn,
          Message: JSON.stringify(envelope),
          MessageAttributes: Object.fromEntries(
            Object.entries({ provider: envelope.provider, eventType: envelope.type, source: 'stripe-eu', ...extra }).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
      );

    // Act
    await publish(envelopeOf({ type: 'charge.succeeded' }));
    await publish(envelopeOf({ type: 'invoice.paid' }), { replay: 'true' });
    await publish(wanted);
    await waitFor('both subscribers to receive the wanted event', () => (seen.length >= 2 ? true : undefined));
    const depths = await Promise.all(
      [raw, wrapped].map(async (queue) => {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        );
        return Number(Attributes['ApproximateNumberOfMessages']) + Number(Attributes['ApproximateNumberOfMessagesNotVisible']);
      }),
    );

    // Assess: both queues empty, so everything delivered was handled: only the wanted event, with
    // the source its attribute names.
    expect(seen.sort((a, b) => a.queue.localeCompare(b.queue))).toEqual([
      { queue: 'raw', id: wanted.id, source: 'stripe-eu', payload: wanted.payload },
      { queue: 'wrapped', id: wanted.id, source: 'stripe-eu', payload: wanted.payload },
    ]);
    expect(depths).toEqual([0, 0]);
  });
});
