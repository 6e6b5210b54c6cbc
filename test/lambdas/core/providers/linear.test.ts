import { createHmac } from 'node:crypto';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { linear } from '../../../../lambdas/core/providers/linear';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import { expectRefusal, headerOf, NOW, verdictOf, verifyRequest, webhookRequest, withBody, withHeaders } from '../../../fixtures/request';

const SECRET = 'lin_wh_hookrelay0test0linear0signing0secret';
const OTHER_SECRET = 'lin_wh_hookrelay0test0linear0another0secret';
const DELIVERY_ID = '0c4f7e59-8a1b-4c2d-9e3f-5a6b7c8d9e0f';

/** A Linear envelope signed at `timestampMs` (the body's `webhookTimestamp`). */
function linearBody(timestampMs: number = NOW * 1000, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    action: 'create',
    type: 'Issue',
    data: { id: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9', title: 'Café ☕' },
    organizationId: '8e3b2f0e-6a3c-4f5e-9d1a-0a1b2c3d4e5f',
    webhookTimestamp: timestampMs,
    webhookId: 'f1c7a3b2-5d4e-4c3b-8a29-6e5f4d3c2b1a',
    ...extra,
  });
}
const BODY = linearBody();

/** Signed here as Linear documents it (hex HMAC-SHA256 of the body), independently of the module. */
function signedRequest({ body = BODY, secret = SECRET }: { body?: string; secret?: string } = {}): WebhookRequest {
  return webhookRequest({
    provider: 'linear',
    headers: {
      'Linear-Signature': createHmac('sha256', secret).update(body).digest('hex'),
      'Linear-Delivery': DELIVERY_ID,
      'Linear-Event': 'Issue',
      'Content-Type': 'application/json; charset=utf-8',
    },
    body,
  });
}

/** Linear's SDK verdict (its own clock): `verify` returns true or throws. */
function linearVerdict(request: WebhookRequest, secret = SECRET): boolean {
  try {
    return new LinearWebhookClient(secret).verify(request.rawBody, headerOf(request, 'linear-signature'));
  } catch {
    return false;
  }
}

/**
 * What LinearWebhookClient#verify's throw stands for: a wrong MAC, a webhookTimestamp out of its
 * 60 s, or none at all (for hookrelay a body without webhookTimestamp is an invalid payload).
 */
const SDK_REFUSALS = ['INVALID_SIGNATURE', 'TIMESTAMP_OUT_OF_TOLERANCE', 'INVALID_PAYLOAD'] as const;
/** Our verdict at the real current time (the SDK reads the clock). */
const ourVerdict = (request: WebhookRequest) => verdictOf(linear, request, { secrets: [SECRET], nowSeconds: Math.floor(Date.now() / 1000) }, SDK_REFUSALS);

describe('Provider: linear', () => {
  describe('verify', () => {
    it('accepts a signed delivery: id Linear-Delivery, type <type>.<action>, the body published as sent', () => {
      // Act
      const result = verifyRequest(linear, signedRequest(), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [{ id: DELIVERY_ID, type: 'Issue.create', payload: JSON.parse(BODY), payloadJson: BODY }] });
    });

    it('returns secretIndex 1 when the second secret matches (rotation)', () => {
      // Act
      const result = verifyRequest(linear, signedRequest(), { secrets: [OTHER_SECRET, SECRET] });

      // Assess
      expect(result.secretIndex).toBe(1);
    });

    it.each([
      { case: 'a webhookTimestamp exactly 60 s old', timestampMs: NOW * 1000 - 60_000 },
      { case: 'a webhookTimestamp exactly 60 s ahead', timestampMs: NOW * 1000 + 60_000 },
      { case: 'a fractional webhookTimestamp inside the window', timestampMs: NOW * 1000 - 59_999.5 },
    ])('accepts $case', ({ timestampMs }) => {
      // Act
      const result = verifyRequest(linear, signedRequest({ body: linearBody(timestampMs) }), { secrets: [SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    const valid = signedRequest();
    const validMac = headerOf(valid, 'linear-signature');
    it.each([
      { case: 'a webhookTimestamp 60.001 s old', request: signedRequest({ body: linearBody(NOW * 1000 - 60_001) }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a webhookTimestamp 60.001 s ahead', request: signedRequest({ body: linearBody(NOW * 1000 + 60_001) }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a webhookTimestamp in seconds, not milliseconds', request: signedRequest({ body: linearBody(NOW) }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a missing Linear-Signature', request: withHeaders(valid, { 'Linear-Signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a Linear-Signature that is not hex', request: withHeaders(valid, { 'Linear-Signature': `zz${validMac.slice(2)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated Linear-Signature', request: withHeaders(valid, { 'Linear-Signature': validMac.slice(2) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('create', 'remove')), code: 'INVALID_SIGNATURE' },
      { case: 'a body with a moved timestamp', request: withBody(valid, linearBody(NOW * 1000 + 1)), code: 'INVALID_SIGNATURE' },
      { case: 'a signature by another secret', request: signedRequest({ secret: OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a signed body without webhookTimestamp', request: signedRequest({ body: JSON.stringify({ type: 'Issue', action: 'create' }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body whose webhookTimestamp is a string', request: signedRequest({ body: linearBody(NOW * 1000, { webhookTimestamp: String(NOW * 1000) }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body that is not JSON', request: signedRequest({ body: 'type=Issue' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without action', request: signedRequest({ body: linearBody(NOW * 1000, { action: undefined }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without type', request: signedRequest({ body: linearBody(NOW * 1000, { type: undefined }) }), code: 'INVALID_PAYLOAD' },
      { case: 'no Linear-Delivery', request: withHeaders(valid, { 'Linear-Delivery': undefined }), code: 'INVALID_PAYLOAD' },
      { case: 'a Linear-Delivery with a control character', request: withHeaders(valid, { 'Linear-Delivery': 'a\u0007b' }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, naming no secret or MAC', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(linear, request, { secrets: [SECRET] }), code, [SECRET, OTHER_SECRET, validMac]);
    });

    it('takes the id from Linear-Delivery, which is unsigned: the same signed body under another delivery id is another event', () => {
      // Prepare
      const replayed = withHeaders(signedRequest(), { 'Linear-Delivery': 'e2f0a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a5b' });

      // Act
      const [first, second] = [signedRequest(), replayed].map((request) => verifyRequest(linear, request, { secrets: [SECRET] }).events[0]);

      // Assess: no content key, so deduplication is on the delivery id, and the window is the 60 s of webhookTimestamp.
      expect([first?.id, second?.id, first?.contentKey, second?.contentKey]).toEqual([DELIVERY_ID, 'e2f0a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a5b', undefined, undefined]);
    });
  });

  describe('against @linear/sdk', () => {
    const nowMs = () => Date.now();
    it.each([
      { case: 'a fresh signed delivery', build: () => signedRequest({ body: linearBody(nowMs()) }), accepted: true },
      { case: 'a tampered body', build: () => withBody(signedRequest({ body: linearBody(nowMs()) }), linearBody(nowMs() + 1)), accepted: false },
      { case: 'another secret', build: () => signedRequest({ body: linearBody(nowMs()), secret: OTHER_SECRET }), accepted: false },
      { case: 'a webhookTimestamp 61 s old', build: () => signedRequest({ body: linearBody(nowMs() - 61_000) }), accepted: false },
      { case: 'a webhookTimestamp 61 s ahead', build: () => signedRequest({ body: linearBody(nowMs() + 61_000) }), accepted: false },
      { case: 'no webhookTimestamp', build: () => signedRequest({ body: JSON.stringify({ type: 'Issue', action: 'create' }) }), accepted: false },
    ])('agrees with LinearWebhookClient#verify on $case (accepted: $accepted)', ({ build, accepted }) => {
      // Prepare
      const request = build();

      // Act & Assess
      expect({ ours: ourVerdict(request), linear: linearVerdict(request) }).toEqual({ ours: accepted, linear: accepted });
    });
  });

  describe('sign', () => {
    it('produces the openssl known answer', () => {
      // Prepare: printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r
      const request = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/linear', headers: {}, body: BODY };

      // Act
      const signed = linear.sign(request, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      expect(signed.headers).toEqual({ 'Linear-Signature': '8f74b1808b154a912546b5575d329ae368ac4c668f6b14a49a48a074a7d789c0' });
    });

    it('signs samples that Linear’s SDK verifies and parses (parseData)', () => {
      // Prepare
      const context = { url: 'https://hooks.example.com/webhooks/linear', nowSeconds: Math.floor(Date.now() / 1000) };
      const body = linear.samples.types['Issue.update']!(context);

      // Act
      const signed = linear.sign(linear.samples.request(body, 'Issue.update', context), { secret: SECRET, nowSeconds: context.nowSeconds, options: undefined });

      // Assess
      const parsed = new LinearWebhookClient(SECRET).parseData(Buffer.from(body), signed.headers['Linear-Signature']!);
      expect({ type: parsed.type, action: parsed.action }).toEqual({ type: 'Issue', action: 'update' });
      expect(signed.headers).toMatchObject({ 'Linear-Delivery': expect.stringMatching(/^[0-9a-f-]{36}$/), 'Linear-Event': 'Issue' });
    });
  });
});
