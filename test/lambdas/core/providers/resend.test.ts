import { Resend } from 'resend';
import { receivedRequest } from '../../../../lambdas/core/provider';
import { resend } from '../../../../lambdas/core/providers/resend';
import { expectRefusal, headerOf, NOW, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import { signedStandardRequest, standardSignature } from '../../../fixtures/standard';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_c2VjcmV0LW90aGVyLWhvb2tyZWxheS10ZXN0';
const ID = 'msg_2hookrelayResendDelivery01';
const EVENT = {
  type: 'email.bounced',
  created_at: '2023-11-14T22:13:20.000Z',
  data: {
    created_at: '2023-11-14T22:13:19.000Z',
    email_id: '56761188-7520-42d8-8898-ff6fc54ce618',
    from: 'Zoë’s Bakery <orders@bakery.example.com>',
    to: ['zoe@example.com'],
    subject: 'Commande prête 🥐',
    bounce: { message: 'Mailbox does not exist', subType: 'General', type: 'Permanent' },
  },
};
// Compact, as Resend sends it.
const BODY = JSON.stringify(EVENT);
const signed = (init: { body?: string; secret?: string; id?: string; timestamp?: number; signature?: string } = {}) =>
  signedStandardRequest({ route: 'resend', prefix: 'svix-', body: BODY, secret: SECRET, id: ID, ...init });

/** Resend's own verification: `resend.webhooks.verify({ payload, headers, webhookSecret })`. */
function resendVerify(headers: { id: string; timestamp: string; signature: string }, payload: string, webhookSecret = SECRET) {
  return new Resend('re_hookrelay_test').webhooks.verify({ payload, headers, webhookSecret });
}

describe('Provider: resend', () => {
  beforeEach(() => {
    // standardwebhooks (inside resend) reads Date.now() for its tolerance check.
    jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('verify', () => {
    it('accepts a delivery signed by standardwebhooks and returns the event: id svix-id, type body.type, payload as sent', () => {
      // Act
      const result = verifyRequest(resend, signed(), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [{ id: ID, type: 'email.bounced', payload: EVENT, payloadJson: BODY }] });
    });

    it('agrees with Resend: resend.webhooks.verify accepts the same delivery', () => {
      // Act
      const verified = resendVerify({ id: ID, timestamp: String(NOW), signature: headerOf(signed(), 'svix-signature') }, BODY);

      // Assess
      expect(verified).toEqual(EVENT);
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [OTHER_SECRET, SECRET], secretIndex: 1 },
      { case: 'the only secret matches', secrets: [SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(resend, signed(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a signature list: an old signature, then the valid one', init: { signature: `${standardSignature({ body: BODY, secret: OTHER_SECRET, id: ID })} ${standardSignature({ body: BODY, secret: SECRET, id: ID })}` } },
      { case: 'a timestamp exactly 300 s old', init: { timestamp: NOW - 300 } },
      { case: 'a timestamp exactly 300 s ahead', init: { timestamp: NOW + 300 } },
    ])('accepts $case', ({ init }) => {
      // Act
      const result = verifyRequest(resend, signed(init), { secrets: [SECRET] });

      // Assess
      expect(result.events.map((event) => event.id)).toEqual([ID]);
    });

    const valid = signed();
    const signature = headerOf(valid, 'svix-signature');
    const webhookHeadersOnly = withHeaders(valid, {
      'svix-id': undefined,
      'svix-timestamp': undefined,
      'svix-signature': undefined,
      'webhook-id': ID,
      'webhook-timestamp': String(NOW),
      'webhook-signature': signature,
    });
    it.each([
      { case: 'missing svix-id', request: withHeaders(valid, { 'svix-id': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'missing svix-timestamp', request: withHeaders(valid, { 'svix-timestamp': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'missing svix-signature', request: withHeaders(valid, { 'svix-signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'the webhook-* spelling, which Resend does not send', request: webhookHeadersOnly, code: 'MISSING_SIGNATURE' },
      { case: 'a signature of an unknown version', request: withHeaders(valid, { 'svix-signature': signature.replace('v1,', 'v2,') }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated signature', request: withHeaders(valid, { 'svix-signature': signature.slice(0, -4) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a millisecond timestamp', request: withHeaders(valid, { 'svix-timestamp': String(NOW * 1000) }), code: 'INVALID_SIGNATURE' },
      { case: 'a wrong secret', request: signed({ secret: OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('Permanent', 'Transient')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed svix-id', request: withHeaders(valid, { 'svix-id': 'msg_other' }), code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 301 s old', request: signed({ timestamp: NOW - 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', request: signed({ timestamp: NOW + 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a signed non-JSON body', request: signed({ body: '<html></html>' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without type', request: signed({ body: '{"data":{}}' }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(resend, request, { secrets: [SECRET] }), code, [SECRET, signature.slice(3)]);
    });

    it('is refused by Resend too when the body is tampered with (the oracle can fail)', () => {
      expect(() => resendVerify({ id: ID, timestamp: String(NOW), signature }, BODY.replace('Permanent', 'Transient'))).toThrow();
    });
  });

  describe('sign', () => {
    const unsigned = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/resend', headers: { 'svix-id': ID }, body: BODY };

    it('produces the svix-* headers standardwebhooks produces for the same id and time', () => {
      // Act
      const sent = resend.sign(unsigned, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      expect(sent.headers).toMatchObject({ 'svix-id': ID, 'svix-timestamp': String(NOW), 'svix-signature': standardSignature({ body: BODY, secret: SECRET, id: ID }) });
    });

    it('signs what resend.webhooks.verify accepts, and what verify accepts back', () => {
      // Prepare
      const sent = resend.sign(unsigned, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Act
      const theirs = resendVerify({ id: sent.headers['svix-id']!, timestamp: sent.headers['svix-timestamp']!, signature: sent.headers['svix-signature']! }, BODY);
      const ours = verifyRequest(resend, receivedRequest(sent, 'resend'), { secrets: [SECRET] });

      // Assess
      expect(theirs).toEqual(EVENT);
      expect(ours.events.map((event) => event.id)).toEqual([ID]);
    });
  });
});
