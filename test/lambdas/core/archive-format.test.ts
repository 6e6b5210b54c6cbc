import { gunzipSync } from 'node:zlib';
import {
  archiveErrorObjectKey,
  archiveLine,
  archiveObjectKey,
  decodeArchiveObject,
  encodeArchiveObject,
  notificationAttributes,
  parseArchiveLine,
  parseArchiveText,
  parseNotification,
  partitionOf,
  partitionPrefix,
  partitionsBetween,
  ArchiveFormatError,
  PROCESSING_FAILED_ERROR_TYPE,
  type ArchivedNotification,
} from '../../../lambdas/core/archive-format';
import { envelopeText } from '../../../lambdas/core/envelope';

/** A Stripe body as Stripe sends it: pretty-printed, with a number JavaScript would round. */
const PRETTY_PAYLOAD = '{\n  "id": "evt_1",\n  "object": "event",\n  "amount": 820982911946154508,\n  "note": "caf\\u00e9 ☕"\n}';

function notification(overrides: Partial<ArchivedNotification> = {}, envelope = envelopeText(
  { id: 'evt_1', provider: 'stripe', source: 'stripe-eu', type: 'invoice.paid', receivedAt: '2026-11-29T03:59:59.900Z' },
  { json: PRETTY_PAYLOAD },
)): ArchivedNotification {
  return {
    Type: 'Notification',
    MessageId: 'b7c1f0d2-0000-4000-8000-000000000001',
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:hookrelay-dev-stripe',
    Message: envelope,
    Timestamp: '2026-11-29T04:00:00.120Z',
    UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
    MessageAttributes: {
      provider: { Type: 'String', Value: 'stripe' },
      source: { Type: 'String', Value: 'stripe-eu' },
      eventType: { Type: 'String', Value: 'invoice.paid' },
    },
    ...overrides,
  };
}

describe('Module: archive-format', () => {
  describe('Function: archiveLine', () => {
    it('writes one line per notification, in SNS order, even when the payload is pretty-printed', () => {
      // Act
      const line = archiveLine(notification());

      // Assess
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(Object.keys(JSON.parse(line))).toEqual(['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'UnsubscribeURL', 'MessageAttributes']);
    });

    it('leaves out an absent Subject, as SNS does', () => {
      expect(JSON.parse(archiveLine({ ...notification(), Subject: null as unknown as string }))).not.toHaveProperty('Subject');
    });
  });

  describe('Function: parseArchiveLine', () => {
    it('returns the envelope exactly as published, byte for byte: digits, escapes and whitespace kept', () => {
      // Prepare
      const published = notification();

      // Act
      const event = parseArchiveLine(archiveLine(published));

      // Assess
      expect(event.text).toBe(published.Message);
      expect(event.text).toContain('820982911946154508');
      expect(event.text).toContain('"note": "caf\\u00e9 ☕"');
      expect(event).toEqual(
        expect.objectContaining({
          id: 'evt_1',
          provider: 'stripe',
          source: 'stripe-eu',
          type: 'invoice.paid',
          receivedAt: '2026-11-29T03:59:59.900Z',
          publishedAt: '2026-11-29T04:00:00.120Z',
          attributes: { provider: 'stripe', source: 'stripe-eu', eventType: 'invoice.paid' },
        }),
      );
      expect(event).not.toHaveProperty('payloadLocation');
    });

    it('reads the payload location of a claim-checked envelope', () => {
      const envelope = envelopeText(
        { id: 'evt_2', provider: 'github', source: 'github', type: 'push', receivedAt: '2026-11-29T04:00:00.000Z' },
        { location: 's3://payloads/github/ab.json' },
      );
      expect(parseArchiveLine(archiveLine(notification({}, envelope)))).toEqual(expect.objectContaining({ id: 'evt_2', payloadLocation: 's3://payloads/github/ab.json' }));
    });

    it('takes the provider as the source of an envelope published before routes had names', () => {
      const envelope = '{"id":"evt_3","provider":"stripe","type":"charge.succeeded","receivedAt":"2026-11-29T04:00:00.000Z","payload":{}}';
      expect(parseArchiveLine(archiveLine(notification({}, envelope))).source).toBe('stripe');
    });

    it.each([
      { case: 'not JSON', line: '{"Type":', reason: /not JSON/ },
      { case: 'not a notification', line: '{"Type":"SubscriptionConfirmation","MessageId":"m","Message":"x","Timestamp":"t"}', reason: /not an SNS notification/ },
      { case: 'a message that is not JSON', line: archiveLine(notification({}, 'hello')), reason: /message is not JSON/ },
      { case: 'a message that is not an envelope', line: archiveLine(notification({}, '{"id":"x"}')), reason: /not a hookrelay envelope/ },
    ])('refuses $case with an ArchiveFormatError', ({ line, reason }) => {
      expect(() => parseArchiveLine(line)).toThrow(ArchiveFormatError);
      expect(() => parseArchiveLine(line)).toThrow(reason);
    });
  });

  describe('Function: parseArchiveText', () => {
    it('reads every line of an object, skips blank lines and reports unreadable ones by line number', () => {
      // Prepare
      const text = archiveLine(notification()) + '\n' + 'garbage\n' + archiveLine(notification({ MessageId: 'second' }));

      // Act
      const { events, unreadable } = parseArchiveText(text);

      // Assess
      expect(events.map(({ line, event }) => [line, event.messageId])).toEqual([
        [0, 'b7c1f0d2-0000-4000-8000-000000000001'],
        [3, 'second'],
      ]);
      expect(unreadable).toEqual([{ line: 2, reason: 'The line is not JSON' }]);
    });
  });

  describe('Function: partitionOf', () => {
    it.each<{ case: string; attributes: Record<string, { Type: string; Value: string }>; route: string }>([
      { case: 'the source attribute', attributes: { source: { Type: 'String', Value: 'stripe-eu' }, provider: { Type: 'String', Value: 'stripe' } }, route: 'stripe-eu' },
      { case: 'the provider when there is no source', attributes: { provider: { Type: 'String', Value: 'stripe' } }, route: 'stripe' },
    ])('files a notification under $case and its UTC publish hour', ({ attributes, route }) => {
      expect(partitionOf(notification({ MessageAttributes: attributes }))).toEqual({ route, day: '2026-11-29', hour: '04' });
    });

    it('refuses a notification with neither attribute', () => {
      expect(() => partitionOf(notification({ MessageAttributes: {} }))).toThrow(ArchiveFormatError);
    });
  });

  describe('Function: partitionsBetween', () => {
    it.each([
      { case: 'within one hour', since: '2026-11-29T03:10:00Z', until: '2026-11-29T03:50:00Z', hours: ['2026-11-29/03'] },
      { case: 'across midnight', since: '2026-11-29T22:59:59Z', until: '2026-11-30T01:00:00Z', hours: ['2026-11-29/22', '2026-11-29/23', '2026-11-30/00', '2026-11-30/01'] },
      { case: 'an empty range', since: '2026-11-29T03:00:00Z', until: '2026-11-29T02:00:00Z', hours: [] },
    ])('lists each hour that can hold events published $case', ({ since, until, hours }) => {
      const partitions = partitionsBetween('stripe', Date.parse(since), Date.parse(until));
      expect(partitions.map((partition) => `${partition.day}/${partition.hour}`)).toEqual(hours);
      expect(partitions.every((partition) => partition.route === 'stripe')).toBe(true);
    });
  });

  describe('Function: archiveObjectKey', () => {
    it("names an object as Firehose does, under its partition's prefix", () => {
      const partition = { route: 'stripe', day: '2026-11-29', hour: '04' };
      expect(archiveObjectKey(partition, 'hookrelay-archive', '2026-11-29T04:05:06.789Z', 'abc')).toBe(
        'events/route=stripe/day=2026-11-29/hour=04/hookrelay-archive-1-2026-11-29-04-05-06-abc.json.gz',
      );
      expect(archiveObjectKey(partition, 's', '2026-11-29T04:05:06.789Z', 'x').startsWith(partitionPrefix(partition))).toBe(true);
    });
  });

  describe('Function: archiveErrorObjectKey', () => {
    it("names an object of unprocessable records under Firehose's errors prefix, by error type and UTC day", () => {
      expect(archiveErrorObjectKey(PROCESSING_FAILED_ERROR_TYPE, 'hookrelay-archive', '2026-11-29T04:05:06.789Z', 'abc')).toBe(
        'errors/processing-failed/2026-11-29/hookrelay-archive-1-2026-11-29-04-05-06-abc.json.gz',
      );
    });
  });

  describe('Functions: encodeArchiveObject, decodeArchiveObject', () => {
    it('writes GZIP of the lines as they are, and reads it back to the same text', () => {
      // Prepare
      const lines = [archiveLine(notification()), archiveLine(notification({ MessageId: 'second' }))];

      // Act
      const body = encodeArchiveObject(lines);

      // Assess
      expect(gunzipSync(body).toString('utf8')).toBe(lines.join(''));
      expect(decodeArchiveObject(body)).toBe(lines.join(''));
    });

    it('reads an uncompressed object as UTF-8', () => {
      const text = archiveLine(notification());
      expect(decodeArchiveObject(Buffer.from(text, 'utf8'))).toBe(text);
    });
  });

  describe('Function: parseNotification', () => {
    it("returns SNS's notification as an SQS subscription without raw delivery receives it", () => {
      const body = JSON.stringify({ ...notification(), SignatureVersion: '1', Signature: 'c2ln' });
      expect(parseNotification(body)).toEqual(expect.objectContaining({ Type: 'Notification', Message: notification().Message, Timestamp: '2026-11-29T04:00:00.120Z' }));
    });

    it.each([
      { case: 'not JSON', text: 'hello', reason: 'The line is not JSON' },
      { case: 'a raw-delivered envelope', text: notification().Message, reason: 'The line is not an SNS notification' },
      { case: 'a notification without a publish time', text: JSON.stringify({ ...notification(), Timestamp: undefined }), reason: 'The line is not an SNS notification' },
    ])('refuses $case with an ArchiveFormatError', ({ text, reason }) => {
      expect(() => parseNotification(text)).toThrow(new ArchiveFormatError(reason));
    });
  });

  describe('Function: notificationAttributes', () => {
    it.each([
      { case: 'each attribute by its value', attributes: notification().MessageAttributes, values: { provider: 'stripe', source: 'stripe-eu', eventType: 'invoice.paid' } },
      { case: 'none when SNS wrote none', attributes: undefined, values: {} },
    ])('$case', ({ attributes, values }) => {
      expect(notificationAttributes({ MessageAttributes: attributes })).toEqual(values);
    });
  });
});
