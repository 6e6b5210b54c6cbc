import { createHmac } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import { hubspot } from '../../../../lambdas/core/providers/hubspot';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import { expectRefusal, headerOf, NOW, verdictOf, verifyRequest, webhookRequest, withBody, withHeaders, withUrl } from '../../../fixtures/request';

// The client secret and body of HubSpot's own request-validation example.
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const OTHER_SECRET = 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz';
const DOCUMENTED_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const URL = 'https://hooks.example.com/webhooks/hubspot';
const ITEMS = [
  { eventId: 100, subscriptionId: 12345, portalId: 62515, occurredAt: 1700000000000, subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 123, propertyName: 'firstname', propertyValue: 'Zoë', changeSource: 'CRM' },
  { eventId: 101, subscriptionId: 12345, portalId: 62515, occurredAt: 1700000000100, subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 124, propertyName: 'email', propertyValue: 'zoe@example.com', changeSource: 'CRM' },
  { eventId: 7, subscriptionId: 555, portalId: 62515, occurredAt: 1700000000200, subscriptionType: 'deal.creation', attemptNumber: 0, objectId: 9, changeFlag: 'NEW', changeSource: 'CRM' },
];
/** Pretty-printed, so each item's published slice must be cut from the signed text, not re-serialised. */
const BODY = JSON.stringify(ITEMS, null, 1);
const oneItemTampered = BODY.replace('"propertyValue": "Zoë"', '"propertyValue": "Zoe"');

interface SignInit {
  readonly body?: string;
  readonly secret?: string;
  readonly timestampMs?: number;
  readonly url?: string;
  readonly signedUrl?: string;
}

/** Signed by `@hubspot/api-client` itself: `Signature.getSignature('POST', 'v3', …)`. */
function signedRequest({ body = BODY, secret = SECRET, timestampMs = NOW * 1000, url = URL, signedUrl = url }: SignInit = {}): WebhookRequest {
  const signature = Signature.getSignature('POST', 'v3', { clientSecret: secret, requestBody: body, url: signedUrl, timestamp: timestampMs, signature: '' });
  return webhookRequest({
    provider: 'hubspot',
    headers: { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestampMs), 'Content-Type': 'application/json' },
    body,
    url,
  });
}

/** HubSpot's SDK verdict (its own clock): `isValid` returns a boolean or throws on a stale timestamp. */
function hubspotVerdict(request: WebhookRequest): boolean {
  try {
    return Signature.isValid({
      signatureVersion: 'v3',
      method: request.method,
      url: request.url,
      requestBody: request.rawBody.toString('utf8'),
      clientSecret: SECRET,
      signature: headerOf(request, 'x-hubspot-signature-v3'),
      timestamp: Number(headerOf(request, 'x-hubspot-request-timestamp')),
    });
  } catch {
    return false;
  }
}

/** What Signature.isValid's false (or throw) stands for: a wrong MAC or a stale timestamp. */
const SDK_REFUSALS = ['INVALID_SIGNATURE', 'TIMESTAMP_OUT_OF_TOLERANCE'] as const;
/** Our verdict at the real current time (the SDK reads the clock). */
const ourVerdict = (request: WebhookRequest) => verdictOf(hubspot, request, { secrets: [SECRET], nowSeconds: Math.floor(Date.now() / 1000) }, SDK_REFUSALS);

describe('Provider: hubspot', () => {
  describe('verify', () => {
    it('accepts a signed batch: one event per item, id <portalId>:<subscriptionId>:<eventId>, payloadJson the item’s exact slice', () => {
      // Act
      const result = verifyRequest(hubspot, signedRequest(), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: ITEMS.map((item) => ({
          id: `${item.portalId}:${item.subscriptionId}:${item.eventId}`,
          type: item.subscriptionType,
          payload: item,
          payloadJson: JSON.stringify(item, null, 1).replace(/\n/g, '\n ').trimEnd(),
        })),
      });
    });

    it('returns secretIndex 1 when the second client secret matches (rotation)', () => {
      // Act
      const result = verifyRequest(hubspot, signedRequest(), { secrets: [OTHER_SECRET, SECRET] });

      // Assess
      expect(result.secretIndex).toBe(1);
    });

    it.each([
      { case: 'a timestamp exactly 300 s old', timestampMs: NOW * 1000 - 300_000 },
      { case: 'a timestamp exactly 300 s ahead', timestampMs: NOW * 1000 + 300_000 },
    ])('accepts $case', ({ timestampMs }) => {
      // Act
      const result = verifyRequest(hubspot, signedRequest({ timestampMs }), { secrets: [SECRET] });

      // Assess
      expect(result.events).toHaveLength(3);
    });

    it.each([
      { case: 'an empty batch', body: '[]', ids: [] },
      { case: 'ids written as strings', body: '[{"eventId":"e-1","subscriptionId":"s","portalId":"p","subscriptionType":"contact.creation"}]', ids: ['p:s:e-1'] },
      { case: 'an eventId above 2^53, kept as written', body: '[{"eventId":18014398509481985,"subscriptionId":1,"portalId":2,"subscriptionType":"contact.creation"}]', ids: ['2:1:18014398509481985'] },
    ])('accepts $case', ({ body, ids }) => {
      // Act
      const result = verifyRequest(hubspot, signedRequest({ body }), { secrets: [SECRET] });

      // Assess
      expect(result.events.map((event) => event.id)).toEqual(ids);
    });

    const valid = signedRequest();
    const validMac = headerOf(valid, 'x-hubspot-signature-v3');
    it.each([
      { case: 'a timestamp 300.001 s old', request: signedRequest({ timestampMs: NOW * 1000 - 300_001 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 300.001 s ahead', request: signedRequest({ timestampMs: NOW * 1000 + 300_001 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp in seconds', request: signedRequest({ timestampMs: NOW }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a missing signature', request: withHeaders(valid, { 'X-HubSpot-Signature-v3': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'only the v1 X-HubSpot-Signature', request: withHeaders(valid, { 'X-HubSpot-Signature-v3': undefined, 'X-HubSpot-Signature': 'a'.repeat(64), 'X-HubSpot-Signature-Version': 'v1' }), code: 'MISSING_SIGNATURE' },
      { case: 'a missing timestamp', request: withHeaders(valid, { 'X-HubSpot-Request-Timestamp': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a timestamp that is not an integer', request: withHeaders(valid, { 'X-HubSpot-Request-Timestamp': '1.7e12' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature that is not base64', request: withHeaders(valid, { 'X-HubSpot-Signature-v3': `!${validMac.slice(1)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature of the wrong length', request: withHeaders(valid, { 'X-HubSpot-Signature-v3': 'c2lnbmF0dXJlMQ==' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'one item of the batch tampered with', request: withBody(valid, oneItemTampered), code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(valid, { 'X-HubSpot-Request-Timestamp': String(NOW * 1000 + 1) }), code: 'INVALID_SIGNATURE' },
      { case: 'a signature by another secret', request: signedRequest({ secret: OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'another URL', request: withUrl(valid, `${URL}?portal=1`), code: 'INVALID_SIGNATURE' },
      { case: 'another method', request: { ...valid, method: 'GET' as const }, code: 'INVALID_SIGNATURE' },
      { case: 'a signed body that is an object', request: signedRequest({ body: JSON.stringify(ITEMS[0]) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body that is not JSON', request: signedRequest({ body: 'eventId=1' }), code: 'INVALID_PAYLOAD' },
      { case: 'an item without subscriptionType', request: signedRequest({ body: '[{"eventId":1,"subscriptionId":2,"portalId":3}]' }), code: 'INVALID_PAYLOAD' },
      { case: 'an item without eventId', request: signedRequest({ body: '[{"subscriptionId":2,"portalId":3,"subscriptionType":"contact.creation"}]' }), code: 'INVALID_PAYLOAD' },
      { case: 'an item with a negative eventId', request: signedRequest({ body: '[{"eventId":-1,"subscriptionId":2,"portalId":3,"subscriptionType":"contact.creation"}]' }), code: 'INVALID_PAYLOAD' },
      { case: 'an item with a fractional portalId', request: signedRequest({ body: '[{"eventId":1,"subscriptionId":2,"portalId":3.5,"subscriptionType":"contact.creation"}]' }), code: 'INVALID_PAYLOAD' },
      { case: 'a second item that is not an object', request: signedRequest({ body: `[${JSON.stringify(ITEMS[0])},42]` }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, publishing none of the batch', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(hubspot, request, { secrets: [SECRET] }), code, [SECRET, OTHER_SECRET, validMac]);
    });
  });

  describe('against @hubspot/api-client', () => {
    const nowMs = () => Date.now();
    it.each([
      { case: 'a fresh signed batch', build: () => signedRequest({ timestampMs: nowMs() }), accepted: true },
      { case: 'a URL with a query string, as received', build: () => signedRequest({ timestampMs: nowMs(), url: `${URL}?portal=62515&x=caf%C3%A9` }), accepted: true },
      { case: 'a tampered item', build: () => withBody(signedRequest({ timestampMs: nowMs() }), oneItemTampered), accepted: false },
      { case: 'another secret', build: () => signedRequest({ timestampMs: nowMs(), secret: OTHER_SECRET }), accepted: false },
      { case: 'another URL', build: () => signedRequest({ timestampMs: nowMs(), signedUrl: `${URL}-eu`, url: URL }), accepted: false },
      { case: 'a timestamp 301 s old', build: () => signedRequest({ timestampMs: nowMs() - 301_000 }), accepted: false },
    ])('agrees with Signature.isValid on $case (accepted: $accepted)', ({ build, accepted }) => {
      // Prepare
      const request = build();

      // Act & Assess
      expect({ ours: ourVerdict(request), hubspot: hubspotVerdict(request) }).toEqual({ ours: accepted, hubspot: accepted });
    });

    it('the SDK checks only the old side; hookrelay also refuses a timestamp 301 s ahead', () => {
      // Prepare
      const request = signedRequest({ timestampMs: nowMs() + 301_000 });

      // Act & Assess
      expect({ ours: ourVerdict(request), hubspot: hubspotVerdict(request) }).toEqual({ ours: false, hubspot: true });
    });
  });

  describe('sign', () => {
    it('produces what Signature.getSignature produces for v3 and v1, and HubSpot’s documented v1 example', () => {
      // Prepare
      const request = { method: 'POST' as const, url: URL, headers: {}, body: DOCUMENTED_BODY };

      // Act
      const signed = hubspot.sign(request, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      // `signature` is a required field of the SDK's options type; getSignature ignores it.
      const options = { clientSecret: SECRET, requestBody: DOCUMENTED_BODY, url: URL, timestamp: NOW * 1000, signature: '' };
      expect(signed.headers).toEqual({
        'X-HubSpot-Signature-v3': Signature.getSignature('POST', 'v3', options),
        'X-HubSpot-Request-Timestamp': '1700000000000',
        'X-HubSpot-Signature': Signature.getSignature('POST', 'v1', options),
        'X-HubSpot-Signature-Version': 'v1',
      });
      // HubSpot's documentation gives this v1 hash for its example secret and body.
      expect(signed.headers['X-HubSpot-Signature']).toBe('232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de');
      // printf '%s' "POST${URL}${DOCUMENTED_BODY}1700000000000" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
      expect(signed.headers['X-HubSpot-Signature-v3']).toBe('fcd6OhA1v2VvPkEfSgNU6QhIlwiwJ+r281k9jzbQxYY=');
    });

    it('signs samples that Signature.isValid accepts for the URL they are sent to', () => {
      // Prepare
      const context = { url: 'http://127.0.0.1:4321/webhooks/hubspot', nowSeconds: Math.floor(Date.now() / 1000) };
      const body = hubspot.samples.types['deal.propertyChange']!(context);

      // Act
      const signed = hubspot.sign(hubspot.samples.request(body, 'deal.propertyChange', context), { secret: SECRET, nowSeconds: context.nowSeconds, options: undefined });

      // Assess
      const valid = Signature.isValid({
        signatureVersion: 'v3',
        method: 'POST',
        url: context.url,
        requestBody: body,
        clientSecret: SECRET,
        signature: signed.headers['X-HubSpot-Signature-v3']!,
        timestamp: Number(signed.headers['X-HubSpot-Request-Timestamp']),
      });
      expect(valid).toBe(true);
    });
  });

  it('independently of the SDK, v3 is HMAC-SHA256 of method, URL, body and timestamp', () => {
    // Prepare
    const request = signedRequest();
    const expected = createHmac('sha256', SECRET).update(`POST${URL}${BODY}${NOW * 1000}`).digest('base64');

    // Act & Assess
    expect(headerOf(request, 'x-hubspot-signature-v3')).toBe(expected);
  });
});
