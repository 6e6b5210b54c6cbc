import { createHmac, timingSafeEqual } from 'node:crypto';
import { receivedRequest } from '../../../../lambdas/core/provider';
import { pagerduty } from '../../../../lambdas/core/providers/pagerduty';
import { expectRefusal, verifyRequest, webhookRequest, withBody } from '../../../fixtures/request';

// Known answers, computed independently of Node's crypto and of the module:
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'hookrelay-pagerduty-openssl-secret'  → MAC
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'hookrelay-pagerduty-rotated-secret'  → ROTATED_MAC
const SECRET = 'hookrelay-pagerduty-openssl-secret';
const ROTATED_SECRET = 'hookrelay-pagerduty-rotated-secret';
const BODY = String.raw`{"event":{"id":"01DEN3R5TQSBFLT3AJ0V4C1ZQ8","event_type":"incident.triggered","resource_type":"incident","occurred_at":"2023-11-14T22:13:20.000Z","agent":null,"client":null,"data":{"id":"PGR0VU2","type":"incident","title":"Caf\u00e9 machine down"}}}`;
const MAC = '5c1e12f68a527b43758176b4d2866e1cf44c92ee75b349dd4ae81b55bb0998d2';
const ROTATED_MAC = '7d720e77237929fddbe83aeb73e7e3ff38648dc8ff4e943957add5b84cff7409';

/**
 * PagerDuty's documented verification, step by step ("Verifying Signatures",
 * https://developer.pagerduty.com/docs/webhooks/ — PagerDuty/developer-docs webhooks/04-Signatures.md):
 * split the header on ",", keep the `v1=` entries, compute the hex HMAC-SHA256 of the whole body with
 * the secret, and accept when any entry equals it (compared in constant time).
 */
function pagerDutyDocumentedVerify(secret: string, payload: string, header: string): boolean {
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(payload, 'utf8').digest('hex')}`);
  return header
    .split(',')
    .filter((entry) => entry.startsWith('v1='))
    .some((entry) => entry.length === expected.length && timingSafeEqual(Buffer.from(entry), expected));
}

function pagerDutyRequest(signature: string | undefined, body: string = BODY) {
  return webhookRequest({
    provider: 'pagerduty',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'PagerDuty-Webhook/V3.0',
      'X-Webhook-Id': 'a8b5c2f0-1f6b-4a39-9d1e-5c3d7b1e0f42',
      ...(signature === undefined ? {} : { 'X-PagerDuty-Signature': signature }),
    },
    body,
  });
}

describe('Provider: pagerduty', () => {
  describe('verify', () => {
    it('accepts the openssl known answer: id event.id, type event.event_type, the body as sent', () => {
      // Act
      const result = verifyRequest(pagerduty, pagerDutyRequest(`v1=${MAC}`), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: '01DEN3R5TQSBFLT3AJ0V4C1ZQ8', type: 'incident.triggered', payload: JSON.parse(BODY), payloadJson: BODY }],
      });
    });

    it.each([
      { case: 'both signatures, the route holding the old secret', header: `v1=${MAC},v1=${ROTATED_MAC}`, secrets: [SECRET], secretIndex: 0 },
      { case: 'both signatures, the route holding the new secret', header: `v1=${MAC},v1=${ROTATED_MAC}`, secrets: [ROTATED_SECRET], secretIndex: 0 },
      { case: 'one signature, the route holding both secrets (newest first)', header: `v1=${MAC}`, secrets: [ROTATED_SECRET, SECRET], secretIndex: 1 },
      { case: 'a space after the comma', header: `v1=${ROTATED_MAC}, v1=${MAC}`, secrets: [SECRET], secretIndex: 0 },
      { case: 'an entry of an unknown version next to v1', header: `v2=${'0'.repeat(64)},v1=${MAC}`, secrets: [SECRET], secretIndex: 0 },
    ])('accepts $case (rotation)', ({ header, secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(pagerduty, pagerDutyRequest(header), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    const valid = pagerDutyRequest(`v1=${MAC}`);
    it.each([
      { case: 'missing X-PagerDuty-Signature', request: pagerDutyRequest(undefined), code: 'MISSING_SIGNATURE' },
      { case: 'an empty signature', request: pagerDutyRequest(''), code: 'MISSING_SIGNATURE' },
      { case: 'no v1= prefix', request: pagerDutyRequest(MAC), code: 'MALFORMED_SIGNATURE' },
      { case: 'only a v0= entry', request: pagerDutyRequest(`v0=${MAC}`), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated MAC', request: pagerDutyRequest(`v1=${MAC.slice(0, -2)}`), code: 'MALFORMED_SIGNATURE' },
      { case: 'a base64 MAC', request: pagerDutyRequest(`v1=${Buffer.from(MAC, 'hex').toString('base64')}`), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature under another secret', request: pagerDutyRequest(`v1=${ROTATED_MAC}`), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('PGR0VU2', 'PGR0VU3')), code: 'INVALID_SIGNATURE' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(pagerduty, request, { secrets: [SECRET] }), code, [SECRET, MAC]);
    });

    it.each([
      { case: 'a non-JSON body', body: 'event=incident.triggered' },
      { case: 'no event.id', body: '{"event":{"event_type":"incident.triggered"}}' },
      { case: 'no event.event_type', body: '{"event":{"id":"01DEN3R5TQSBFLT3AJ0V4C1ZQ8"}}' },
      { case: 'a V2 body (messages[])', body: '{"messages":[{"id":"1","event":"incident.trigger"}]}' },
    ])('refuses a signed body with $case as INVALID_PAYLOAD', ({ body }) => {
      // Prepare
      const signed = pagerduty.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/pagerduty', headers: {}, body }, { secret: SECRET, nowSeconds: 0, options: undefined });

      // Act & Assess
      expectRefusal(() => verifyRequest(pagerduty, receivedRequest(signed, 'pagerduty'), { secrets: [SECRET] }), 'INVALID_PAYLOAD');
    });
  });

  describe('sign', () => {
    const signed = () => pagerduty.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/pagerduty', headers: {}, body: BODY }, { secret: SECRET, nowSeconds: 0, options: undefined });

    it('produces the openssl known answer as v1=<hex>', () => {
      expect(signed().headers).toEqual({ 'X-PagerDuty-Signature': `v1=${MAC}` });
    });

    it('signs what PagerDuty’s documented verification accepts (and that verification refuses a tampered body)', () => {
      // Act
      const header = signed().headers['X-PagerDuty-Signature']!;

      // Assess
      expect([pagerDutyDocumentedVerify(SECRET, BODY, header), pagerDutyDocumentedVerify(SECRET, BODY.replace('PGR0VU2', 'PGR0VU3'), header)]).toEqual([true, false]);
    });
  });
});
