import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { createAwsClients } from '../../../lambdas/adapters/aws-clients';
import { archiveLine, archiveObjectKey, encodeArchiveObject, parseArchiveLine, type ArchivedNotification } from '../../../lambdas/core/archive-format';
import { envelopeText } from '../../../lambdas/core/envelope';
import { InvalidPatternError } from '../../../packages/subscriber/src/errors';
import { readSelected, scanArchive, selectionFilter, type ArchiveSelection } from '../../../tools/lib/archive-reader';

const s3 = createAwsClients().s3;

function line(id: string, type: string, publishedAt: string, source = 'stripe'): string {
  const notification: ArchivedNotification = {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: 'arn:aws:sns:us-east-1:000000000000:hookrelay-stripe',
    // Pretty-printed, as Stripe signs it.
    Message: envelopeText({ id, provider: 'stripe', source, type, receivedAt: publishedAt }, { json: `{\n  "id": "${id}",\n  "n": 1.50\n}` }),
    Timestamp: publishedAt,
    MessageAttributes: { provider: { Type: 'String', Value: 'stripe' }, source: { Type: 'String', Value: source }, eventType: { Type: 'String', Value: type } },
  };
  return archiveLine(notification);
}

const hour = (h: string) => ({ route: 'stripe', day: '2026-11-29', hour: h });

describe('Module: tools/lib/archive-reader', () => {
  const bucket = `archive-${randomUUID().slice(0, 8)}`;
  const selection: ArchiveSelection = {
    route: 'stripe',
    sinceMs: Date.parse('2026-11-29T10:00:00Z'),
    untilMs: Date.parse('2026-11-29T12:00:00Z'),
    types: ['invoice.*'],
  };
  // Named so that sorting by name puts the later object first: the reader must order by content.
  const later = archiveObjectKey(hour('10'), 'stream', '2026-11-29T10:30:00Z', '0000');
  const earlier = archiveObjectKey(hour('10'), 'stream', '2026-11-29T10:30:00Z', 'ffff');
  const nextHour = archiveObjectKey(hour('11'), 'stream', '2026-11-29T11:59:00Z', 'aaaa');
  // A second copy of evt_1 (delivery to the archive is at least once), written later.
  const copy = archiveObjectKey(hour('10'), 'stream', '2026-11-29T10:35:00Z', 'bbbb');

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = (Key: string, Body: Buffer | string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
    await put(earlier, encodeArchiveObject([line('evt_1', 'invoice.paid', '2026-11-29T10:05:00.000Z'), 'not json\n', line('evt_2', 'charge.succeeded', '2026-11-29T10:10:00.000Z')]));
    await put(later, encodeArchiveObject([line('evt_3', 'invoice.paid', '2026-11-29T10:20:00.000Z')]));
    await put(copy, encodeArchiveObject([line('evt_1', 'invoice.paid', '2026-11-29T10:05:00.000Z')]));
    // Uncompressed objects are read too; the last event lies on the window's (excluded) end.
    await put(nextHour, line('evt_4', 'invoice.finalized', '2026-11-29T11:59:59.999Z') + line('evt_5', 'invoice.paid', '2026-11-29T12:00:00.000Z'));
  });

  describe('Function: scanArchive', () => {
    it("selects the route's events of the window and types, in publish order, each once, and reports unreadable lines", async () => {
      // Act
      const scan = await scanArchive(s3, bucket, selection);

      // Assess
      expect(scan.events.map((event) => event.id)).toEqual(['evt_1', 'evt_3', 'evt_4']);
      expect(scan.objectKeys).toEqual([earlier, copy, later, nextHour]);
      expect({ partitions: scan.partitions, records: scan.records, duplicates: scan.duplicates }).toEqual({ partitions: 2, records: 7, duplicates: 1 });
      expect(scan.unreadable).toEqual([{ objectKey: earlier, line: 1, reason: 'The line is not JSON' }]);
      expect(scan.events[0]).toEqual(expect.objectContaining({ key: 'stripe#evt_1', objectKey: earlier, line: 0, type: 'invoice.paid' }));
      expect(scan.events[0]).not.toHaveProperty('text');
    });

    it('selects by id', async () => {
      const scan = await scanArchive(s3, bucket, { ...selection, types: [], ids: ['evt_2', 'evt_4'] });
      expect(scan.events.map((event) => event.id)).toEqual(['evt_2', 'evt_4']);
    });
  });

  describe('Function: readSelected', () => {
    it('yields each selected envelope exactly as archived, one object at a time', async () => {
      // Prepare
      const scan = await scanArchive(s3, bucket, selection);

      // Act
      const read: { id: string; text: string }[] = [];
      for await (const { event, text } of readSelected(s3, bucket, scan.events)) read.push({ id: event.id, text });

      // Assess
      expect(read.map((entry) => entry.id)).toEqual(['evt_1', 'evt_3', 'evt_4']);
      expect(read[0]!.text).toBe(parseArchiveLine(line('evt_1', 'invoice.paid', '2026-11-29T10:05:00.000Z')).text);
      expect(read[0]!.text).toContain('{\n  "id": "evt_1",\n  "n": 1.50\n}');
    });

    it('fails rather than send another event when an object no longer holds the planned one', async () => {
      // Prepare
      const scan = await scanArchive(s3, bucket, selection);
      const wrongLine = [{ ...scan.events[0]!, line: 2 }]; // evt_2's line

      // Act & Assess
      await expect(async () => {
        for await (const _ of readSelected(s3, bucket, wrongLine)) void _;
      }).rejects.toThrow(/line 2 is no longer stripe#evt_1/);
    });
  });

  describe('Function: selectionFilter', () => {
    it.each([
      { case: 'at the window start', publishedAt: '2026-11-29T10:00:00.000Z', source: 'stripe', type: 'invoice.paid', matches: true },
      { case: 'at the window end', publishedAt: '2026-11-29T12:00:00.000Z', source: 'stripe', type: 'invoice.paid', matches: false },
      { case: 'from another route', publishedAt: '2026-11-29T11:00:00.000Z', source: 'stripe-eu', type: 'invoice.paid', matches: false },
      { case: 'of a type no pattern matches', publishedAt: '2026-11-29T11:00:00.000Z', source: 'stripe', type: 'invoiceitem.created', matches: false },
    ])('an event $case: $matches', ({ publishedAt, source, type, matches }) => {
      expect(selectionFilter(selection)(parseArchiveLine(line('evt_x', type, publishedAt, source)))).toBe(matches);
    });

    it('refuses an empty type pattern before reading anything', () => {
      expect(() => selectionFilter({ ...selection, types: [''] })).toThrow(InvalidPatternError);
    });
  });
});
