import { createHmac, timingSafeEqual } from 'node:crypto';
import { receivedRequest } from '../../../../lambdas/core/provider';
import { typeform } from '../../../../lambdas/core/providers/typeform';
import { expectRefusal, verifyRequest, webhookRequest, withBody } from '../../../fixtures/request';

// Known answers, computed independently of Node's crypto and of the module:
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'hookrelay-typeform-openssl-secret' -binary | base64  → MAC
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'hookrelay-typeform-other-secret' -binary | base64    → OTHER_MAC
const SECRET = 'hookrelay-typeform-openssl-secret';
const OTHER_SECRET = 'hookrelay-typeform-other-secret';
const BODY = String.raw`{"event_id":"01HKQ8Z3V7X9","event_type":"form_response","form_response":{"form_id":"lT4Z3j","token":"a3a12ec67a1365927098a606107fac15","submitted_at":"2023-11-14T22:13:20Z","answers":[{"type":"text","text":"Caf\u00e9 cr\u00e8me","field":{"id":"DlXFaesGBpoF","type":"short_text"}}]}}`;
const MAC = 'nG07WAQgneU9b4oq729vDetiiakIeMJTB8VpewfTW1U=';
const OTHER_MAC = '870iL8JMKBZ3KhNm5Bw6VpKhULKrIe5Ux2nEXNPo2u4=';

/**
 * Typeform's documented check ("Secure your webhooks", https://www.typeform.com/developers/webhooks/secure-your-webhooks/):
 * HMAC-SHA256 of the whole received payload with the secret, base64-encoded, prefixed `sha256=`,
 * compared with the `Typeform-Signature` header.
 */
function typeformDocumentedVerify(secret: string, payload: string, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(payload, 'utf8').digest('base64')}`);
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), expected);
}

function typeformRequest(signature: string | undefined, body: string = BODY) {
  return webhookRequest({
    provider: 'typeform',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'Typeform Webhooks', ...(signature === undefined ? {} : { 'Typeform-Signature': signature }) },
    body,
  });
}

describe('Provider: typeform', () => {
  describe('verify', () => {
    it('accepts the openssl known answer: id event_id, type event_type, the body as sent', () => {
      // Act
      const result = verifyRequest(typeform, typeformRequest(`sha256=${MAC}`), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [{ id: '01HKQ8Z3V7X9', type: 'form_response', payload: JSON.parse(BODY), payloadJson: BODY }] });
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [OTHER_SECRET, SECRET], secretIndex: 1 },
      { case: 'the only secret matches', secrets: [SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(typeform, typeformRequest(`sha256=${MAC}`), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    const valid = typeformRequest(`sha256=${MAC}`);
    it.each([
      { case: 'missing Typeform-Signature', request: typeformRequest(undefined), code: 'MISSING_SIGNATURE' },
      { case: 'an empty signature', request: typeformRequest(''), code: 'MISSING_SIGNATURE' },
      { case: 'no sha256= prefix', request: typeformRequest(MAC), code: 'MALFORMED_SIGNATURE' },
      { case: 'a hex MAC', request: typeformRequest(`sha256=${Buffer.from(MAC, 'base64').toString('hex')}`), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated MAC', request: typeformRequest(`sha256=${MAC.slice(0, -4)}`), code: 'MALFORMED_SIGNATURE' },
      { case: 'a SHA-1-sized MAC', request: typeformRequest(`sha256=${Buffer.alloc(20).toString('base64')}`), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature under another secret', request: typeformRequest(`sha256=${OTHER_MAC}`), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('lT4Z3j', 'lT4Z3k')), code: 'INVALID_SIGNATURE' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(typeform, request, { secrets: [SECRET] }), code, [SECRET, MAC]);
    });

    it.each([
      { case: 'a non-JSON body', body: 'event_type=form_response' },
      { case: 'no event_id', body: '{"event_type":"form_response","form_response":{}}' },
      { case: 'no event_type', body: '{"event_id":"01HKQ8Z3V7X9","form_response":{}}' },
    ])('refuses a signed body with $case as INVALID_PAYLOAD', ({ body }) => {
      // Prepare
      const signed = typeform.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/typeform', headers: {}, body }, { secret: SECRET, nowSeconds: 0, options: undefined });

      // Act & Assess
      expectRefusal(() => verifyRequest(typeform, receivedRequest(signed, 'typeform'), { secrets: [SECRET] }), 'INVALID_PAYLOAD');
    });
  });

  describe('sign', () => {
    const signed = () => typeform.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/typeform', headers: {}, body: BODY }, { secret: SECRET, nowSeconds: 0, options: undefined });

    it('produces the openssl known answer as sha256=<base64>', () => {
      expect(signed().headers).toEqual({ 'Typeform-Signature': `sha256=${MAC}` });
    });

    it('signs what Typeform’s documented check accepts (and that check refuses a tampered body)', () => {
      // Act
      const header = signed().headers['Typeform-Signature']!;

      // Assess
      expect([typeformDocumentedVerify(SECRET, BODY, header), typeformDocumentedVerify(SECRET, BODY.replace('lT4Z3j', 'lT4Z3k'), header)]).toEqual([true, false]);
    });
  });
});
