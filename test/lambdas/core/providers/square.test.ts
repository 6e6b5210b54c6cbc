import { createHmac } from 'node:crypto';
import { WebhooksHelper } from 'square';
import { square } from '../../../../lambdas/core/providers/square';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import { expectRefusal, headerOf, NOW, verdictOf, verifyRequest, webhookRequest, withBody, withHeaders, withUrl } from '../../../fixtures/request';

const SECRET = 'asdf1234qwer5678-square-signature-key';
const OTHER_SECRET = 'zxcv0987uiop6543-square-signature-key';
const URL = 'https://hooks.example.com/webhooks/square';
const EVENT = {
  merchant_id: '6SSW7HV8K2ST5',
  type: 'payment.updated',
  event_id: '9c3b3a4e-4a1f-3e6b-9a2d-1f0e6d5c4b3a',
  created_at: '2023-11-14T22:13:20Z',
  data: { type: 'payment', id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY', object: { payment: { id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY', status: 'COMPLETED', note: 'Café ☕' } } },
};
const BODY = JSON.stringify(EVENT);

/** Signed here as Square documents it (base64 HMAC-SHA256 of URL + body), independently of the module. */
function signedRequest({ body = BODY, secret = SECRET, url = URL, signedUrl = url }: { body?: string; secret?: string; url?: string; signedUrl?: string } = {}): WebhookRequest {
  const signature = createHmac('sha256', secret).update(signedUrl + body).digest('base64');
  return webhookRequest({ provider: 'square', headers: { 'x-square-hmacsha256-signature': signature, 'Content-Type': 'application/json' }, body, url });
}

async function squareVerdict(request: WebhookRequest, secret = SECRET): Promise<boolean> {
  return WebhooksHelper.verifySignature({
    requestBody: request.rawBody.toString('utf8'),
    signatureHeader: headerOf(request, 'x-square-hmacsha256-signature'),
    signatureKey: secret,
    notificationUrl: request.url,
  });
}

/** verifySignature checks the MAC only: its false is INVALID_SIGNATURE, nothing else. */
const ourVerdict = (request: WebhookRequest) => verdictOf(square, request, { secrets: [SECRET] }, ['INVALID_SIGNATURE']);

describe('Provider: square', () => {
  describe('verify', () => {
    it('accepts a signed notification and returns its event, the body published as sent', () => {
      // Act
      const result = verifyRequest(square, signedRequest(), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [{ id: EVENT.event_id, type: EVENT.type, payload: EVENT, payloadJson: BODY }] });
    });

    it('returns secretIndex 1 when the second signature key matches (rotation)', () => {
      // Act
      const result = verifyRequest(square, signedRequest(), { secrets: [OTHER_SECRET, SECRET] });

      // Assess
      expect(result.secretIndex).toBe(1);
    });

    const valid = signedRequest();
    const validMac = headerOf(valid, 'x-square-hmacsha256-signature');
    it.each([
      { case: 'a missing signature', request: withHeaders(valid, { 'x-square-hmacsha256-signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'only the legacy SHA-1 x-square-signature', request: withHeaders(valid, { 'x-square-hmacsha256-signature': undefined, 'x-square-signature': 'c2lnbmF0dXJlMQ==' }), code: 'MISSING_SIGNATURE' },
      { case: 'a signature that is not base64', request: withHeaders(valid, { 'x-square-hmacsha256-signature': `*${validMac.slice(1)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature of the wrong length', request: withHeaders(valid, { 'x-square-hmacsha256-signature': 'c2lnbmF0dXJlMQ==' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('COMPLETED', 'FAILED')), code: 'INVALID_SIGNATURE' },
      { case: 'a signature by another key', request: signedRequest({ secret: OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'another path', request: withUrl(valid, 'https://hooks.example.com/webhooks/square-eu'), code: 'INVALID_SIGNATURE' },
      { case: 'another host', request: withUrl(valid, 'https://evil.example.com/webhooks/square'), code: 'INVALID_SIGNATURE' },
      { case: 'an added query string', request: withUrl(valid, `${URL}?x=1`), code: 'INVALID_SIGNATURE' },
      { case: 'an explicit default port', request: withUrl(valid, 'https://hooks.example.com:443/webhooks/square'), code: 'INVALID_SIGNATURE' },
      { case: 'a signed body that is not JSON', request: signedRequest({ body: 'event_id=1' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without event_id', request: signedRequest({ body: JSON.stringify({ type: 'payment.updated' }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without type', request: signedRequest({ body: JSON.stringify({ event_id: 'e1' }) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, naming no secret or MAC', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(square, request, { secrets: [SECRET] }), code, [SECRET, OTHER_SECRET, validMac]);
    });

    it('verifies the URL byte for byte: a query string signed as received is accepted', () => {
      // Prepare
      const url = 'http://127.0.0.1:4321/webhooks/square?tenant=caf%C3%A9&x=1';

      // Act
      const result = verifyRequest(square, signedRequest({ url }), { secrets: [SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });
  });

  describe('against square WebhooksHelper.verifySignature', () => {
    it.each([
      { case: 'the signed notification', request: signedRequest(), accepted: true },
      { case: 'a query-string URL', request: signedRequest({ url: `${URL}?tenant=acme` }), accepted: true },
      { case: 'a tampered body', request: withBody(signedRequest(), BODY.replace('COMPLETED', 'FAILED')), accepted: false },
      { case: 'another key', request: signedRequest({ secret: OTHER_SECRET }), accepted: false },
      { case: 'another URL', request: signedRequest({ signedUrl: `${URL}-eu`, url: URL }), accepted: false },
      { case: 'an explicit default port', request: signedRequest({ signedUrl: URL, url: 'https://hooks.example.com:443/webhooks/square' }), accepted: false },
    ])('agrees on $case (accepted: $accepted)', async ({ request, accepted }) => {
      // Act & Assess
      expect({ ours: ourVerdict(request), square: await squareVerdict(request) }).toEqual({ ours: accepted, square: accepted });
    });
  });

  describe('sign', () => {
    it('produces the openssl known answer', () => {
      // Prepare: printf '%s' "$URL$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
      const request = { method: 'POST' as const, url: URL, headers: {}, body: BODY };

      // Act
      const signed = square.sign(request, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      expect(signed.headers).toEqual({ 'x-square-hmacsha256-signature': 'AIlJMrOKiiM8TBsQxzwuaYiKa4z2E0ktn7F4Ov52np0=' });
    });

    it('signs samples that square’s verifySignature accepts for the URL they are sent to', async () => {
      // Prepare
      const context = { url: 'http://127.0.0.1:4321/webhooks/square', nowSeconds: NOW };
      const body = square.samples.types['refund.created']!(context);

      // Act
      const signed = square.sign(square.samples.request(body, 'refund.created', context), { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      const valid = await WebhooksHelper.verifySignature({ requestBody: body, signatureHeader: signed.headers['x-square-hmacsha256-signature']!, signatureKey: SECRET, notificationUrl: context.url });
      expect(valid).toBe(true);
    });
  });
});
