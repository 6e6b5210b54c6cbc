import { createHmac } from 'node:crypto';
import { Paddle } from '@paddle/paddle-node-sdk';
import { paddle } from '../../../../lambdas/core/providers/paddle';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import { expectRefusal, headerOf, NOW, verdictOf, verifyRequest, webhookRequest, withBody, withHeaders } from '../../../fixtures/request';

// The secret key of Paddle's own documentation example (Developer tools → Notifications).
const SECRET = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI';
const OTHER_SECRET = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_otherSecretKeyOfAnotherDestinat';
const EVENT = {
  event_id: 'evt_01hv8x2acma2gz3he4w8pw3f9c',
  event_type: 'transaction.completed',
  occurred_at: '2023-11-14T22:13:20.000Z',
  notification_id: 'ntf_01hv8x2af2fp1w8grffrpbsmaw',
  data: { id: 'txn_01hv8wptq8987qeep44cyrewp9', status: 'completed', custom_data: { note: 'Café crème ☕' } },
};
const BODY = JSON.stringify(EVENT);

/** `Paddle-Signature` computed here from Paddle's documented recipe, independently of the module. */
function paddleSignature({ body = BODY, secret = SECRET, timestamp = NOW }: { body?: string; secret?: string; timestamp?: number } = {}): string {
  return `ts=${timestamp};h1=${createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex')}`;
}

function signedRequest(init: { body?: string; secret?: string; timestamp?: number } = {}): WebhookRequest {
  const body = init.body ?? BODY;
  return webhookRequest({ provider: 'paddle', headers: { 'Paddle-Signature': paddleSignature({ ...init, body }), 'Content-Type': 'application/json' }, body });
}

const sdk = new Paddle('pdl_sdbx_apikey_hookrelay_test_never_used_for_calls');

/** Paddle's SDK verdict on the request, with its own clock; a header it cannot parse throws, read as false. */
async function paddleVerdict(request: WebhookRequest, secret = SECRET): Promise<boolean> {
  try {
    return await sdk.webhooks.isSignatureValid(request.rawBody.toString('utf8'), secret, headerOf(request, 'paddle-signature'));
  } catch {
    return false;
  }
}

/** What isSignatureValid's false (or throw) stands for: a wrong MAC, a stale ts, a header without h1. */
const SDK_REFUSALS = ['INVALID_SIGNATURE', 'TIMESTAMP_OUT_OF_TOLERANCE', 'MALFORMED_SIGNATURE'] as const;
/** Our verdict at `nowSeconds` (the real current time: the SDK reads the clock). */
const ourVerdict = (request: WebhookRequest, nowSeconds: number) => verdictOf(paddle, request, { secrets: [SECRET], nowSeconds }, SDK_REFUSALS);

describe('Provider: paddle', () => {
  describe('verify', () => {
    it('accepts a signed notification and returns its event, the body published as sent', () => {
      // Prepare
      const request = signedRequest();

      // Act
      const result = verifyRequest(paddle, request, { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [{ id: EVENT.event_id, type: EVENT.event_type, payload: EVENT, payloadJson: BODY }] });
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [OTHER_SECRET, SECRET], secretIndex: 1 },
      { case: 'the first of two secrets matches', secrets: [SECRET, OTHER_SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(paddle, signedRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it('accepts a header with two h1 entries of which the second is valid', () => {
      // Prepare
      const request = withHeaders(signedRequest(), { 'Paddle-Signature': `ts=${NOW};h1=${'0'.repeat(64)};${paddleSignature().split(';')[1]}` });

      // Act
      const result = verifyRequest(paddle, request, { secrets: [SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    it.each([
      { case: 'a ts exactly 5 s old', timestamp: NOW - 5 },
      { case: 'a ts exactly 5 s ahead', timestamp: NOW + 5 },
    ])('accepts $case', ({ timestamp }) => {
      // Act
      const result = verifyRequest(paddle, signedRequest({ timestamp }), { secrets: [SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    const valid = signedRequest();
    const validMac = headerOf(valid, 'paddle-signature').split('h1=')[1]!;
    it.each([
      { case: 'a ts 6 s old', request: signedRequest({ timestamp: NOW - 6 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a ts 6 s ahead', request: signedRequest({ timestamp: NOW + 6 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a missing Paddle-Signature', request: withHeaders(valid, { 'Paddle-Signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'an empty Paddle-Signature', request: withHeaders(valid, { 'Paddle-Signature': ' ' }), code: 'MISSING_SIGNATURE' },
      { case: 'no ts', request: withHeaders(valid, { 'Paddle-Signature': `h1=${validMac}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'no h1', request: withHeaders(valid, { 'Paddle-Signature': `ts=${NOW}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'an h1 that is not hex', request: withHeaders(valid, { 'Paddle-Signature': `ts=${NOW};h1=zz${validMac.slice(2)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated h1', request: withHeaders(valid, { 'Paddle-Signature': `ts=${NOW};h1=${validMac.slice(2)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'two different ts', request: withHeaders(valid, { 'Paddle-Signature': `ts=${NOW};ts=${NOW - 1};h1=${validMac}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a ts that is not a UNIX time', request: withHeaders(valid, { 'Paddle-Signature': `ts=1.7e9;h1=${validMac}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('completed', 'canceled')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed ts', request: withHeaders(valid, { 'Paddle-Signature': `ts=${NOW + 1};h1=${validMac}` }), code: 'INVALID_SIGNATURE' },
      { case: 'a signature by another secret', request: signedRequest({ secret: OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a signed body that is not JSON', request: signedRequest({ body: 'event_id=evt_1' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without event_id', request: signedRequest({ body: JSON.stringify({ event_type: 'transaction.paid' }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without event_type', request: signedRequest({ body: JSON.stringify({ event_id: 'evt_1' }) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, naming no secret or MAC', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(paddle, request, { secrets: [SECRET] }), code, [SECRET, OTHER_SECRET, validMac]);
    });

    it('honours a route tolerance wider than the default', () => {
      // Act
      const result = verifyRequest(paddle, signedRequest({ timestamp: NOW - 60 }), { secrets: [SECRET], toleranceSeconds: 60 });

      // Assess
      expect(result.events).toHaveLength(1);
    });
  });

  describe('against @paddle/paddle-node-sdk', () => {
    const now = () => Math.floor(Date.now() / 1000);
    it.each([
      { case: 'a fresh signed notification', build: () => signedRequest({ timestamp: now() }), accepted: true },
      { case: 'a fresh one whose second h1 is valid', build: () => withHeaders(signedRequest({ timestamp: now() }), { 'Paddle-Signature': `ts=${now()};h1=${'0'.repeat(64)};${paddleSignature({ timestamp: now() }).split(';')[1]}` }), accepted: true },
      { case: 'a tampered body', build: () => withBody(signedRequest({ timestamp: now() }), BODY.replace('completed', 'canceled')), accepted: false },
      { case: 'another secret', build: () => signedRequest({ timestamp: now(), secret: OTHER_SECRET }), accepted: false },
      { case: 'a ts 60 s old', build: () => signedRequest({ timestamp: now() - 60 }), accepted: false },
      { case: 'no h1', build: () => withHeaders(signedRequest(), { 'Paddle-Signature': `ts=${now()}` }), accepted: false },
    ])('agrees with isSignatureValid on $case (accepted: $accepted)', async ({ build, accepted }) => {
      // Prepare
      const request = build();

      // Act
      const ours = ourVerdict(request, now());

      // Assess
      expect({ ours, paddle: await paddleVerdict(request) }).toEqual({ ours: accepted, paddle: accepted });
    });

    it('the SDK checks only the old side; hookrelay also refuses a ts 60 s ahead', async () => {
      // Prepare
      const request = signedRequest({ timestamp: now() + 60 });

      // Act & Assess
      expect({ ours: ourVerdict(request, now()), paddle: await paddleVerdict(request) }).toEqual({ ours: false, paddle: true });
    });
  });

  describe('sign', () => {
    it('produces the openssl known answer', () => {
      // Prepare: printf '%s' "1700000000:$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r
      const request = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/paddle', headers: {}, body: BODY };

      // Act
      const signed = paddle.sign(request, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      expect(signed.headers).toEqual({ 'Paddle-Signature': 'ts=1700000000;h1=ae98c3022c06fc250e543051427c0be7a7548d7cfe432cf6948a967908e2f426' });
    });

    it('signs what the SDK accepts: isSignatureValid, and unmarshal returns the event', async () => {
      // Prepare
      const context = { url: 'https://hooks.example.com/webhooks/paddle', nowSeconds: Math.floor(Date.now() / 1000) };
      const body = paddle.samples.types['subscription.created']!(context);

      // Act
      const signed = paddle.sign(paddle.samples.request(body, 'subscription.created', context), { secret: SECRET, nowSeconds: context.nowSeconds, options: undefined });
      const header = signed.headers['Paddle-Signature']!;

      // Assess
      expect(await sdk.webhooks.isSignatureValid(body, SECRET, header)).toBe(true);
      const event = await sdk.webhooks.unmarshal(body, SECRET, header);
      expect({ eventId: event.eventId, eventType: event.eventType }).toEqual({ eventId: JSON.parse(body).event_id, eventType: 'subscription.created' });
    });
  });
});
