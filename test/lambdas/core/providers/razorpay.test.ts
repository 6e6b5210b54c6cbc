import { createHash, createHmac } from 'node:crypto';
import Razorpay from 'razorpay';
import { contentKey } from '../../../../lambdas/core/provider';
import { razorpay } from '../../../../lambdas/core/providers/razorpay';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import { expectRefusal, headerOf, NOW, verdictOf, verifyRequest, webhookRequest, withBody, withHeaders } from '../../../fixtures/request';

const SECRET = 'hookrelay-test-razorpay-webhook-secret';
const OTHER_SECRET = 'hookrelay-test-razorpay-another-secret';
const EVENT_ID = 'KqLhxEMbbbo8Fk';
const EVENT = {
  entity: 'event',
  account_id: 'acc_BFQ7uQEaa7j2z7',
  event: 'payment.captured',
  contains: ['payment'],
  payload: { payment: { entity: { id: 'pay_DESlfW9H8K9uqM', entity: 'payment', amount: 100, currency: 'INR', status: 'captured', description: 'Café ☕' } } },
  created_at: 1700000000,
};
const BODY = JSON.stringify(EVENT);

/** Signed here as Razorpay documents it (hex HMAC-SHA256 of the body), independently of the module. */
function signedRequest({ body = BODY, secret = SECRET }: { body?: string; secret?: string } = {}): WebhookRequest {
  return webhookRequest({
    provider: 'razorpay',
    headers: { 'X-Razorpay-Signature': createHmac('sha256', secret).update(body).digest('hex'), 'X-Razorpay-Event-Id': EVENT_ID, 'Content-Type': 'application/json' },
    body,
  });
}

/** validateWebhookSignature checks the MAC only: its false is INVALID_SIGNATURE, nothing else. */
const ourVerdict = (request: WebhookRequest) => verdictOf(razorpay, request, { secrets: [SECRET] }, ['INVALID_SIGNATURE']);

const razorpayVerdict = (request: WebhookRequest) =>
  Razorpay.validateWebhookSignature(request.rawBody.toString('utf8'), headerOf(request, 'x-razorpay-signature'), SECRET);

describe('Provider: razorpay', () => {
  describe('verify', () => {
    it('accepts a signed event: id X-Razorpay-Event-Id, type event, a content key of the signed body', () => {
      // Act
      const result = verifyRequest(razorpay, signedRequest(), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: EVENT_ID, type: 'payment.captured', payload: EVENT, payloadJson: BODY, contentKey: contentKey('payment.captured', Buffer.from(BODY)) }],
      });
    });

    it('returns secretIndex 1 when the second secret matches (rotation)', () => {
      // Act
      const result = verifyRequest(razorpay, signedRequest(), { secrets: [OTHER_SECRET, SECRET] });

      // Assess
      expect(result.secretIndex).toBe(1);
    });

    it('gives a replay with a fresh X-Razorpay-Event-Id the same content key: deduplicated as a repeat', () => {
      // Prepare
      const replayed = withHeaders(signedRequest(), { 'X-Razorpay-Event-Id': 'FreshUnsignedId' });

      // Act
      const [first, second] = [signedRequest(), replayed].map((request) => verifyRequest(razorpay, request, { secrets: [SECRET] }).events[0]);

      // Assess
      expect({ ids: [first?.id, second?.id], sameKey: first?.contentKey === second?.contentKey }).toEqual({ ids: [EVENT_ID, 'FreshUnsignedId'], sameKey: true });
    });

    it('names the event by the SHA-256 of the body when X-Razorpay-Event-Id is absent', () => {
      // Act
      const result = verifyRequest(razorpay, withHeaders(signedRequest(), { 'X-Razorpay-Event-Id': undefined }), { secrets: [SECRET] });

      // Assess
      expect(result.events[0]?.id).toBe(createHash('sha256').update(BODY).digest('hex'));
    });

    const valid = signedRequest();
    const validMac = headerOf(valid, 'x-razorpay-signature');
    it.each([
      { case: 'a missing X-Razorpay-Signature', request: withHeaders(valid, { 'X-Razorpay-Signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a signature that is not hex', request: withHeaders(valid, { 'X-Razorpay-Signature': `zz${validMac.slice(2)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated signature', request: withHeaders(valid, { 'X-Razorpay-Signature': validMac.slice(2) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('"amount":100', '"amount":1')), code: 'INVALID_SIGNATURE' },
      { case: 'a signature by another secret', request: signedRequest({ secret: OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a signed body that is not JSON', request: signedRequest({ body: 'event=payment.captured' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without event', request: signedRequest({ body: JSON.stringify({ entity: 'event' }) }), code: 'INVALID_PAYLOAD' },
      { case: 'an X-Razorpay-Event-Id with a control character', request: withHeaders(valid, { 'X-Razorpay-Event-Id': 'a\u0000b' }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, naming no secret or MAC', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(razorpay, request, { secrets: [SECRET] }), code, [SECRET, OTHER_SECRET, validMac]);
    });
  });

  describe('against razorpay validateWebhookSignature', () => {
    it.each([
      { case: 'the signed event', request: signedRequest(), accepted: true },
      { case: 'a tampered body', request: withBody(signedRequest(), BODY.replace('"amount":100', '"amount":1')), accepted: false },
      { case: 'another secret', request: signedRequest({ secret: OTHER_SECRET }), accepted: false },
    ])('agrees on $case (accepted: $accepted)', ({ request, accepted }) => {
      // Act & Assess
      expect({ ours: ourVerdict(request), razorpay: razorpayVerdict(request) }).toEqual({ ours: accepted, razorpay: accepted });
    });
  });

  describe('sign', () => {
    it('produces the openssl known answer', () => {
      // Prepare: printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r
      const request = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/razorpay', headers: {}, body: BODY };

      // Act
      const signed = razorpay.sign(request, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      expect(signed.headers).toEqual({ 'X-Razorpay-Signature': '422dad80d76909e87c91e9ada3e721e7970ae59c6ed8cb074e35721486f3c560' });
    });

    it('signs samples that validateWebhookSignature accepts', () => {
      // Prepare
      const context = { url: 'https://hooks.example.com/webhooks/razorpay', nowSeconds: NOW };
      const body = razorpay.samples.types['order.paid']!(context);

      // Act
      const signed = razorpay.sign(razorpay.samples.request(body, 'order.paid', context), { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      expect(Razorpay.validateWebhookSignature(body, signed.headers['X-Razorpay-Signature']!, SECRET)).toBe(true);
    });
  });
});
