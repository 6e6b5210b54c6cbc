import Stripe from 'stripe';
import { stripe } from '../../../../lambdas/core/providers/stripe';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import {
  signedStripeRequest,
  STRIPE_EVENT,
  STRIPE_OTHER_SECRET,
  STRIPE_SECRET,
  stripeSignatureHeader,
} from '../../../fixtures/stripe';
import { expectRefusal, headerOf, NOW, utf8CrlfJson, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';

describe('Provider: stripe', () => {
  describe('verify', () => {
    it('accepts a delivery signed by the Stripe SDK and returns its event', () => {
      // Prepare
      const request = signedStripeRequest();

      // Act
      const result = verifyRequest(stripe, request, { secrets: [STRIPE_SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: STRIPE_EVENT.id, type: STRIPE_EVENT.type, payload: STRIPE_EVENT, payloadJson: request.rawBody.toString('utf8') }],
      });
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [STRIPE_OTHER_SECRET, STRIPE_SECRET], secretIndex: 1 },
      { case: 'the first of two secrets matches', secrets: [STRIPE_SECRET, STRIPE_OTHER_SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Prepare
      const request = signedStripeRequest();

      // Act
      const result = verifyRequest(stripe, request, { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a timestamp exactly 300 s old', timestamp: NOW - 300 },
      { case: 'a timestamp exactly 300 s ahead', timestamp: NOW + 300 },
      { case: 'a body of emoji only', payload: JSON.stringify({ id: 'evt_2', type: '🚀', x: '😀😀' }) },
      { case: 'a body ending in CRLF', payload: `${JSON.stringify({ id: 'evt_3', type: 't' })}\r\n` },
    ])('accepts $case', ({ timestamp, payload }) => {
      // Prepare
      const request = signedStripeRequest({ timestamp, payload });

      // Act
      const result = verifyRequest(stripe, request, { secrets: [STRIPE_SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    it.each([
      {
        case: 'a rolled secret: two v1 entries, the second valid',
        change: (r: WebhookRequest) => {
          const header = headerOf(r, 'stripe-signature');
          const [t, v1] = header.split(',');
          return withHeaders(r, { 'Stripe-Signature': `${t},v1=${'0'.repeat(64)},${v1},v0=${'1'.repeat(64)}` });
        },
      },
      {
        case: 'a repeated header whose second value is valid',
        change: (r: WebhookRequest) =>
          withHeaders(r, { 'stripe-signature': [`t=${NOW},v1=${'0'.repeat(64)}`, headerOf(r, 'stripe-signature')] }),
      },
      {
        case: 'the header name in another case',
        change: (r: WebhookRequest) => withHeaders(r, { 'stripe-signature': undefined, 'STRIPE-SIGNATURE': headerOf(r, 'stripe-signature') }),
      },
    ])('accepts $case', ({ change }) => {
      // Prepare
      const request = change(signedStripeRequest());

      // Act
      const result = verifyRequest(stripe, request, { secrets: [STRIPE_SECRET] });

      // Assess
      expect(result.secretIndex).toBe(0);
    });

    const valid = signedStripeRequest();
    const validHeader = headerOf(valid, 'stripe-signature');
    const validMac = validHeader.split('v1=')[1]!;
    it.each([
      { case: 'missing Stripe-Signature', request: withHeaders(valid, { 'Stripe-Signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'empty Stripe-Signature', request: withHeaders(valid, { 'Stripe-Signature': ' ' }), code: 'MISSING_SIGNATURE' },
      { case: 'no timestamp', request: withHeaders(valid, { 'Stripe-Signature': `v1=${validMac}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'no v1 entry', request: withHeaders(valid, { 'Stripe-Signature': `t=${NOW}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'only a v0 entry', request: withHeaders(valid, { 'Stripe-Signature': `t=${NOW},v0=${validMac}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-hex v1', request: withHeaders(valid, { 'Stripe-Signature': `t=${NOW},v1=zz${validMac.slice(2)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-numeric timestamp', request: withHeaders(valid, { 'Stripe-Signature': `t=1e9,v1=${validMac}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, utf8CrlfJson({ ...STRIPE_EVENT, type: 'charge.refunded' })), code: 'INVALID_SIGNATURE' },
      { case: 'a re-serialised body (LF instead of CRLF)', request: withBody(valid, JSON.stringify(STRIPE_EVENT, null, 2)), code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(valid, { 'Stripe-Signature': validHeader.replace(`t=${NOW}`, `t=${NOW + 1}`) }), code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 301 s old', request: signedStripeRequest({ timestamp: NOW - 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', request: signedStripeRequest({ timestamp: NOW + 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a signed non-JSON body', request: signedStripeRequest({ payload: 'id=evt_1&type=x' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without id', request: signedStripeRequest({ payload: JSON.stringify({ type: 'x' }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without type', request: signedStripeRequest({ payload: JSON.stringify({ id: 'evt_1' }) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(stripe, request, { secrets: [STRIPE_SECRET] }), code, [STRIPE_SECRET, validMac]);
    });

    it('refuses a delivery signed with another secret, naming no secret', () => {
      // Prepare
      const request = signedStripeRequest({ secret: STRIPE_OTHER_SECRET });

      // Act
      const error = expectRefusal(() => verifyRequest(stripe, request, { secrets: [STRIPE_SECRET] }), 'INVALID_SIGNATURE', [
        STRIPE_SECRET,
        STRIPE_OTHER_SECRET,
        headerOf(request, 'stripe-signature').split('v1=')[1]!,
      ]);

      // Assess
      expect(error.details).toEqual({ secretsTried: 1 });
    });

    it('honours a route tolerance narrower than the default', () => {
      // Prepare
      const request = signedStripeRequest({ timestamp: NOW - 61 });

      // Act & Assess
      expectRefusal(() => verifyRequest(stripe, request, { secrets: [STRIPE_SECRET], toleranceSeconds: 60 }), 'TIMESTAMP_OUT_OF_TOLERANCE');
    });

    it('signs what the SDK signs: a header from generateTestHeaderString for another payload fails', () => {
      // Prepare
      const request = withHeaders(signedStripeRequest(), { 'Stripe-Signature': stripeSignatureHeader({ payload: '{}' }) });

      // Act & Assess
      expectRefusal(() => verifyRequest(stripe, request, { secrets: [STRIPE_SECRET] }), 'INVALID_SIGNATURE');
    });
  });

  describe('payload fidelity', () => {
    it('returns the signed JSON text itself: digits JSON.parse would round, key order and escapes as sent', () => {
      // Prepare
      const payload = '{"type":"invoice.paid","id":"evt_big","amount":820982911946154508,"rate":0.30000000000000000001,"note":"caf\\u00e9 \\/ 🚀"}';
      const request = signedStripeRequest({ payload });

      // Act
      const [event] = verifyRequest(stripe, request, { secrets: [STRIPE_SECRET] }).events;

      // Assess
      expect(event?.payloadJson).toBe(payload);
    });
  });

  describe('bounded work before the signature check', () => {
    const valid = signedStripeRequest();
    const header = headerOf(valid, 'stripe-signature');
    const zeros = (n: number) => Array.from({ length: n }, (_, i) => `v1=${String(i % 10).repeat(64)}`).join(',');
    it.each([
      { case: 'three header values (three timestamps to hash)', request: withHeaders(valid, { 'stripe-signature': [`t=${NOW - 1},${zeros(1)}`, `t=${NOW - 2},${zeros(1)}`, header] }) },
      { case: 'seventeen v1 signatures', request: withHeaders(valid, { 'Stripe-Signature': `${header},${zeros(16)}` }) },
    ])('refuses $case as MALFORMED_SIGNATURE, even when one of them is genuine', ({ request }) => {
      expectRefusal(() => verifyRequest(stripe, request, { secrets: [STRIPE_SECRET] }), 'MALFORMED_SIGNATURE');
    });
  });

  describe('sign', () => {
    it('produces the Stripe-Signature that Stripe\'s own SDK produces (generateTestHeaderString)', () => {
      // Prepare
      const payload = utf8CrlfJson(STRIPE_EVENT);
      const request = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/stripe', headers: {}, body: payload };

      // Act
      const signed = stripe.sign(request, { secret: STRIPE_SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      expect(signed.headers['Stripe-Signature']).toBe(stripeSignatureHeader({ payload, secret: STRIPE_SECRET, timestamp: NOW }));
    });

    it('signs what Stripe\'s SDK accepts (constructEvent)', () => {
      const payload = utf8CrlfJson(STRIPE_EVENT);
      const nowSeconds = Math.floor(Date.now() / 1000);
      const signed = stripe.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/stripe', headers: {}, body: payload }, { secret: STRIPE_SECRET, nowSeconds, options: undefined });
      const event = new Stripe('sk_test_hookrelay').webhooks.constructEvent(payload, signed.headers['Stripe-Signature']!, STRIPE_SECRET);
      expect(event.id).toBe(STRIPE_EVENT.id);
    });
  });
});
