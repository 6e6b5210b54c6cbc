import { ListTopicsCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { github } from '../../../lambdas/core/providers/github';
import { githubSignatureHeader, stripeEventBody, stripeSignatureHeader } from '../../helpers/official-signers';
import { spawnGateway, type SpawnedGateway } from '../../helpers/spawn-gateway';
import { waitFor } from '../../helpers/wait';

/**
 * The billing example end to end, as a developer runs it: `npm start -- --subscriber
 * examples/billing-subscriber/src/handler.ts --subscriber-filter …` as its own process, signed
 * webhooks over HTTP, and the handler's own log lines as the record of what it did. "Exactly once"
 * is judged only when no redelivery can happen any more: the subscriber's queue holds no message,
 * visible or in flight, and the failing event sits in its DLQ.
 */
const STRIPE_SECRET = 'whsec_e2e_billing';
const GITHUB_SECRET = 'e2e-billing-github';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

let gateway: SpawnedGateway;
let sqs: SQSClient;
let queueUrl: string;
let deadLetterQueueUrl: string;

/** `waitFor` with the gateway's output in the timeout's message. */
const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> =>
  waitFor(what, probe, { timeoutMs, intervalMs: 100, context: () => `--- gateway output ---\n${gateway.output()}` });

const bannerValue = (label: string): string | undefined => new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(gateway.output())?.[1];

function invoice(overrides: Record<string, unknown> = {}) {
  return stripeEventBody('invoice.paid', {
    id: `in_${randomUUID().slice(0, 12)}`,
    object: 'invoice',
    amount_paid: 4900,
    currency: 'eur',
    customer: 'cus_e2e',
    ...overrides,
  });
}

async function postStripe(body: string): Promise<void> {
  const response = await fetch(`${gateway.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(body, STRIPE_SECRET) },
    body,
  });
  expect(response.status).toBe(200);
}

async function queueDepth(url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes['ApproximateNumberOfMessages']), inFlight: Number(Attributes['ApproximateNumberOfMessagesNotVisible']) };
}

const count = (pattern: RegExp) => gateway.output().match(new RegExp(pattern.source, 'g'))?.length ?? 0;
const bookedLines = (eventId: string) => count(new RegExp(`"message":"Invoice payment booked","eventId":"${eventId}"`));

const events = {
  paid: invoice(),
  claimChecked: invoice({ lines: { object: 'list', data: Array.from({ length: 1200 }, (_, i) => ({ id: `il_${i}`, description: 'Seat licence — 1 month '.repeat(8) })) } }),
  failing: invoice({ currency: 'xts' }),
  unhandled: [stripeEventBody('invoice.payment_failed'), stripeEventBody('invoice.payment_failed')],
  filteredOut: stripeEventBody('payment_intent.succeeded'),
  duplicateId: `evt_duplicate_${randomUUID().slice(0, 8)}`,
  pushDelivery: randomUUID(),
};

beforeAll(async () => {
  gateway = await spawnGateway({ WEBHOOK_SECRET_STRIPE: STRIPE_SECRET, WEBHOOK_SECRET_GITHUB: GITHUB_SECRET }, [
    '--subscriber',
    'examples/billing-subscriber/src/handler.ts',
    '--subscriber-filter',
    // Wider than the stack's `invoice.paid` (and the README's): an invoice type without a handler
    // must reach the subscriber for the test of unhandled types.
    'stripe:invoice.*',
    '--subscriber-filter',
    'github:push',
  ]);
  const endpoint = await until('the subscriber banner', () => /endpoints\s+SQS\/SNS\/S3 (\S+)/.exec(gateway.output())?.[1]);
  queueUrl = bannerValue('queue')!;
  deadLetterQueueUrl = bannerValue('dlq')!;
  const clientConfig = { endpoint, region: 'us-east-1', credentials: CREDENTIALS };
  sqs = new SQSClient({ ...clientConfig, useQueueUrlAsEndpoint: false });
  const sns = new SNSClient(clientConfig);

  // Act: through the gateway, as the providers send them…
  for (const event of [events.paid, events.claimChecked, events.failing, ...events.unhandled, events.filteredOut]) await postStripe(event.body);
  const push = github.samples.types['push']!({ url: `${gateway.url}/webhooks/github`, nowSeconds: Math.floor(Date.now() / 1000) });
  const pushed = await fetch(`${gateway.url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Hub-Signature-256': await githubSignatureHeader(push, GITHUB_SECRET),
      'X-GitHub-Delivery': events.pushDelivery,
      'X-GitHub-Event': 'push',
    },
    body: push,
  });
  expect(pushed.status).toBe(200);
  // …and one envelope published twice to the topic, as SNS may deliver it.
  const { Topics = [] } = await sns.send(new ListTopicsCommand({}));
  const stripeTopic = Topics.map((topic) => topic.TopicArn!).find((arn) => arn.endsWith(':hookrelay-stripe'))!;
  const envelope = { id: events.duplicateId, provider: 'stripe', type: 'invoice.paid', receivedAt: new Date().toISOString(), payload: JSON.parse(invoice().body) as unknown };
  for (let delivery = 0; delivery < 2; delivery++) {
    await sns.send(
      new PublishCommand({
        TopicArn: stripeTopic,
        Message: JSON.stringify(envelope),
        MessageAttributes: { provider: { DataType: 'String', StringValue: 'stripe' }, eventType: { DataType: 'String', StringValue: 'invoice.paid' } },
      }),
    );
  }

  // Every accepted webhook published (SNS fans out to the subscriber's queue as it publishes)…
  const accepted = [events.paid, events.claimChecked, events.failing, ...events.unhandled, events.filteredOut].map((event) => event.id).concat(events.pushDelivery);
  await until('every accepted webhook to be published', async () => {
    const published = (await (await fetch(`${gateway.url}/_local/published`)).json()) as Array<{ message: { id: string } }>;
    const ids = new Set(published.map((entry) => entry.message.id));
    return accepted.every((id) => ids.has(id)) ? true : undefined;
  });
  // …then nothing left to deliver: the queue empty and nothing in flight, the failing event parked.
  await until(
    'the subscriber queue to drain and the failing event to reach the DLQ',
    async () => {
      const [queue, dlq] = await Promise.all([queueDepth(queueUrl), queueDepth(deadLetterQueueUrl)]);
      return queue.visible + queue.inFlight === 0 && dlq.visible + dlq.inFlight >= 1 ? true : undefined;
    },
    30_000,
  );
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
});

describe('Example: billing subscriber on the local gateway', () => {
  it('books a paid invoice once', () => {
    expect(bookedLines(events.paid.id)).toBe(1);
  });

  it('books a claim-checked invoice once, its payload read from S3', async () => {
    const published = (await (await fetch(`${gateway.url}/_local/published?provider=stripe`)).json()) as Array<{ message: { id: string; payloadLocation?: string } }>;
    expect(published.find((entry) => entry.message.id === events.claimChecked.id)?.message.payloadLocation).toMatch(/^s3:\/\//);
    expect(bookedLines(events.claimChecked.id)).toBe(1);
  });

  it('books an invoice delivered twice by SNS once, and says it skipped the duplicate', () => {
    expect(bookedLines(events.duplicateId)).toBe(1);
    expect(count(new RegExp(`"message":"Duplicate delivery skipped"[^\\n]*"eventId":"${events.duplicateId}"`))).toBe(1);
    expect(count(new RegExp(`subscriber stripe invoice.paid event=${events.duplicateId} ok`))).toBe(2);
  });

  it('acknowledges an event type it has no handler for, logging the type once', () => {
    for (const event of events.unhandled) expect(count(new RegExp(`subscriber stripe invoice.payment_failed event=${event.id} ok`))).toBe(1);
    expect(count(/"message":"No handler for this event type[^\n]*"eventType":"invoice.payment_failed"/)).toBe(1);
  });

  it('retries a failing handler maxReceiveCount (3) times, then parks the event in the DLQ, unbooked', async () => {
    expect(count(new RegExp(`subscriber stripe invoice.paid event=${events.failing.id} FAILED receive \\d/3`))).toBe(3);
    expect(gateway.output()).toContain(`event=${events.failing.id} FAILED receive 3/3, next: dead-letter queue`);
    expect(bookedLines(events.failing.id)).toBe(0);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: deadLetterQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    expect(Messages.map((message) => (JSON.parse(message.Body!) as { id: string }).id)).toEqual([events.failing.id]);
  });

  it('meters a GitHub push once', () => {
    expect(count(new RegExp(`"message":"Push metered","eventId":"${events.pushDelivery}"`))).toBe(1);
  });

  it('never receives a type its filters leave out', () => {
    expect(gateway.output()).toContain(`200 POST /webhooks/stripe event=${events.filteredOut.id}`);
    expect(count(new RegExp(`subscriber \\S+ \\S+ event=${events.filteredOut.id}`))).toBe(0);
  });

  it('logs no payload: event ids and types, never invoice lines nor a handler’s error message', () => {
    expect(gateway.output()).toContain('"error":"UnbookableInvoiceError"');
    expect(gateway.output()).not.toContain('Seat licence');
    expect(gateway.output()).not.toContain('which the ledger does not book');
  });
});
