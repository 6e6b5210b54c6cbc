import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createHmac, randomUUID } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { AwsClients } from '../../../lambdas/adapters/aws-clients';
import { ATTRIBUTE_RESERVE_BYTES, MAX_PUBLISHED_MESSAGE_BYTES } from '../../../lambdas/core/envelope';
import { createTelemetry } from '../../../lambdas/observability/telemetry';
import { ConfigurationError } from '../../../lambdas/runtime-config';
import { createVerifierHandler, type VerifierHandler } from '../../../lambdas/verifier/handler';
import type { LocalResources } from '../../../local/local-resources';
import { lambdaContext } from '../../../local/queue-poller';
import { mailgunBody } from '../../fixtures/mailgun';
import { drain, verifierUnderTest } from '../../helpers/verifier-under-test';
import { webhookEvent } from '../../helpers/api-gateway-events';
import { githubSignatureHeader, stripeEventBody, stripeSignatureHeader } from '../../helpers/official-signers';

const SECRETS = { stripe: ['whsec_new', 'whsec_old'], github: ['gh-secret'], twilio: ['twilio-auth-token'], mailgun: ['mailgun-signing-key'] };
let resources: LocalResources;
let verifier: VerifierHandler;
let clients: AwsClients;
let publishQueued: (provider: string) => Promise<string[]>;

beforeAll(async () => {
  // 1 MiB: large enough for the claim-check cases below.
  ({ verifier, resources, clients, publishQueued } = await verifierUnderTest({ secrets: SECRETS, maxBodyBytes: 1024 * 1024 }));
});

const invoke = (provider: string, body: string | Buffer, headers: Record<string, string>) =>
  verifier(webhookEvent(provider, body, headers), lambdaContext('test-verifier', 10_000));

/** Every message on the provider's queue, as its exact text (removed from the queue). */
const drainQueueText = async (provider: string): Promise<string[]> => (await drain(resources.providers[provider]!.queueUrl)).map((message) => message.Body!);

async function drainQueue(provider: string): Promise<unknown[]> {
  return (await drainQueueText(provider)).map((body) => JSON.parse(body) as unknown);
}

describe('Handler: verifier', () => {
  afterEach(async () => {
    await drainQueue('stripe');
    await drainQueue('github');
    await drainQueue('twilio');
    await drainQueue('mailgun');
  });

  describe('accepting a signed event', () => {
    it('answers 200 with the event id and enqueues one envelope', async () => {
      // Prepare
      const { id, body } = stripeEventBody();

      // Act
      const response = await invoke('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_new') });

      // Assess
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ received: true, eventId: id });
      expect(response.headers?.['Idempotent-Replayed']).toBeUndefined();
      const queued = await drainQueue('stripe');
      expect(queued).toEqual([
        expect.objectContaining({ id, provider: 'stripe', type: 'payment_intent.succeeded', payload: JSON.parse(body) }),
      ]);
    });

    it('routes an event shaped like the deployed API (one resource per provider, no path parameter)', async () => {
      const { body } = stripeEventBody();
      const event = webhookEvent('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_new') });
      const deployed = { ...event, resource: '/webhooks/stripe', pathParameters: null };
      const response = await verifier(deployed, lambdaContext('test-verifier'));
      expect(response.statusCode).toBe(200);
    });

    it('accepts a signature made with the previous secret while rotating', async () => {
      const { body } = stripeEventBody();
      const response = await invoke('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_old') });
      expect(response.statusCode).toBe(200);
    });

    it('replays a repeat with the same status and body, Idempotent-Replayed: true, and no second enqueue', async () => {
      // Prepare: accepted, then published by the processor.
      const { body } = stripeEventBody();
      const headers = { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_new') };
      const first = await invoke('stripe', body, headers);
      const published = await publishQueued('stripe');

      // Act
      const second = await invoke('stripe', body, headers);

      // Assess
      expect(second.statusCode).toBe(first.statusCode);
      expect(second.body).toBe(first.body);
      expect(second.headers?.['Idempotent-Replayed']).toBe('true');
      expect(published).toHaveLength(1);
      expect(await drainQueue('stripe')).toHaveLength(0);
    });

    it('answers a repeat that arrives before the first is published 409 EVENT_IN_PROGRESS with Retry-After, and enqueues nothing twice', async () => {
      // Prepare: accepted and queued, but no processor has published it yet.
      const { body } = stripeEventBody();
      const headers = { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_new') };
      const first = await invoke('stripe', body, headers);

      // Act
      const second = await invoke('stripe', body, headers);

      // Assess
      expect(first.statusCode).toBe(200);
      expect({ status: second.statusCode, retryAfter: second.headers?.['Retry-After'], code: JSON.parse(second.body).code }).toEqual({
        status: 409,
        retryAfter: '1',
        code: 'EVENT_IN_PROGRESS',
      });
      expect(await drainQueue('stripe')).toHaveLength(1);
    });

    it('takes GitHub ids and types from its headers', async () => {
      const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
      const delivery = randomUUID();
      const response = await invoke('github', body, {
        'X-Hub-Signature-256': await githubSignatureHeader(body, 'gh-secret'),
        'X-GitHub-Delivery': delivery,
        'X-GitHub-Event': 'ping',
      });
      expect(response.statusCode).toBe(200);
      expect(await drainQueue('github')).toEqual([expect.objectContaining({ id: delivery, type: 'ping' })]);
    });

    it('verifies a body that API Gateway delivered base64-encoded', async () => {
      const { body } = stripeEventBody('charge.succeeded', { description: 'naïve café ☕' });
      const event = webhookEvent('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_new') });
      const encoded = { ...event, body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
      const response = await verifier(encoded, lambdaContext('test-verifier'));
      expect(response.statusCode).toBe(200);
    });
  });

  describe('refusing what the sender got wrong', () => {
    const now = Math.floor(Date.now() / 1000);
    it.each([
      { case: 'tampered body', tamper: (b: string) => b.replace('2000', '2001'), header: (b: string) => stripeSignatureHeader(b, 'whsec_new'), status: 401, code: 'INVALID_SIGNATURE' },
      { case: 'wrong secret', tamper: (b: string) => b, header: (b: string) => stripeSignatureHeader(b, 'whsec_other'), status: 401, code: 'INVALID_SIGNATURE' },
      { case: 'missing signature', tamper: (b: string) => b, header: () => undefined, status: 401, code: 'MISSING_SIGNATURE' },
      { case: 'garbage signature', tamper: (b: string) => b, header: () => '💥;;==,,', status: 401, code: 'MALFORMED_SIGNATURE' },
      { case: 'timestamp 6 min old', tamper: (b: string) => b, header: (b: string) => stripeSignatureHeader(b, 'whsec_new', now - 360), status: 401, code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'timestamp 6 min ahead', tamper: (b: string) => b, header: (b: string) => stripeSignatureHeader(b, 'whsec_new', now + 360), status: 401, code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
    ])('$case → $status $code, nothing enqueued', async ({ tamper, header, status, code }) => {
      // Prepare
      const { body } = stripeEventBody();
      const signature = header(body);

      // Act
      const response = await invoke('stripe', tamper(body), signature === undefined ? {} : { 'Stripe-Signature': signature });

      // Assess
      expect(response.statusCode).toBe(status);
      expect(JSON.parse(response.body)).toEqual({ error: expect.any(String), code });
      expect(await drainQueue('stripe')).toHaveLength(0);
    });

    it('a correctly signed body that is not JSON → 400 INVALID_PAYLOAD', async () => {
      const body = 'id=evt_1&type=charge.succeeded';
      const response = await invoke('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_new') });
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).code).toBe('INVALID_PAYLOAD');
    });

    it('a body over the route maximum → 413 PAYLOAD_TOO_LARGE', async () => {
      const body = JSON.stringify({ id: 'evt_big', type: 'x', pad: 'a'.repeat(1024 * 1024) });
      const response = await invoke('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_new') });
      expect(response.statusCode).toBe(413);
      expect(JSON.parse(response.body).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('an unknown provider → 404 UNKNOWN_PROVIDER', async () => {
      const response = await invoke('paypal', '{}', {});
      expect(response.statusCode).toBe(404);
      expect(JSON.parse(response.body).code).toBe('UNKNOWN_PROVIDER');
    });
  });

  describe('what an attacker holding one genuine signed request can do', () => {
    async function githubDelivery(body: string, delivery: string, event = 'push') {
      return invoke('github', body, { 'X-Hub-Signature-256': await githubSignatureHeader(body, 'gh-secret'), 'X-GitHub-Delivery': delivery, 'X-GitHub-Event': event });
    }

    it('a GitHub delivery sent again with a fresh X-GitHub-Delivery is answered as a repeat of the first and enqueued once', async () => {
      // Prepare
      const body = JSON.stringify({ ref: 'refs/heads/main', after: randomUUID() });
      const first = await githubDelivery(body, randomUUID());
      const published = await publishQueued('github');

      // Act
      const replay = await githubDelivery(body, randomUUID());

      // Assess
      expect(replay.statusCode).toBe(200);
      expect(replay.headers?.['Idempotent-Replayed']).toBe('true');
      expect(JSON.parse(replay.body)).toEqual(JSON.parse(first.body));
      expect(published).toHaveLength(1);
      expect(await drainQueue('github')).toHaveLength(0);
    });

    it('the same GitHub body relabelled with another event type is a different event', async () => {
      const body = JSON.stringify({ action: 'created', id: randomUUID() });
      await githubDelivery(body, randomUUID(), 'star');
      const relabelled = await githubDelivery(body, randomUUID(), 'watch');
      expect(relabelled.headers?.['Idempotent-Replayed']).toBeUndefined();
      expect((await drainQueue('github')).map((envelope) => (envelope as { type: string }).type).sort()).toEqual(['star', 'watch']);
    });

    it('a Twilio callback sent again with a fresh idempotency token and reordered parameters is enqueued once', async () => {
      // Prepare
      const url = 'http://hooks.example.test/webhooks/twilio'; // as rebuilt from Host and X-Forwarded-Proto
      const params = { MessageSid: `SM${randomUUID().replace(/-/g, '')}`, MessageStatus: 'delivered', To: '+14155550111' };
      const signature = getExpectedTwilioSignature('twilio-auth-token', url, params);
      const send = (form: string, token: string) =>
        invoke('twilio', form, { 'X-Twilio-Signature': signature, 'I-Twilio-Idempotency-Token': token, 'Content-Type': 'application/x-www-form-urlencoded' });
      const first = await send(new URLSearchParams(params).toString(), 'token-1');
      const published = await publishQueued('twilio');

      // Act
      const replay = await send(new URLSearchParams(Object.entries(params).reverse()).toString(), 'token-2');

      // Assess
      expect([first.statusCode, replay.statusCode]).toEqual([200, 200]);
      expect(replay.headers?.['Idempotent-Replayed']).toBe('true');
      expect(published).toHaveLength(1);
      expect(await drainQueue('twilio')).toHaveLength(0);
    });

    describe('Mailgun, whose signature covers a timestamp and a token but not the event data', () => {
      /** A Mailgun webhook signed now with a fresh token, as Mailgun signs each delivery and each retry. */
      const signedNow = (eventData: Record<string, unknown>) =>
        mailgunBody({ eventData, key: SECRETS.mailgun[0], timestamp: Math.floor(Date.now() / 1000), token: randomUUID().replaceAll('-', '') });
      const sendMailgun = (body: string) => invoke('mailgun', body, { 'Content-Type': 'application/json' });

      it('the same signature with other event data is refused 401 and not enqueued; the genuine request repeated is a repeat', async () => {
        // Prepare
        const genuine = signedNow({ id: randomUUID(), event: 'delivered', recipient: 'zoe@example.com' });
        const { signature } = JSON.parse(genuine) as { signature: unknown };
        const first = await sendMailgun(genuine);

        // Act
        const relabelled = await sendMailgun(JSON.stringify({ signature, 'event-data': { id: randomUUID(), event: 'failed', recipient: 'zoe@example.com' } }));
        const published = await publishQueued('mailgun');
        const repeated = await sendMailgun(genuine);

        // Assess
        expect([first.statusCode, relabelled.statusCode, repeated.statusCode]).toEqual([200, 401, 200]);
        expect(JSON.parse(relabelled.body)).toEqual({ error: expect.any(String), code: 'INVALID_SIGNATURE' });
        expect({ replayed: repeated.headers?.['Idempotent-Replayed'], body: repeated.body }).toEqual({ replayed: 'true', body: first.body });
        expect(published.map((text) => (JSON.parse(text) as { type: string }).type)).toEqual(['delivered']);
        expect(await drainQueue('mailgun')).toEqual([]);
      });

      it('a retry Mailgun signs afresh (new token, same event id) is a repeat of the event, enqueued once', async () => {
        // Prepare
        const eventData = { id: randomUUID(), event: 'opened', recipient: 'zoe@example.com' };
        const first = await sendMailgun(signedNow(eventData));
        const published = await publishQueued('mailgun');

        // Act
        const retry = await sendMailgun(signedNow(eventData));

        // Assess
        expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
        expect(retry.headers?.['Idempotent-Replayed']).toBe('true');
        expect(published).toHaveLength(1);
        expect(await drainQueue('mailgun')).toEqual([]);
      });
    });
  });

  describe('what the sender controls never ends in a 5xx or an unpublishable message', () => {
    async function signedGithub(body: string | Buffer, event = 'push') {
      // Bytes that are not UTF-8 cannot go through the official signer (it takes a string).
      const signature = Buffer.isBuffer(body) ? `sha256=${createHmac('sha256', 'gh-secret').update(body).digest('hex')}` : await githubSignatureHeader(body, 'gh-secret');
      return verifier(
        webhookEvent('github', body, { 'X-Hub-Signature-256': signature, 'X-GitHub-Delivery': randomUUID(), 'X-GitHub-Event': event }),
        lambdaContext('test-verifier', 10_000),
      );
    }

    it('enqueues the signed JSON text itself: digits, key order and escapes as sent', async () => {
      // Prepare
      const body = `{"z":1,"id":820982911946154508,"rate":0.30000000000000000001,"s":"caf\\u00e9 😀","nonce":"${randomUUID()}"}`;

      // Act
      const response = await signedGithub(body);

      // Assess
      expect(response.statusCode).toBe(200);
      const [text] = await drainQueueText('github');
      expect(text).toContain(`"payload":${body}}`);
    });

    it('accepts and enqueues a signed body nested 10,000 deep (JSON.stringify would throw on it)', async () => {
      const body = `{"nonce":"${randomUUID()}","deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
      const response = await signedGithub(body);
      expect(response.statusCode).toBe(200);
      expect(await drainQueueText('github')).toEqual([expect.stringContaining(body)]);
    });

    it.each([
      { case: 'a 600 KB event type', type: 't'.repeat(600_000) },
      { case: 'a 100 KB event type', type: 't'.repeat(100_000) },
    ])('refuses $case with 400 INVALID_PAYLOAD and enqueues nothing', async ({ type }) => {
      const body = JSON.stringify({ nonce: randomUUID() });
      const response = await signedGithub(body, type);
      expect({ status: response.statusCode, code: JSON.parse(response.body).code }).toEqual({ status: 400, code: 'INVALID_PAYLOAD' });
      expect(await drainQueue('github')).toHaveLength(0);
    });

    it('refuses a signed body that is not valid UTF-8 with 400 INVALID_PAYLOAD (it cannot be published as sent)', async () => {
      const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      const response = await signedGithub(body);
      expect({ status: response.statusCode, code: JSON.parse(response.body).code }).toEqual({ status: 400, code: 'INVALID_PAYLOAD' });
    });

    it('sends a payload holding U+FFFF, which SQS refuses, through the payload bucket as the exact bytes signed', async () => {
      // Prepare
      const body = `{"nonce":"${randomUUID()}","text":"a\uFFFFb"}`;

      // Act
      const response = await signedGithub(body);

      // Assess
      expect(response.statusCode).toBe(200);
      const [envelope] = (await drainQueue('github')) as Array<{ payloadLocation?: string; payload?: unknown }>;
      expect(envelope?.payload).toBeUndefined();
      const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(envelope!.payloadLocation!)!;
      const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(Buffer.from(await object.Body!.transformToByteArray()).equals(Buffer.from(body, 'utf8'))).toBe(true);
    });

    it('measures the claim check on the wire: a 180 KB emoji payload is queued in a message SNS can publish', async () => {
      // Prepare: 45,000 emoji. Escaped as \\uXXXX pairs on the wire they would take 540 KB.
      const body = JSON.stringify({ nonce: randomUUID(), text: '😀'.repeat(45_000) });

      // Act
      const response = await signedGithub(body);

      // Assess
      expect(response.statusCode).toBe(200);
      const [text] = await drainQueueText('github');
      expect(JSON.parse(text!).payload).toEqual(JSON.parse(body));
      expect(Buffer.byteLength(text!)).toBeLessThanOrEqual(MAX_PUBLISHED_MESSAGE_BYTES - ATTRIBUTE_RESERVE_BYTES);
    });

    it('sends a payload over the threshold on the wire (220 KB of emoji, 110,000 characters) through the payload bucket', async () => {
      const body = JSON.stringify({ nonce: randomUUID(), text: '😀'.repeat(55_000) });
      const response = await signedGithub(body);
      expect(response.statusCode).toBe(200);
      const [envelope] = (await drainQueue('github')) as Array<{ payloadLocation?: string }>;
      expect(envelope?.payloadLocation).toMatch(/^s3:\/\//);
    });

    it('verifies with a secret stored with a trailing newline', async () => {
      // Prepare: the stand-in's secret holds {"secrets":["gh-secret\n"]}.
      const fresh = await verifierUnderTest({ secrets: { github: ['gh-secret\n'] } });
      const body = JSON.stringify({ nonce: randomUUID() });

      // Act
      const response = await fresh.verifier(
        webhookEvent('github', body, { 'X-Hub-Signature-256': await githubSignatureHeader(body, 'gh-secret'), 'X-GitHub-Delivery': randomUUID(), 'X-GitHub-Event': 'push' }),
        lambdaContext('test-verifier', 10_000),
      );

      // Assess
      expect(response.statusCode).toBe(200);
    });
  });

  describe('URL-bound signatures on the deployed API', () => {
    // Twilio signs the URL as configured in its console; API Gateway hands the query over decoded.
    const exactUrl = 'https://hooks.example.com/webhooks/twilio?a=1&b=2&a=3&next=https://app.example.com/cb&tags=x,y';
    const params = { MessageSid: 'SM0123', MessageStatus: 'delivered' };
    const deployedEvent = () => {
      const event = webhookEvent('twilio', new URLSearchParams(params).toString(), {
        'X-Twilio-Signature': getExpectedTwilioSignature('twilio-auth-token', exactUrl, params),
        'Content-Type': 'application/x-www-form-urlencoded',
        Host: 'hooks.example.com',
        'X-Forwarded-Proto': 'https',
      });
      return {
        ...event,
        resource: '/webhooks/twilio',
        pathParameters: null,
        multiValueQueryStringParameters: { a: ['1', '3'], b: ['2'], next: ['https://app.example.com/cb'], tags: ['x,y'] },
        queryStringParameters: { a: '3', b: '2', next: 'https://app.example.com/cb', tags: 'x,y' },
      };
    };

    it.each([
      { case: 'with the configured signedUrl', signedUrls: { twilio: exactUrl }, status: 200 },
      { case: 'rebuilt from the decoded query (the re-encoded URL differs from the signed one)', signedUrls: undefined, status: 401 },
    ])('verifies a callback whose URL has repeated keys, a URL value and commas $case → $status', async ({ signedUrls, status }) => {
      // Prepare
      const { verifier: routed } = await verifierUnderTest({ secrets: { twilio: ['twilio-auth-token'] }, ...(signedUrls ? { signedUrls } : {}) });

      // Act
      const response = await routed(deployedEvent(), lambdaContext('test-verifier', 10_000));

      // Assess
      expect(response.statusCode).toBe(status);
    });
  });
});

describe('Function: createVerifierHandler', () => {
  it.each([
    { case: 'a route named after no provider', routes: { acme: {} } },
    { case: 'a route naming an unknown provider', routes: { billing: { provider: 'acme' } } },
  ])('refuses $case at cold start with a ConfigurationError', ({ routes }) => {
    // Prepare
    const config = {
      routes: Object.fromEntries(Object.entries(routes).map(([name, route]) => [name, { ...route, queueUrl: 'https://sqs.local/q', secretId: 's' }])),
      idempotencyTableName: 't',
      idempotencyWindowSeconds: 3600,
      secretsRefreshSeconds: 300,
      secretsMaxStaleSeconds: 3600,
      payloadBucketName: undefined,
      largePayloadThresholdBytes: 200_000,
    };

    // Act
    const create = () => createVerifierHandler({ config, clients, telemetry: createTelemetry('test-verifier') });

    // Assess
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(`Route "${Object.keys(routes)[0]}" names no known provider`);
  });
});
