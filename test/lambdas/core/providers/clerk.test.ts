import { verifyWebhook } from '@clerk/backend/webhooks';
import { receivedRequest } from '../../../../lambdas/core/provider';
import { clerk } from '../../../../lambdas/core/providers/clerk';
import { expectRefusal, headerOf, NOW, utf8CrlfJson, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import { signedStandardRequest, standardSignature } from '../../../fixtures/standard';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_c2VjcmV0LW90aGVyLWhvb2tyZWxheS10ZXN0';
const ID = 'msg_2hookrelayClerkDelivery0001';
const EVENT = {
  data: { id: 'user_2hookrelayZoeMartin00000', object: 'user', first_name: 'Zoë', last_name: 'Martin 🚀', email_addresses: [] },
  event_attributes: { http_request: { client_ip: '203.0.113.7', user_agent: 'Mozilla/5.0' } },
  instance_id: 'ins_2hookrelayDevelopmentInst',
  object: 'event',
  timestamp: NOW * 1000,
  type: 'user.created',
};
const BODY = utf8CrlfJson(EVENT);
const signed = (init: { body?: string; secret?: string; id?: string; timestamp?: number; signature?: string } = {}) =>
  signedStandardRequest({ route: 'clerk', prefix: 'svix-', body: BODY, secret: SECRET, id: ID, ...init });

/** Clerk's own `verifyWebhook`, given the request as a Fetch `Request`, as a Next.js route hands it over. */
function clerkVerify(headers: Record<string, string>, body: string, signingSecret = SECRET) {
  return verifyWebhook(new Request('https://hooks.example.com/webhooks/clerk', { method: 'POST', headers, body }), { signingSecret });
}

describe('Provider: clerk', () => {
  beforeEach(() => {
    // standardwebhooks (inside @clerk/backend) reads Date.now() for its tolerance check.
    jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('verify', () => {
    it('accepts a delivery signed by standardwebhooks and returns the event: id svix-id, type body.type, payload as sent', () => {
      // Act
      const result = verifyRequest(clerk, signed(), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [{ id: ID, type: 'user.created', payload: EVENT, payloadJson: BODY }] });
    });

    it('agrees with Clerk: verifyWebhook from @clerk/backend accepts the same delivery', async () => {
      // Prepare
      const request = signed();

      // Act
      const verified = await clerkVerify(
        { 'svix-id': ID, 'svix-timestamp': String(NOW), 'svix-signature': headerOf(request, 'svix-signature') },
        BODY,
      );

      // Assess
      expect(verified).toMatchObject({ type: 'user.created', data: EVENT.data });
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [OTHER_SECRET, SECRET], secretIndex: 1 },
      { case: 'the only secret matches', secrets: [SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(clerk, signed(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a signature list: an old signature, then the valid one', init: { signature: `${standardSignature({ body: BODY, secret: OTHER_SECRET, id: ID })} ${standardSignature({ body: BODY, secret: SECRET, id: ID })}` } },
      { case: 'a timestamp exactly 300 s old', init: { timestamp: NOW - 300 } },
      { case: 'a timestamp exactly 300 s ahead', init: { timestamp: NOW + 300 } },
    ])('accepts $case', ({ init }) => {
      // Act
      const result = verifyRequest(clerk, signed(init), { secrets: [SECRET] });

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
      { case: 'the webhook-* spelling, which Clerk never sends and its SDK ignores', request: webhookHeadersOnly, code: 'MISSING_SIGNATURE' },
      { case: 'a signature without version', request: withHeaders(valid, { 'svix-signature': signature.slice(3) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a hex signature', request: withHeaders(valid, { 'svix-signature': `v1,${'ab'.repeat(32)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-numeric timestamp', request: withHeaders(valid, { 'svix-timestamp': '2023-11-14T22:13:20Z' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong secret', request: signed({ secret: OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('Zoë', 'Zoe')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed svix-id', request: withHeaders(valid, { 'svix-id': 'msg_other' }), code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 301 s old', request: signed({ timestamp: NOW - 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', request: signed({ timestamp: NOW + 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a signed non-JSON body', request: signed({ body: 'user.created' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without type', request: signed({ body: '{"object":"event","data":{}}' }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(clerk, request, { secrets: [SECRET] }), code, [SECRET, signature.slice(3)]);
    });

    it('is refused by Clerk too when the body is tampered with (the oracle can fail)', async () => {
      await expect(
        clerkVerify({ 'svix-id': ID, 'svix-timestamp': String(NOW), 'svix-signature': signature }, BODY.replace('Zoë', 'Zoe')),
      ).rejects.toThrow();
    });
  });

  describe('sign', () => {
    const unsigned = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/clerk', headers: { 'svix-id': ID }, body: BODY };

    it('produces the svix-* headers standardwebhooks produces for the same id and time', () => {
      // Act
      const sent = clerk.sign(unsigned, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      expect(sent.headers).toMatchObject({ 'svix-id': ID, 'svix-timestamp': String(NOW), 'svix-signature': standardSignature({ body: BODY, secret: SECRET, id: ID }) });
    });

    it('signs what verifyWebhook from @clerk/backend accepts, and what verify accepts back', async () => {
      // Prepare
      const sent = clerk.sign(unsigned, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Act
      const theirs = await clerkVerify({ ...sent.headers }, BODY);
      const ours = verifyRequest(clerk, receivedRequest(sent, 'clerk'), { secrets: [SECRET] });

      // Assess
      expect(theirs.type).toBe('user.created');
      expect(ours.events.map((event) => event.id)).toEqual([ID]);
    });
  });
});
