import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { AwsClients } from '../../../lambdas/adapters/aws-clients';
import type { VerifierHandler } from '../../../lambdas/verifier/handler';
import type { LocalResources } from '../../../local/local-resources';
import { lambdaContext } from '../../../local/queue-poller';
import { verifierUnderTest } from '../../helpers/verifier-under-test';
import { webhookEvent } from '../../helpers/api-gateway-events';
import { githubSignatureHeader, stripeEventBody, stripeSignatureHeader } from '../../helpers/official-signers';

const SECRETS = { stripe: ['whsec_new', 'whsec_old'], github: ['gh-secret'] };
let resources: LocalResources;
let verifier: VerifierHandler;
let clients: AwsClients;

beforeAll(async () => {
  ({ verifier, resources, clients } = await verifierUnderTest({ secrets: SECRETS }));
});

const invoke = (provider: string, body: string | Buffer, headers: Record<string, string>) =>
  verifier(webhookEvent(provider, body, headers), lambdaContext('test-verifier', 10_000));

async function drainQueue(provider: string): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const { Messages } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: resources.providers[provider]!.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!Messages?.length) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body!)));
  }
}

describe('Handler: verifier', () => {
  afterEach(async () => {
    await drainQueue('stripe');
    await drainQueue('github');
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
      // Prepare
      const { body } = stripeEventBody();
      const headers = { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_new') };
      const first = await invoke('stripe', body, headers);

      // Act
      const second = await invoke('stripe', body, headers);

      // Assess
      expect(second.statusCode).toBe(first.statusCode);
      expect(second.body).toBe(first.body);
      expect(second.headers?.['Idempotent-Replayed']).toBe('true');
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
      const body = JSON.stringify({ id: 'evt_big', type: 'x', pad: 'a'.repeat(64 * 1024) });
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
});
