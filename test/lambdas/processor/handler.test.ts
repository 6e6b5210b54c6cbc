import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createAwsClients } from '../../../lambdas/adapters/aws-clients';
import { MAX_LOGGED_IDS } from '../../../lambdas/observability/log-lines';
import { createTelemetry } from '../../../lambdas/observability/telemetry';
import { createProcessorHandler, parseEnvelope, PoisonMessageError, type ProcessorHandler } from '../../../lambdas/processor/handler';
import { lambdaContext } from '../../../local/queue-poller';
import { provisionLocalResources, type LocalResources } from '../../../local/local-resources';
import { drain } from '../../helpers/verifier-under-test';
import { captureWrites, setEnvironment } from '../../helpers/process-state';

const clients = createAwsClients();
let resources: LocalResources;
let processor: ProcessorHandler;

beforeAll(async () => {
  resources = await provisionLocalResources(clients, {
    prefix: `processor-${randomUUID().slice(0, 8)}`,
    routes: { stripe: { provider: 'stripe', secrets: ['unused'] } },
  });
  processor = createProcessorHandler({
    config: {
      provider: 'stripe',
      topicArn: resources.providers['stripe']!.topicArn,
      idempotencyTableName: resources.tableName,
      idempotencyWindowSeconds: 3600,
    },
    clients,
    telemetry: createTelemetry('test-processor'),
  });
});

function envelope(overrides: Record<string, unknown> = {}) {
  return {
    id: `evt_${randomUUID()}`,
    provider: 'stripe',
    type: 'invoice.paid',
    receivedAt: new Date().toISOString(),
    payload: { id: 'in_1', amount_paid: 1200 },
    ...overrides,
  };
}

function record(body: unknown): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  };
}

/**
 * What a subscriber of the topic received (raw SNS notifications from the observer queue). The
 * handler has returned, and SNS delivery to the queue completes within Publish on the stand-in, so
 * everything published is already there: drained until empty, no waiting.
 */
async function receivedBySubscriber(): Promise<Array<{ Message: string; MessageAttributes: Record<string, { Value: string }> }>> {
  return (await drain(resources.providers['stripe']!.observerQueueUrl)).map((message) => JSON.parse(message.Body!));
}

describe('Handler: processor', () => {
  it('publishes the envelope with provider and eventType attributes', async () => {
    // Prepare
    const sent = envelope();

    // Act
    const response = await processor({ Records: [record(sent)] }, lambdaContext('test-processor'));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const received = await receivedBySubscriber();
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.Message)).toEqual(sent);
    expect(received[0]!.MessageAttributes['provider']!.Value).toBe('stripe');
    expect(received[0]!.MessageAttributes['eventType']!.Value).toBe('invoice.paid');
  });

  it('publishes an envelope once, however often SQS delivers it', async () => {
    const sent = envelope();
    const event: SQSEvent = { Records: [record(sent), record(sent)] };
    await processor(event, lambdaContext('test-processor'));
    await processor({ Records: [record(sent)] }, lambdaContext('test-processor'));
    expect(await receivedBySubscriber()).toHaveLength(1);
  });

  it('reports only the invalid record of a batch as failed', async () => {
    const good = record(envelope());
    const bad = record({ id: 'evt_x', provider: 'stripe' });
    const response = await processor({ Records: [good, bad] }, lambdaContext('test-processor'));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(await receivedBySubscriber()).toHaveLength(1);
  });

  it(`a batch of ${MAX_LOGGED_IDS + 5}: its line counts every published and skipped envelope and names at most ${MAX_LOGGED_IDS} of each`, async () => {
    // Prepare
    const restoreLevel = setEnvironment({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    const logging = createProcessorHandler({
      config: { provider: 'stripe', topicArn: resources.providers['stripe']!.topicArn, idempotencyTableName: resources.tableName, idempotencyWindowSeconds: 3600 },
      clients,
      telemetry: createTelemetry('test-processor'),
    });
    restoreLevel();
    const sent = Array.from({ length: MAX_LOGGED_IDS + 5 }, () => envelope());
    const ids = sent.map((item) => item.id);
    const stdout = captureWrites(process.stdout);

    // Act
    try {
      await logging({ Records: sent.map(record) }, lambdaContext('test-processor'));
      await logging({ Records: sent.map(record) }, lambdaContext('test-processor'));
    } finally {
      stdout.restore();
    }

    // Assess
    const batchLines = stdout.text().split('\n').filter((line) => line.includes('Envelopes published')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(batchLines).toEqual([
      expect.objectContaining({ published: ids.slice(0, MAX_LOGGED_IDS), publishedCount: ids.length, publishedTruncated: true }),
      expect.objectContaining({ published: [], publishedCount: 0, duplicatesSkipped: ids.slice(0, MAX_LOGGED_IDS), duplicatesSkippedCount: ids.length, duplicatesSkippedTruncated: true }),
    ]);
    expect(await receivedBySubscriber()).toHaveLength(ids.length);
  });

  describe('Function: parseEnvelope', () => {
    it.each([
      { case: 'not JSON', body: 'nope', reason: /not JSON/ },
      { case: 'missing type', body: JSON.stringify(envelope({ type: undefined })), reason: /fields: type/ },
      { case: 'bad receivedAt', body: JSON.stringify(envelope({ receivedAt: 'yesterday' })), reason: /receivedAt/ },
      { case: 'neither payload nor location', body: JSON.stringify(envelope({ payload: undefined })), reason: /neither payload/ },
    ])('refuses a message that is $case, naming fields not values', ({ body, reason }) => {
      expect(() => parseEnvelope(body)).toThrow(PoisonMessageError);
      expect(() => parseEnvelope(body)).toThrow(reason);
    });
  });
});
