import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { randomUUID } from 'node:crypto';
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import { decodeArchiveObject, parseArchiveText } from '../../lambdas/core/archive-format';
import { envelopeAttributes, envelopeText } from '../../lambdas/core/envelope';
import { startLocalArchive, type LocalArchive } from '../../local/local-archive';
import { FaultPlan, faultyClients } from '../helpers/fault-injection';
import { waitFor } from '../helpers/wait';

const admin = createAwsClients();

async function archivedIds(archive: LocalArchive): Promise<string[]> {
  const { Contents = [] } = await admin.s3.send(new ListObjectsV2Command({ Bucket: archive.bucketName, Prefix: 'events/' }));
  const ids: string[] = [];
  for (const object of Contents) {
    const { Body } = await admin.s3.send(new GetObjectCommand({ Bucket: archive.bucketName, Key: object.Key! }));
    ids.push(...parseArchiveText(decodeArchiveObject(await Body!.transformToByteArray())).events.map(({ event }) => event.id));
  }
  return ids.sort();
}

/** Publishes an envelope as the processor does: its text and attributes. */
async function publish(topicArn: string, id: string, extraAttributes: Record<string, string> = {}): Promise<void> {
  const header = { id, provider: 'stripe', source: 'stripe', type: 'invoice.paid', receivedAt: new Date().toISOString() };
  const attributes = { ...envelopeAttributes(header), ...extraAttributes };
  await admin.sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: envelopeText(header, { json: `{"id":"${id}"}` }),
      MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
    }),
  );
}

describe('Function: startLocalArchive', () => {
  it('keeps a notification whose write failed in the queue and archives it on the next try, once', async () => {
    // Prepare: the first PutObject to S3 fails.
    const prefix = `a${randomUUID().slice(0, 8)}`;
    const { TopicArn } = await admin.sns.send(new CreateTopicCommand({ Name: `${prefix}-stripe` }));
    const plan = new FaultPlan().add({ service: 'S3', command: 'PutObject', times: 1 });
    const errors: unknown[] = [];
    const archive = await startLocalArchive({ clients: faultyClients(plan), prefix, topics: { stripe: TopicArn! }, bufferIntervalMs: 20, onError: (error) => errors.push(error) });
    try {
      // Act
      await publish(TopicArn!, 'evt_1');
      await publish(TopicArn!, 'evt_2');
      const ids = await waitFor('both events archived', async () => {
        const archived = await archivedIds(archive);
        return archived.length >= 2 && !archive.busy ? archived : undefined;
      });

      // Assess
      expect(ids).toEqual(['evt_1', 'evt_2']);
      expect(plan.calls('S3', 'PutObject')).toBeGreaterThanOrEqual(2);
      expect(errors).toEqual([expect.objectContaining({ message: 'Injected fault: S3.PutObject (before)' })]);
    } finally {
      await archive.stop();
    }
  });

  it('never archives a replay: its subscription filters the replay attribute out, as the deployed one does', async () => {
    // Prepare
    const prefix = `a${randomUUID().slice(0, 8)}`;
    const { TopicArn } = await admin.sns.send(new CreateTopicCommand({ Name: `${prefix}-stripe` }));
    const archive = await startLocalArchive({ clients: admin, prefix, topics: { stripe: TopicArn! }, bufferIntervalMs: 20 });
    try {
      // Act
      await publish(TopicArn!, 'evt_replayed', { replay: 'rpl_0123456789abcdef' });
      await publish(TopicArn!, 'evt_new');
      const ids = await waitFor('the new event archived', async () => {
        const archived = await archivedIds(archive);
        return archived.includes('evt_new') && !archive.busy ? archived : undefined;
      });

      // Assess: published before the new one, the replay would have been archived by now.
      expect(ids).toEqual(['evt_new']);
    } finally {
      await archive.stop();
    }
  });
});
