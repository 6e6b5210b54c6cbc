import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { createSubscriber, InvalidEnvelopeError, PayloadUnavailableError, UnsupportedEventError, type HookrelayEvent } from '@hookrelay/subscriber';
import { randomUUID } from 'node:crypto';
import { waitFor } from '../../helpers/wait';
import {
  envelopeOf,
  messageOf,
  recordingLogger,
  snsEvent,
  sqsRawEvent,
  sqsWrappedEvent,
  testContext,
  transports,
} from '../../helpers/subscriber-events';

type Seen = Pick<HookrelayEvent, 'id' | 'provider' | 'source' | 'type' | 'replay' | 'payload' | 'payloadLocation'>;
const seenOf = (event: HookrelayEvent): Seen => ({
  id: event.id,
  provider: event.provider,
  source: event.source,
  type: event.type,
  replay: event.replay,
  payload: event.payload,
  payloadLocation: event.payloadLocation,
});

describe('Function: createSubscriber', () => {
  describe('Method: handler', () => {
    it.each(transports)('$case: dispatches to the handler of the provider and type, source defaulting to the provider', async ({ build, allSucceeded }) => {
      // Prepare
      const seen: Seen[] = [];
      const subscriber = createSubscriber({ logger: recordingLogger() }).on('stripe', 'invoice.paid', (event) => {
        seen.push(seenOf(event));
      });
      const envelope = envelopeOf();

      // Act
      const response = await subscriber.handler(build([messageOf(envelope)]), testContext());

      // Assess
      expect(seen).toEqual([
        { id: envelope.id, provider: 'stripe', source: 'stripe', type: 'invoice.paid', replay: false, payload: envelope.payload, payloadLocation: undefined },
      ]);
      expect(response).toEqual(allSucceeded);
    });

    it.each([
      { case: 'the envelope field', envelope: { source: 'stripe-eu' }, attributes: { source: 'stripe-us' }, source: 'stripe-eu' },
      { case: 'the message attribute when the envelope has none', envelope: {}, attributes: { source: 'stripe-us' }, source: 'stripe-us' },
      { case: 'the provider when neither names one', envelope: {}, attributes: {}, source: 'stripe' },
    ] as Array<{ case: string; envelope: { source?: string }; attributes: Record<string, string>; source: string }>)('source is $case', async ({ envelope, attributes, source }) => {
      // Prepare
      const sources: string[] = [];
      const subscriber = createSubscriber().on('stripe', '*', (event) => {
        sources.push(event.source);
      });

      // Act
      await subscriber.handler(sqsRawEvent([messageOf(envelopeOf(envelope), { provider: 'stripe', eventType: 'invoice.paid', ...attributes })]), testContext());

      // Assess
      expect(sources).toEqual([source]);
    });

    it('runs every matching handler in registration order; globs match; other providers and types do not run', async () => {
      // Prepare
      const calls: string[] = [];
      const subscriber = createSubscriber()
        .on('stripe', 'invoice.*', () => void calls.push('invoice.*'))
        .on('github', '*', () => void calls.push('github *'))
        .on('stripe', 'charge.succeeded', () => void calls.push('charge.succeeded'))
        .on('stripe', '*', () => void calls.push('*'))
        .on('stripe', 'invoice.paid', () => void calls.push('invoice.paid'));

      // Act
      await subscriber.handler(sqsRawEvent([messageOf(envelopeOf({ type: 'invoice.paid' }))]), testContext());

      // Assess
      expect(calls).toEqual(['invoice.*', '*', 'invoice.paid']);
    });

    it('a handler limited to sources sees only their events', async () => {
      // Prepare
      const seen: string[] = [];
      const subscriber = createSubscriber().on('stripe', '*', (event) => void seen.push(event.source), { sources: ['stripe-eu'] });

      // Act
      await subscriber.handler(
        sqsRawEvent([messageOf(envelopeOf({ source: 'stripe-eu' })), messageOf(envelopeOf({ source: 'stripe-us' })), messageOf(envelopeOf())]),
        testContext(),
      );

      // Assess
      expect(seen).toEqual(['stripe-eu']);
    });

    it('acknowledges an event type without a handler and logs it once per type', async () => {
      // Prepare
      const logger = recordingLogger();
      const subscriber = createSubscriber({ logger }).on('stripe', 'invoice.paid', () => undefined);
      const unhandled = () => messageOf(envelopeOf({ type: 'customer.created' }));

      // Act
      const first = await subscriber.handler(sqsRawEvent([unhandled(), unhandled()]), testContext());
      const second = await subscriber.handler(sqsRawEvent([unhandled(), messageOf(envelopeOf({ type: 'charge.refunded' }))]), testContext());

      // Assess
      expect([first, second]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
      expect(logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.fields?.['eventType'])).toEqual(['customer.created', 'charge.refunded']);
    });

    it.each([
      { case: 'by default, a replay is acknowledged unhandled', includeReplays: undefined, handled: [] },
      { case: 'with includeReplays, it reaches the handler marked as a replay', includeReplays: true, handled: [true] },
    ])('$case', async ({ includeReplays, handled }) => {
      // Prepare
      const replays: boolean[] = [];
      const subscriber = createSubscriber({ logger: recordingLogger(), ...(includeReplays ? { includeReplays } : {}) }).on('stripe', '*', (event) => {
        replays.push(event.replay);
      });
      const envelope = envelopeOf();

      // Act
      const response = await subscriber.handler(
        sqsRawEvent([messageOf(envelope, { provider: 'stripe', eventType: envelope.type, replay: 'true' })]),
        testContext(),
      );

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(replays).toEqual(handled);
    });

    it('a failing handler fails only its own record: a partial batch response names it', async () => {
      // Prepare
      const logger = recordingLogger();
      const subscriber = createSubscriber({ logger }).on('stripe', 'invoice.paid', (event) => {
        if (event.payload.data.object.id === 'in_bad') throw new Error('ledger refused');
      });
      const event = sqsRawEvent([
        messageOf(envelopeOf()),
        messageOf(envelopeOf({ payload: { type: 'invoice.paid', data: { object: { id: 'in_bad' } } } })),
        messageOf(envelopeOf()),
      ]);

      // Act
      const response = await subscriber.handler(event, testContext());

      // Assess
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }] });
      expect(logger.entries.filter((entry) => entry.level === 'error').map((entry) => entry.fields?.['error'])).toEqual(['Error']);
    });

    it('throws when every record of a batch fails, so Lambda retries the batch', async () => {
      const subscriber = createSubscriber({ logger: recordingLogger() }).on('stripe', '*', () => {
        throw new Error('down');
      });
      await expect(subscriber.handler(sqsRawEvent([messageOf(envelopeOf())]), testContext())).rejects.toBeInstanceOf(FullBatchFailureError);
    });

    it('SNS invoking the function: a failing handler throws, so Lambda retries the invocation', async () => {
      const subscriber = createSubscriber({ logger: recordingLogger() }).on('stripe', '*', () => {
        throw new RangeError('down');
      });
      await expect(subscriber.handler(snsEvent([messageOf(envelopeOf())]), testContext())).rejects.toBeInstanceOf(RangeError);
    });

    it.each([
      { case: 'not JSON', body: '{"id":', reason: /is not JSON/ },
      { case: 'no id', body: JSON.stringify({ ...envelopeOf(), id: undefined }), reason: /fields: id/ },
      { case: 'not an ISO time', body: JSON.stringify({ ...envelopeOf(), receivedAt: 'yesterday' }), reason: /fields: receivedAt/ },
      { case: 'both payload and payloadLocation', body: JSON.stringify({ ...envelopeOf(), payloadLocation: 's3://b/k' }), reason: /exactly one/ },
      { case: 'neither payload nor payloadLocation', body: JSON.stringify({ ...envelopeOf(), payload: undefined }), reason: /exactly one/ },
      { case: 'a payloadLocation that is not s3://', body: JSON.stringify({ ...envelopeOf(), payload: undefined, payloadLocation: 'https://x/y' }), reason: /fields: payloadLocation/ },
    ])('an invalid envelope ($case) fails its record, for the DLQ; the reason names fields, never values', async ({ body, reason }) => {
      // Prepare
      const logger = recordingLogger();
      const subscriber = createSubscriber({ logger }).on('stripe', '*', () => undefined);
      const event = sqsRawEvent([messageOf(body), messageOf(envelopeOf())]);

      // Act
      const response = await subscriber.handler(event, testContext());

      // Assess
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] });
      expect(logger.entries).toEqual([]);
      const error = await createSubscriber()
        .handler(snsEvent([messageOf(body)]), testContext())
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidEnvelopeError);
      expect((error as Error).message).toMatch(reason);
      expect((error as Error).message).not.toContain('evt_');
    });

    it('refuses an event that is neither SQS nor SNS', async () => {
      await expect(createSubscriber().handler({ Records: [{ eventSource: 'aws:kinesis' }] } as never, testContext())).rejects.toBeInstanceOf(
        UnsupportedEventError,
      );
    });

    it.each(transports)('$case: rawPayload is the payload text as sent, a 64-bit integer keeping every digit', async ({ build }) => {
      // Prepare
      const raws: string[] = [];
      const subscriber = createSubscriber().on('generic', '*', (event) => void raws.push(event.rawPayload));
      const body = '{"id":"tw_1","provider":"generic","type":"tweet","receivedAt":"2026-11-29T03:00:00Z","payload":{"tweet_id":820982911946154508}}';

      // Act
      await subscriber.handler(build([messageOf(body, { provider: 'generic', eventType: 'tweet' })]), testContext());

      // Assess
      expect(raws).toEqual(['{"tweet_id":820982911946154508}']);
    });
  });

  describe('claim-checked payloads', () => {
    const s3 = new S3Client({ forcePathStyle: true });
    const bucket = `subscriber-${randomUUID().slice(0, 8)}`;
    beforeAll(async () => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });

    it.each(transports)('$case: the payload is read from S3 before the handler runs', async ({ build }) => {
      // Prepare
      const payloadText = JSON.stringify({ type: 'invoice.paid', data: { object: { id: 'in_large', lines: 'x'.repeat(300_000) } } });
      const key = `stripe/${randomUUID()}.json`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: payloadText }));
      const seen: Array<{ id: unknown; raw: number; location: string | undefined }> = [];
      const subscriber = createSubscriber().on('stripe', 'invoice.paid', (event) => {
        seen.push({ id: event.payload.data.object.id, raw: event.rawPayload.length, location: event.payloadLocation });
      });
      const envelope = envelopeOf({ payload: undefined, payloadLocation: `s3://${bucket}/${key}` });

      // Act
      await subscriber.handler(build([messageOf(envelope)]), testContext());

      // Assess
      expect(seen).toEqual([{ id: 'in_large', raw: payloadText.length, location: `s3://${bucket}/${key}` }]);
    });

    it('a missing object fails the record (retried, then the DLQ) with PayloadUnavailableError', async () => {
      // Prepare
      const logger = recordingLogger();
      const subscriber = createSubscriber({ logger }).on('stripe', '*', () => undefined);
      const envelope = envelopeOf({ payload: undefined, payloadLocation: `s3://${bucket}/stripe/expired.json` });

      // Act
      const error = await subscriber.handler(snsEvent([messageOf(envelope)]), testContext()).catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(PayloadUnavailableError);
      expect(logger.entries.map((entry) => [entry.level, entry.fields?.['error']])).toEqual([['error', 'PayloadUnavailableError']]);
    });
  });

  describe('deduplication (idempotency option)', () => {
    const tableName = `subscriber-idempotency-${randomUUID().slice(0, 8)}`;
    beforeAll(async () => {
      await new DynamoDBClient({}).send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        }),
      );
    });

    it('handles an event delivered twice once; the same id from another source is another event', async () => {
      // Prepare
      const logger = recordingLogger();
      const handled: string[] = [];
      const subscriber = createSubscriber({ logger, idempotency: { tableName, keyPrefix: randomUUID() } }).on('stripe', '*', (event) => {
        handled.push(`${event.source}#${event.id}`);
      });
      const envelope = envelopeOf();
      const otherRoute = { ...envelope, source: 'stripe-eu' };

      // Act
      await subscriber.handler(sqsRawEvent([messageOf(envelope)]), testContext());
      await subscriber.handler(sqsWrappedEvent([messageOf(envelope)]), testContext());
      await subscriber.handler(snsEvent([messageOf(envelope), messageOf(otherRoute)]), testContext());

      // Assess
      expect(handled).toEqual([`stripe#${envelope.id}`, `stripe-eu#${envelope.id}`]);
      expect(logger.entries.filter((entry) => entry.message.startsWith('Duplicate')).length).toBe(2);
    });

    it('two deliveries of one event in the same batch: one is handled, the other retried and then skipped', async () => {
      // Prepare
      const logger = recordingLogger();
      let handled = 0;
      const subscriber = createSubscriber({ logger, idempotency: { tableName, keyPrefix: randomUUID() } }).on('stripe', '*', async () => {
        handled += 1;
        // Still handling when the other delivery (the batch runs in parallel) finds it in progress.
        await waitFor('the second delivery to find the event in progress', () =>
          logger.entries.some((entry) => entry.message.startsWith('The same event is being handled')) ? true : undefined,
        );
      });
      const message = messageOf(envelopeOf());
      const batch = sqsRawEvent([message, message]);

      // Act
      const first = await subscriber.handler(batch, testContext());
      const retry = await subscriber.handler(sqsRawEvent([message]), testContext());

      // Assess
      expect(first.batchItemFailures).toHaveLength(1);
      expect(retry).toEqual({ batchItemFailures: [] });
      expect(handled).toBe(1);
      expect(logger.entries.map((entry) => [entry.level, entry.message.split(';')[0]])).toEqual([
        ['info', 'The same event is being handled by another delivery'],
        ['info', 'Duplicate delivery skipped'],
      ]);
    });

    it('a failed attempt is not remembered: the redelivery runs the handler again', async () => {
      // Prepare
      let attempts = 0;
      const subscriber = createSubscriber({ logger: recordingLogger(), idempotency: { tableName, keyPrefix: randomUUID() } }).on('stripe', '*', () => {
        attempts += 1;
        if (attempts === 1) throw new Error('transient');
      });
      const message = messageOf(envelopeOf());

      // Act
      const first = await subscriber.handler(sqsRawEvent([message, messageOf(envelopeOf({ type: 'unhandled.type', provider: 'github' }))]), testContext());
      const second = await subscriber.handler(sqsRawEvent([message]), testContext());
      const third = await subscriber.handler(sqsRawEvent([message]), testContext());

      // Assess
      expect(first?.batchItemFailures).toHaveLength(1);
      expect([second, third]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
      expect(attempts).toBe(2);
    });

    it('subscribers with different key prefixes sharing a table each handle the event', async () => {
      // Prepare
      const handledBy: string[] = [];
      const billing = createSubscriber({ idempotency: { tableName, keyPrefix: `billing-${randomUUID()}` } }).on('stripe', '*', () => void handledBy.push('billing'));
      const audit = createSubscriber({ idempotency: { tableName, keyPrefix: `audit-${randomUUID()}` } }).on('stripe', '*', () => void handledBy.push('audit'));
      const event = sqsRawEvent([messageOf(envelopeOf())]);

      // Act
      await billing.handler(event, testContext());
      await audit.handler(event, testContext());
      await billing.handler(event, testContext());

      // Assess
      expect(handledBy).toEqual(['billing', 'audit']);
    });
  });
});
