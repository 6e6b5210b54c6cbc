import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { githubSignatureHeader, stripeEventBody, stripeSignatureHeader } from '../helpers/official-signers';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway';
import { waitFor } from '../helpers/wait';
import { parseArchiveText } from '../../lambdas/core/archive-format';
import { decodeObject } from '../../tools/lib/archive-reader';

/**
 * The local gateway end to end: `npm start`'s gateway as its own process, signed Stripe and GitHub
 * events over HTTP, each found exactly once in /_local/published.
 */
const STRIPE_SECRET = 'whsec_e2e_stripe';
const GITHUB_SECRET = 'e2e-github-secret';
const TWILIO_SECRET = 'e2e-twilio-auth-token';
let gateway: SpawnedGateway;

beforeAll(async () => {
  gateway = await spawnGateway({ WEBHOOK_SECRET_STRIPE: STRIPE_SECRET, WEBHOOK_SECRET_GITHUB: GITHUB_SECRET, WEBHOOK_SECRET_TWILIO: TWILIO_SECRET });
}, 60_000);

/** Sends raw bytes and returns the status line's code: for request targets `fetch` refuses to send. */
function rawRequest(port: number, head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0)));
    socket.on('error', reject);
    socket.end(head);
  });
}

afterAll(async () => {
  await gateway?.stop();
});

interface Published {
  topic: string;
  attributes: Record<string, string>;
  text: string;
  message: { id: string; provider: string; type: string; receivedAt: string; payload: unknown };
}

/**
 * What was published for these events, read once the gateway has settled (its queues hold nothing
 * visible, in flight or delayed, no poller is busy): no redelivery can publish anything more.
 */
async function publishedFor(eventIds: string[]): Promise<Published[]> {
  const settled = await fetch(`${gateway.url}/_local/settled?timeoutMs=20000`);
  expect(settled.status).toBe(200);
  const all = (await (await fetch(`${gateway.url}/_local/published`)).json()) as Published[];
  return all.filter((p) => eventIds.includes(p.message.id));
}

describe('Local gateway (npm start), end to end', () => {
  it('GET /health lists the providers', async () => {
    const response = await fetch(`${gateway.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      providers: expect.arrayContaining(['stripe', 'github']),
      routes: expect.arrayContaining([{ route: 'stripe', provider: 'stripe', methods: ['POST'] }]),
    });
  });

  it('publishes signed Stripe and GitHub events exactly once, replays a repeat, refuses a tampered body', async () => {
    // Prepare
    const stripeEvent = stripeEventBody('payment_intent.succeeded');
    const stripeHeaders = { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(stripeEvent.body, STRIPE_SECRET) };
    const githubBody = JSON.stringify({ ref: 'refs/heads/main', commits: [{ message: 'ship it 🚀' }] });
    const githubDelivery = randomUUID();
    const githubHeaders = {
      'Content-Type': 'application/json',
      'X-Hub-Signature-256': await githubSignatureHeader(githubBody, GITHUB_SECRET),
      'X-GitHub-Delivery': githubDelivery,
      'X-GitHub-Event': 'push',
    };
    const post = (provider: string, body: string, headers: Record<string, string>) =>
      fetch(`${gateway.url}/webhooks/${provider}`, { method: 'POST', headers, body });

    // Act
    const stripeFirst = await post('stripe', stripeEvent.body, stripeHeaders);
    const stripeRepeat = await post('stripe', stripeEvent.body, stripeHeaders);
    const githubFirst = await post('github', githubBody, githubHeaders);
    const tampered = await post('stripe', stripeEvent.body.replace('2000', '1'), stripeHeaders);

    // Assess
    expect(stripeFirst.status).toBe(200);
    expect(await stripeFirst.json()).toEqual({ received: true, eventId: stripeEvent.id });
    expect(stripeRepeat.status).toBe(200);
    expect(stripeRepeat.headers.get('idempotent-replayed')).toBe('true');
    expect(await stripeRepeat.json()).toEqual({ received: true, eventId: stripeEvent.id });
    expect({ status: githubFirst.status, output: githubFirst.status === 200 ? '' : gateway.output() }).toEqual({ status: 200, output: '' });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toEqual({ error: expect.any(String), code: 'INVALID_SIGNATURE' });

    const published = await publishedFor([stripeEvent.id, githubDelivery]);
    expect(published.map((p) => p.message.id).sort()).toEqual([stripeEvent.id, githubDelivery].sort());
    const stripePublished = published.find((p) => p.message.id === stripeEvent.id)!;
    expect(stripePublished.attributes).toEqual({ provider: 'stripe', source: 'stripe', eventType: 'payment_intent.succeeded' });
    expect(stripePublished.message).toEqual({
      id: stripeEvent.id,
      provider: 'stripe',
      source: 'stripe',
      type: 'payment_intent.succeeded',
      receivedAt: expect.any(String),
      payload: JSON.parse(stripeEvent.body),
    });
    // Subscribers receive the JSON the provider signed, byte for byte.
    expect(stripePublished.text).toContain(`"payload":${stripeEvent.body}}`);
    const githubPublished = published.find((p) => p.message.id === githubDelivery)!;
    expect(githubPublished.attributes).toEqual({ provider: 'github', source: 'github', eventType: 'push' });
    expect(githubPublished.topic).toMatch(/github$/);
  });

  it.each([
    { case: 'unknown provider', path: '/webhooks/paypal', method: 'POST', status: 404 },
    { case: 'GET on a webhook route', path: '/webhooks/stripe', method: 'GET', status: 405 },
    { case: 'unknown path', path: '/nope', method: 'GET', status: 404 },
    { case: 'an undecodable provider segment', path: '/webhooks/%', method: 'POST', status: 404 },
  ])('$case → $status', async ({ path, method, status }) => {
    const response = await fetch(`${gateway.url}${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    expect(response.status).toBe(status);
  });
});

/** The ids of every event in a spawned gateway's archive, read from its S3 stand-in. */
async function archivedEventIds(url: string): Promise<string[]> {
  const resources = (await (await fetch(`${url}/_local/resources`)).json()) as { region: string; endpoints: { s3: string }; archive: { bucket: string } };
  const s3 = new S3Client({ region: resources.region, endpoint: resources.endpoints.s3, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: resources.archive.bucket, Prefix: 'events/' }));
  const ids: string[] = [];
  for (const object of Contents) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: resources.archive.bucket, Key: object.Key! }));
    ids.push(...parseArchiveText(decodeObject(await Body!.transformToByteArray())).events.map(({ event }) => event.id));
  }
  return ids;
}

describe('Local gateway options', () => {
  it('--data keeps idempotency records and the event archive across restarts: a repeat after a restart is replayed, the archived event is still there', async () => {
    // Prepare
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dataDirectory = mkdtempSync(path.join(tmpdir(), 'hookrelay-data-'));
    const env = { WEBHOOK_SECRET_STRIPE: STRIPE_SECRET };
    const { id, body } = stripeEventBody('customer.updated');
    const send = (url: string) =>
      fetch(`${url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(body, STRIPE_SECRET) },
        body,
      });
    try {
      const first = await spawnGateway(env, ['--data', dataDirectory]);
      const accepted = await send(first.url);
      // Published and archived before the gateway stops.
      expect((await fetch(`${first.url}/_local/settled?timeoutMs=20000`)).status).toBe(200);
      await first.stop();

      // Act
      const second = await spawnGateway(env, ['--data', dataDirectory]);
      const repeated = await send(second.url);
      // The log line is written after the response.
      const log = await waitFor('the replayed request\'s log line', () => (/REPLAYED event=/.test(second.output()) ? second.output() : undefined));
      const archived = await archivedEventIds(second.url);
      await second.stop();

      // Assess
      expect(accepted.status).toBe(200);
      expect(repeated.status).toBe(200);
      expect(repeated.headers.get('idempotent-replayed')).toBe('true');
      expect(log).toContain(`data kept in ${dataDirectory}`);
      expect(log).toMatch(new RegExp(`200 POST /webhooks/stripe REPLAYED event=${id} [\\d.]+ms`));
      expect(log).toMatch(/archive {4}s3:\/\/hookrelay-archive\/events\/ \(npm run replay -- --local …, 1 object\(s\) restored\)/);
      expect(archived).toEqual([id]);
    } finally {
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  }, 60_000);

  it('logs one line per request with status, code, event id and time — never the payload or the signature', async () => {
    // Prepare: one delivery accepted (its body read, parsed, enqueued and published), one refused
    // after its body was hashed.
    const { id, body } = stripeEventBody('charge.captured', { description: 'SECRET-PAYLOAD-MARKER' });
    const signature = stripeSignatureHeader(body, STRIPE_SECRET);
    const post = (text: string) =>
      fetch(`${gateway.url}/webhooks/stripe`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body: text });

    // Act
    const accepted = await post(body);
    const refused = await post(body.replace('SECRET-PAYLOAD-MARKER', 'SECRET-PAYLOAD-MARKER!'));
    await publishedFor([id]);
    const output = await waitFor('both log lines', () => {
      const text = gateway.output();
      return text.includes(`event=${id}`) && /401 POST \/webhooks\/stripe INVALID_SIGNATURE/.test(text) ? text : undefined;
    });

    // Assess
    expect([accepted.status, refused.status]).toEqual([200, 401]);
    expect(output).toMatch(new RegExp(`200 POST /webhooks/stripe event=${id} [\\d.]+ms`));
    expect(output).not.toContain('SECRET-PAYLOAD-MARKER');
    expect(output).not.toContain(signature.split('v1=')[1]!);
  });

  it('answers a malformed request target with 400, not 500', async () => {
    const status = await rawRequest(Number(new URL(gateway.url).port), 'POST http://[/webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(status).toBe(400);
  });

  it('verifies a Twilio callback against the URL exactly as received: repeated keys, a URL value and commas', async () => {
    // Prepare: Twilio signs the URL configured in its console, byte for byte.
    const url = `${gateway.url}/webhooks/twilio?a=1&b=2&a=3&next=https://app.example.com/cb&tags=x,y`;
    const params = { MessageSid: `SM${randomUUID().replace(/-/g, '')}`, MessageStatus: 'delivered' };

    // Act
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': getExpectedTwilioSignature(TWILIO_SECRET, url, params) },
      body: new URLSearchParams(params).toString(),
    });

    // Assess
    expect(response.status).toBe(200);
  });
});
