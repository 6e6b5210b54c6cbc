import { receivedRequest } from '../../../../lambdas/core/provider';
import { zoom } from '../../../../lambdas/core/providers/zoom';
import { expectRefusal, headerOf, NOW, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import { signedZoomRequest, ZOOM_MEETING_STARTED, ZOOM_OTHER_SECRET, ZOOM_SECRET, ZOOM_URL_VALIDATION } from '../../../fixtures/zoom';

const SIGNATURE_HEADER = 'x-zm-signature';
const TIMESTAMP_HEADER = 'x-zm-request-timestamp';

// Known answers, computed independently of this code:
//   printf '%s' 'v0:1700000000:<body>' | openssl dgst -sha256 -hmac 'zoom-test-secret-token' -hex
//   printf '%s' 'qgg8vlvZRS6UYooatFL8Aw' | openssl dgst -sha256 -hmac 'zoom-test-secret-token' -hex
//   printf '%s' '<body>' | openssl dgst -sha256 -hex
// with <body> = JSON.stringify(ZOOM_MEETING_STARTED), the compact JSON below.
const KNOWN_BODY = '{"event":"meeting.started","event_ts":1700000000123,"payload":{"account_id":"AAAA","object":{"id":"85912340123","topic":"Réunion ☕"}}}';
const KNOWN_SIGNATURE = 'v0=1860236ccedf12f88b4fa7ece95a66c1572a7091f740efaf51d6e49b8f7753a8';
const KNOWN_ENCRYPTED_TOKEN = '189bad60d71b25fc9705f43e5883e837f2d813ec93ba913b641fbe02d931744f';
const KNOWN_BODY_SHA256 = '86a025c6d24a4c50f918ce38d97b6b9ac25b1122035aec2f1ad2a69f5db20aef';

describe('Provider: zoom', () => {
  describe('fixture', () => {
    it('is the known answer computed with openssl', () => {
      expect({ body: JSON.stringify(ZOOM_MEETING_STARTED), signature: headerOf(signedZoomRequest(), SIGNATURE_HEADER) }).toEqual({ body: KNOWN_BODY, signature: KNOWN_SIGNATURE });
    });
  });

  describe('verify', () => {
    it('accepts a signed notification; its id is the SHA-256 hex of the body', () => {
      // Prepare
      const request = signedZoomRequest();

      // Act
      const result = verifyRequest(zoom, request, { secrets: [ZOOM_SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: KNOWN_BODY_SHA256, type: 'meeting.started', payload: ZOOM_MEETING_STARTED, payloadJson: KNOWN_BODY }],
      });
    });

    it('gives a retry (the same body, signed again later) the same id, and another event another id', () => {
      // Act
      const first = verifyRequest(zoom, signedZoomRequest(), { secrets: [ZOOM_SECRET] });
      const retry = verifyRequest(zoom, signedZoomRequest({ timestamp: NOW + 60 }), { secrets: [ZOOM_SECRET], nowSeconds: NOW + 60 });
      const other = verifyRequest(zoom, signedZoomRequest({ body: JSON.stringify({ ...ZOOM_MEETING_STARTED, event_ts: NOW * 1000 + 124 }) }), { secrets: [ZOOM_SECRET] });

      // Assess
      expect(retry.events[0]!.id).toBe(first.events[0]!.id);
      expect(other.events[0]!.id).not.toBe(first.events[0]!.id);
    });

    it('answers a signed endpoint.url_validation with the known encryptedToken and publishes nothing', () => {
      // Act
      const result = verifyRequest(zoom, signedZoomRequest({ body: JSON.stringify(ZOOM_URL_VALIDATION) }), { secrets: [ZOOM_SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [],
        reply: { statusCode: 200, body: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: KNOWN_ENCRYPTED_TOKEN } },
      });
    });

    it('computes the encryptedToken with the secret that verified the request (rotation)', () => {
      // Prepare: signed with the older secret, listed second.
      const request = signedZoomRequest({ body: JSON.stringify(ZOOM_URL_VALIDATION), secret: ZOOM_OTHER_SECRET });

      // Act
      const result = verifyRequest(zoom, request, { secrets: [ZOOM_SECRET, ZOOM_OTHER_SECRET] });

      // Assess
      expect(result.secretIndex).toBe(1);
      expect(result.reply?.body).not.toEqual({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken: KNOWN_ENCRYPTED_TOKEN });
      const underOlderSecret = verifyRequest(zoom, request, { secrets: [ZOOM_OTHER_SECRET] }).reply;
      expect(result.reply).toEqual(underOlderSecret);
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [ZOOM_OTHER_SECRET, ZOOM_SECRET], secretIndex: 1 },
      { case: 'the first secret matches', secrets: [ZOOM_SECRET, ZOOM_OTHER_SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(zoom, signedZoomRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a timestamp exactly 300 s old', timestamp: NOW - 300 },
      { case: 'a timestamp exactly 300 s ahead', timestamp: NOW + 300 },
    ])('accepts $case', ({ timestamp }) => {
      // Act
      const result = verifyRequest(zoom, signedZoomRequest({ timestamp }), { secrets: [ZOOM_SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    const valid = signedZoomRequest();
    const signature = headerOf(valid, SIGNATURE_HEADER);
    it.each([
      { case: 'a missing x-zm-signature', request: withHeaders(valid, { [SIGNATURE_HEADER]: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a missing x-zm-request-timestamp', request: withHeaders(valid, { [TIMESTAMP_HEADER]: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'no version prefix', request: withHeaders(valid, { [SIGNATURE_HEADER]: signature.slice(3) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-hex signature', request: withHeaders(valid, { [SIGNATURE_HEADER]: `v0=${'x'.repeat(64)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a timestamp in milliseconds written with a dot', request: withHeaders(valid, { [TIMESTAMP_HEADER]: `${NOW}.123` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong secret', request: signedZoomRequest({ secret: 'not-the-secret-token' }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, KNOWN_BODY.replace('started', 'ended')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(valid, { [TIMESTAMP_HEADER]: String(NOW - 1) }), code: 'INVALID_SIGNATURE' },
      { case: 'an unsigned url_validation', request: withBody(valid, JSON.stringify(ZOOM_URL_VALIDATION)), code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 301 s old', request: signedZoomRequest({ timestamp: NOW - 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', request: signedZoomRequest({ timestamp: NOW + 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a signed non-JSON body', request: signedZoomRequest({ body: 'event=meeting.started' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed JSON array', request: signedZoomRequest({ body: '[]' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without event', request: signedZoomRequest({ body: JSON.stringify({ payload: {} }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed url_validation without plainToken', request: signedZoomRequest({ body: JSON.stringify({ event: 'endpoint.url_validation', payload: {} }) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(zoom, request, { secrets: [ZOOM_SECRET] }), code, [ZOOM_SECRET, signature.slice(3)]);
    });
  });

  describe('sign', () => {
    it('reproduces the openssl known answer, and verify accepts it', () => {
      // Act
      const signed = zoom.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/zoom', headers: {}, body: KNOWN_BODY }, { secret: ZOOM_SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      expect(signed.headers).toEqual({ 'x-zm-signature': KNOWN_SIGNATURE, 'x-zm-request-timestamp': String(NOW) });
      expect(verifyRequest(zoom, receivedRequest(signed, 'zoom'), { secrets: [ZOOM_SECRET] }).events).toHaveLength(1);
    });
  });
});
