import { Webhook } from 'standardwebhooks';
import { standard } from '../../../../lambdas/core/providers/standard';
import { expectRefusal, headerOf, NOW, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import {
  signedStandardRequest,
  STANDARD_BODY,
  STANDARD_EVENT,
  STANDARD_ID,
  STANDARD_OTHER_SECRET,
  STANDARD_PUBLIC_KEY,
  STANDARD_SECRET,
  standardEd25519Signature,
  standardSignature,
} from '../../../fixtures/standard';

describe('Provider: standard', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  describe('verify', () => {
    it('accepts a request signed by the standardwebhooks library and returns its event', () => {
      // Prepare
      const request = signedStandardRequest();

      // Act
      const result = verifyRequest(standard, request, { secrets: [STANDARD_SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: STANDARD_ID, type: STANDARD_EVENT.type, payload: STANDARD_EVENT, payloadJson: request.rawBody.toString('utf8') }],
      });
    });

    it('agrees with the library: its own verify accepts the fixture', () => {
      // Prepare
      const request = signedStandardRequest();
      jest.useFakeTimers({ now: NOW * 1000 });

      // Act
      const verified = new Webhook(STANDARD_SECRET).verify(STANDARD_BODY, {
        'webhook-id': STANDARD_ID,
        'webhook-timestamp': String(NOW),
        'webhook-signature': headerOf(request, 'webhook-signature'),
      });

      // Assess
      expect(verified).toEqual(STANDARD_EVENT);
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [STANDARD_OTHER_SECRET, STANDARD_SECRET], secretIndex: 1 },
      { case: 'the secret is configured without whsec_', secrets: [STANDARD_SECRET.slice('whsec_'.length)], secretIndex: 0 },
      { case: 'an unusable secret comes first', secrets: ['whsec_***', STANDARD_SECRET], secretIndex: 1 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(standard, signedStandardRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'Svix header names', init: { prefix: 'svix-' } },
      { case: 'upper-case header names', init: { prefix: 'Webhook-' } },
      { case: 'a rotation list: an old signature, then the valid one', init: { signature: `${standardSignature({ secret: STANDARD_OTHER_SECRET })} ${standardSignature()}` } },
      { case: 'an unknown version next to v1', init: { signature: `v2,${'A'.repeat(44)} ${standardSignature()}` } },
      { case: 'a timestamp 300 s old', init: { timestamp: NOW - 300 } },
      { case: 'a timestamp 300 s ahead', init: { timestamp: NOW + 300 } },
    ])('accepts $case', ({ init }) => {
      // Act
      const result = verifyRequest(standard, signedStandardRequest(init), { secrets: [STANDARD_SECRET] });

      // Assess
      expect(result.events[0]?.id).toBe(STANDARD_ID);
    });

    it.each([
      { case: 'only a v1a signature and a whpk_ key', signature: standardEd25519Signature(), secrets: [STANDARD_PUBLIC_KEY], secretIndex: 0 },
      {
        case: 'v1 and v1a signatures, the public key second',
        signature: `${standardSignature({ secret: STANDARD_OTHER_SECRET })} ${standardEd25519Signature()}`,
        secrets: [STANDARD_SECRET, STANDARD_PUBLIC_KEY],
        secretIndex: 1,
      },
    ])('accepts an Ed25519 signature: $case', ({ signature, secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(standard, signedStandardRequest({ signature }), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    const valid = signedStandardRequest();
    const signature = headerOf(valid, 'webhook-signature');
    it.each([
      { case: 'missing webhook-id', request: withHeaders(valid, { 'webhook-id': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'missing webhook-timestamp', request: withHeaders(valid, { 'webhook-timestamp': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'missing webhook-signature', request: withHeaders(valid, { 'webhook-signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a signature without version', request: withHeaders(valid, { 'webhook-signature': signature.slice(3) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong version (v2)', request: withHeaders(valid, { 'webhook-signature': signature.replace('v1,', 'v2,') }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a hex signature', request: withHeaders(valid, { 'webhook-signature': `v1,${'ab'.repeat(32)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'an exponent-notation timestamp', request: withHeaders(valid, { 'webhook-timestamp': '17e8' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong secret', request: signedStandardRequest({ secret: STANDARD_OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, STANDARD_BODY.replace('paid', 'void')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed webhook-id', request: withHeaders(valid, { 'webhook-id': 'msg_other' }), code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(valid, { 'webhook-timestamp': String(NOW + 1) }), code: 'INVALID_SIGNATURE' },
      { case: 'a v1a signature and only a symmetric secret', request: signedStandardRequest({ signature: standardEd25519Signature() }), code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 301 s old', request: signedStandardRequest({ timestamp: NOW - 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', request: signedStandardRequest({ timestamp: NOW + 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a signed non-JSON body', request: signedStandardRequest({ body: 'plain text' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without type', request: signedStandardRequest({ body: '{"data":{}}' }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(standard, request, { secrets: [STANDARD_SECRET] }), code, [STANDARD_SECRET, signature.slice(3)]);
    });

    it('refuses a tampered body under an Ed25519 key', () => {
      // Prepare
      const request = withBody(signedStandardRequest({ signature: standardEd25519Signature() }), '{"type":"x"}');

      // Act & Assess
      expectRefusal(() => verifyRequest(standard, request, { secrets: [STANDARD_PUBLIC_KEY] }), 'INVALID_SIGNATURE');
    });
  });

  describe('secrets without base64 padding', () => {
    // base64 of a 23-byte key ends in one "=": dashboards and the reference libraries accept it without.
    const padded = `whsec_${Buffer.from('hookrelay-unpadded-key!').toString('base64')}`;
    const unpadded = padded.replace(/=+$/, '');

    it.each([
      { case: 'signed by the reference library with the unpadded secret, verified with it', signWith: unpadded, verifyWith: unpadded },
      { case: 'signed with the padded secret, verified with the unpadded one', signWith: padded, verifyWith: unpadded },
    ])('accepts a request $case', ({ signWith, verifyWith }) => {
      // Prepare
      const request = signedStandardRequest({ secret: signWith });

      // Act
      const result = verifyRequest(standard, request, { secrets: [verifyWith] });

      // Assess
      expect(result.secretIndex).toBe(0);
    });

    it('still refuses a request signed with another secret', () => {
      const request = signedStandardRequest({ secret: STANDARD_OTHER_SECRET });
      expectRefusal(() => verifyRequest(standard, request, { secrets: [unpadded] }), 'INVALID_SIGNATURE');
    });
  });

  describe('sign', () => {
    it('produces the webhook-signature the standardwebhooks library produces for the same id and time', () => {
      const signed = standard.sign(
        { method: 'POST', url: 'https://hooks.example.com/webhooks/standard', headers: { 'webhook-id': STANDARD_ID }, body: STANDARD_BODY },
        { secret: STANDARD_SECRET, nowSeconds: NOW, options: undefined },
      );
      expect(signed.headers).toMatchObject({ 'webhook-id': STANDARD_ID, 'webhook-timestamp': String(NOW), 'webhook-signature': standardSignature() });
    });
  });
});
