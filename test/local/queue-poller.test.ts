import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import { createQueue, queueArn } from '../../local/local-resources';
import { startQueuePoller, type HandledBatch } from '../../local/queue-poller';
import { waitFor } from '../helpers/wait';

const { sqs } = createAwsClients();

/** Messages left in the queue: visible, and in flight (received, not deleted, hidden until the visibility timeout). */
async function remaining(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes['ApproximateNumberOfMessages']), inFlight: Number(Attributes['ApproximateNumberOfMessagesNotVisible']) };
}

describe('Function: startQueuePoller', () => {
  describe('Option: onBatch', () => {
    it.each<{ case: string; handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>; failed: string[]; left: number }>([
      {
        case: 'the records the handler reports as failed',
        handler: async (event) => ({ batchItemFailures: event.Records.filter((record) => record.body === 'b').map((record) => ({ itemIdentifier: record.messageId })) }),
        failed: ['b'],
        left: 1,
      },
      {
        case: 'every record when the handler throws',
        handler: async () => {
          throw new Error('handler failed');
        },
        failed: ['a', 'b', 'c'],
        left: 3,
      },
    ])('tells each handled record and, as failed, $case; the failed ones stay in the queue', async ({ handler, failed, left }) => {
      // Prepare: failed records stay hidden for the test's duration instead of coming back.
      const queueUrl = await createQueue(sqs, `poller-${randomUUID().slice(0, 8)}`, { VisibilityTimeout: '60' });
      const batches: HandledBatch[] = [];
      const poller = startQueuePoller({ sqs, queueUrl, queueArn: await queueArn(sqs, queueUrl), handler, functionName: 'poller-test', onBatch: (batch) => batches.push(batch) });
      try {
        // Act
        await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: ['a', 'b', 'c'].map((body) => ({ Id: body, MessageBody: body })) }));
        await waitFor('three records handled', () => (batches.flatMap((batch) => batch.records).length >= 3 ? true : undefined));
        const depth = await waitFor('the handled records deleted', async () => {
          const queue = await remaining(queueUrl);
          return queue.inFlight === left ? queue : undefined;
        });

        // Assess
        const bodies = (select: (batch: HandledBatch, messageId: string) => boolean) =>
          batches.flatMap((batch) => batch.records.filter((record) => select(batch, record.messageId)).map((record) => record.body)).sort();
        expect(bodies(() => true)).toEqual(['a', 'b', 'c']);
        expect(bodies((batch, messageId) => batch.failedIds.has(messageId))).toEqual(failed);
        expect(batches.map((batch) => batch.ms)).toEqual(batches.map(() => expect.any(Number)));
        expect(depth).toEqual({ visible: 0, inFlight: left });
      } finally {
        await poller.stop();
      }
    });

    it('deletes the handled records even when the observer throws, and tells onError', async () => {
      // Prepare
      const queueUrl = await createQueue(sqs, `poller-${randomUUID().slice(0, 8)}`, { VisibilityTimeout: '60' });
      const errors: unknown[] = [];
      const poller = startQueuePoller({
        sqs,
        queueUrl,
        queueArn: await queueArn(sqs, queueUrl),
        handler: async () => undefined,
        functionName: 'poller-test',
        onBatch: () => {
          throw new Error('observer failed');
        },
        onError: (error) => errors.push(error),
      });
      try {
        // Act
        await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'a', MessageBody: 'a' }] }));
        await waitFor('the observer to fail', () => (errors.length > 0 ? true : undefined));
        const depth = await waitFor('the record deleted', async () => {
          const queue = await remaining(queueUrl);
          return queue.visible + queue.inFlight === 0 ? queue : undefined;
        });

        // Assess
        expect(depth).toEqual({ visible: 0, inFlight: 0 });
        expect(errors).toEqual([new Error('observer failed')]);
      } finally {
        await poller.stop();
      }
    });
  });
});
