import { createHmac } from 'node:crypto';
import { receivedRequest } from '../../../../lambdas/core/provider';
import { sentry } from '../../../../lambdas/core/providers/sentry';
import { expectRefusal, verifyRequest, webhookRequest, withBody, withHeaders } from '../../../fixtures/request';

// Known answers, computed independently of Node's crypto and of the module:
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'hookrelay-sentry-openssl-secret'   → MAC
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'hookrelay-sentry-other-secret'     → OTHER_MAC
//   printf '13:issue.created\n%s' "$BODY" | openssl dgst -sha256                         → CONTENT_KEY
const SECRET = 'hookrelay-sentry-openssl-secret';
const OTHER_SECRET = 'hookrelay-sentry-other-secret';
const BODY = String.raw`{"action":"created","installation":{"uuid":"7a485448-a9e2-4c85-8a3c-4f44175783c9"},"data":{"issue":{"id":"1170820242","shortId":"BAKERY-API-3","title":"TypeError: Cannot read properties of undefined (reading \u0027amount\u0027)","level":"error","status":"unresolved"}},"actor":{"type":"application","id":"sentry","name":"Sentry"}}`;
const MAC = '64afcfc70a7d6f8c559bb4321945d88c612b67e226c543cf6a225f9e7352e64f';
const OTHER_MAC = '2fe8bccccba788c26eb659861e7c1aff2e0bde919da1e9f5c3a631bd5be96131';
const CONTENT_KEY = 'c11b43de056ef7e053a3449c242448763bd9df45b1953b8e0f277c485abdbee5';
const REQUEST_ID = '9b0e4e5c2f574f6e8b0a0d6c1f0b7a11';

/**
 * The check of Sentry's webhook documentation ("Verifying the Signature",
 * https://docs.sentry.io/organization/integrations/integration-platform/webhooks/): the hex
 * HMAC-SHA256 of `JSON.stringify(request.body)`, that is of the parsed body serialised again. It
 * equals the raw body's only for compact bodies without escapes, so hookrelay verifies the raw bytes.
 */
function sentryDocumentedVerify(secret: string, parsedBody: unknown, signature: string): boolean {
  return createHmac('sha256', secret).update(JSON.stringify(parsedBody), 'utf8').digest('hex') === signature;
}

function sentryRequest(headers: Record<string, string | undefined> = {}, body: string = BODY) {
  return webhookRequest({
    provider: 'sentry',
    headers: {
      'Content-Type': 'application/json',
      'Request-ID': REQUEST_ID,
      'Sentry-Hook-Resource': 'issue',
      'Sentry-Hook-Timestamp': '1700000000',
      'Sentry-Hook-Signature': MAC,
      ...headers,
    },
    body,
  });
}

describe('Provider: sentry', () => {
  describe('verify', () => {
    it('accepts the openssl known answer: id Request-ID, type <resource>.<action>, the body as sent, the content key over type and body', () => {
      // Act
      const result = verifyRequest(sentry, sentryRequest(), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: REQUEST_ID, type: 'issue.created', payload: JSON.parse(BODY), payloadJson: BODY, contentKey: CONTENT_KEY }],
      });
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [OTHER_SECRET, SECRET], secretIndex: 1 },
      { case: 'the only secret matches', secrets: [SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(sentry, sentryRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a Sentry-Hook-Timestamp a day old (not signed, not checked)', headers: { 'Sentry-Hook-Timestamp': '1699913600' } },
      { case: 'no Sentry-Hook-Timestamp', headers: { 'Sentry-Hook-Timestamp': undefined } },
      { case: 'an upper-case hex signature', headers: { 'Sentry-Hook-Signature': MAC.toUpperCase() } },
    ])('accepts $case', ({ headers }) => {
      // Act
      const result = verifyRequest(sentry, sentryRequest(headers), { secrets: [SECRET] });

      // Assess
      expect(result.events.map((event) => event.type)).toEqual(['issue.created']);
    });

    describe('replay protection (nothing signed but the body)', () => {
      const keyOf = (headers: Record<string, string>) => verifyRequest(sentry, sentryRequest(headers), { secrets: [SECRET] }).events[0]!.contentKey;

      it('gives a captured request sent again under a fresh Request-ID the same deduplication key', () => {
        expect(keyOf({ 'Request-ID': 'ffffffff000040008000000000000000' })).toEqual(keyOf({}));
      });

      it('gives the same body relabelled with another Sentry-Hook-Resource a different key (a different event, not merged)', () => {
        expect(keyOf({ 'Sentry-Hook-Resource': 'error' })).not.toEqual(keyOf({}));
      });
    });

    it.each([
      { case: 'missing Sentry-Hook-Signature', request: sentryRequest({ 'Sentry-Hook-Signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'an empty signature', request: sentryRequest({ 'Sentry-Hook-Signature': '' }), code: 'MISSING_SIGNATURE' },
      { case: 'a sha256= prefix', request: sentryRequest({ 'Sentry-Hook-Signature': `sha256=${MAC}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a base64 MAC', request: sentryRequest({ 'Sentry-Hook-Signature': Buffer.from(MAC, 'hex').toString('base64') }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated MAC', request: sentryRequest({ 'Sentry-Hook-Signature': MAC.slice(0, -2) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature under another secret', request: sentryRequest({ 'Sentry-Hook-Signature': OTHER_MAC }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(sentryRequest(), BODY.replace('unresolved', 'resolved__')), code: 'INVALID_SIGNATURE' },
      { case: 'no Request-ID', request: sentryRequest({ 'Request-ID': undefined }), code: 'INVALID_PAYLOAD' },
      { case: 'no Sentry-Hook-Resource', request: sentryRequest({ 'Sentry-Hook-Resource': undefined }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(sentry, request, { secrets: [SECRET] }), code, [SECRET, MAC]);
    });

    it.each([
      { case: 'a non-JSON body', body: 'action=created' },
      { case: 'no action', body: '{"installation":{"uuid":"x"},"data":{}}' },
    ])('refuses a signed body with $case as INVALID_PAYLOAD', ({ body }) => {
      // Prepare
      const signed = sentry.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/sentry', headers: { 'Request-ID': REQUEST_ID, 'Sentry-Hook-Resource': 'issue' }, body }, { secret: SECRET, nowSeconds: 0, options: undefined });

      // Act & Assess
      expectRefusal(() => verifyRequest(sentry, receivedRequest(signed, 'sentry'), { secrets: [SECRET] }), 'INVALID_PAYLOAD');
    });
  });

  describe('sign', () => {
    const signedHeader = (body: string) =>
      sentry.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/sentry', headers: {}, body }, { secret: SECRET, nowSeconds: 0, options: undefined }).headers['Sentry-Hook-Signature']!;

    it('produces the openssl known answer as bare hex', () => {
      expect(signedHeader(BODY)).toBe(MAC);
    });

    it('agrees with the check of Sentry’s documentation on a compact, unescaped body (and that check refuses a tampered one)', () => {
      // Prepare
      const compact = JSON.stringify({ action: 'resolved', installation: { uuid: 'x' }, data: { issue: { id: '1', status: 'resolved' } }, actor: { type: 'user', id: 1, name: 'Zoë' } });

      // Act
      const signature = signedHeader(compact);

      // Assess
      expect([sentryDocumentedVerify(SECRET, JSON.parse(compact), signature), sentryDocumentedVerify(SECRET, { ...JSON.parse(compact), action: 'created' }, signature)]).toEqual([true, false]);
    });
  });
});
