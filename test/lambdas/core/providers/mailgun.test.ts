import { createHash } from 'node:crypto';
import { receivedRequest } from '../../../../lambdas/core/provider';
import { mailgun } from '../../../../lambdas/core/providers/mailgun';
import { expectRefusal, NOW, verifyRequest } from '../../../fixtures/request';
import { MAILGUN_EVENT_DATA, MAILGUN_KEY, MAILGUN_OTHER_KEY, MAILGUN_TOKEN, mailgunBody, mailgunSignature, signedMailgunRequest } from '../../../fixtures/mailgun';

// Known answer, computed independently of this code:
//   printf '%s' '1700000000e0b5477167110d68991efc6b9f89f0a11066af27834600e123' | openssl dgst -sha256 -hmac 'mailgun-test-signing-key' -hex
const KNOWN_SIGNATURE = '46ed43ca154a5c72cef97e1090893d3b2d9f28a4cd5c125498424ed68e893004';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const verifyMailgun = (init: Parameters<typeof signedMailgunRequest>[0] = {}, secrets = [MAILGUN_KEY]) => verifyRequest(mailgun, signedMailgunRequest(init), { secrets });

describe('Provider: mailgun', () => {
  describe('fixture', () => {
    it('is the known answer computed with openssl', () => {
      expect(mailgunSignature(String(NOW), MAILGUN_TOKEN)).toBe(KNOWN_SIGNATURE);
    });
  });

  describe('verify', () => {
    it('accepts a signed webhook: id event-data.id, type event-data.event, the whole body as payload', () => {
      // Prepare
      const body = mailgunBody();

      // Act
      const result = verifyMailgun({ body });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: MAILGUN_EVENT_DATA.id, type: 'delivered', payload: JSON.parse(body), payloadJson: body }],
        signatureBinding: { signed: expect.stringMatching(/^[0-9a-f]{64}$/), content: sha256(body) },
      });
    });

    it('binds the signature to the body: other event data under the same signature has the same signed value and other content', () => {
      // Prepare: event data is not signed, so both verify.
      const genuine = verifyMailgun();
      const relabelled = verifyMailgun({ eventData: { ...MAILGUN_EVENT_DATA, id: 'a-fresh-id', event: 'failed' } });
      const resigned = verifyMailgun({ token: MAILGUN_TOKEN.replace('e0', 'f1') });

      // Assess: the verifier refuses the second (same signed value, other content); a retry Mailgun signs afresh is bound anew.
      expect(relabelled.events.map((event) => [event.id, event.type])).toEqual([['a-fresh-id', 'failed']]);
      expect(relabelled.signatureBinding!.signed).toBe(genuine.signatureBinding!.signed);
      expect(relabelled.signatureBinding!.content).not.toBe(genuine.signatureBinding!.content);
      expect(resigned.signatureBinding!.signed).not.toBe(genuine.signatureBinding!.signed);
    });

    it.each([
      { case: 'the second key matches (rotation)', secrets: [MAILGUN_OTHER_KEY, MAILGUN_KEY], secretIndex: 1 },
      { case: 'the first key matches', secrets: [MAILGUN_KEY, MAILGUN_OTHER_KEY], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyMailgun({}, secrets);

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a timestamp exactly 300 s old', init: { timestamp: NOW - 300 } },
      { case: 'a timestamp exactly 300 s ahead', init: { timestamp: NOW + 300 } },
      {
        case: 'a timestamp written as a JSON integer',
        init: { signature: { token: MAILGUN_TOKEN, timestamp: NOW, signature: KNOWN_SIGNATURE } },
      },
    ])('accepts $case', ({ init }) => {
      // Act
      const result = verifyMailgun(init);

      // Assess
      expect(result.events).toHaveLength(1);
    });

    const signature = { token: MAILGUN_TOKEN, timestamp: String(NOW), signature: KNOWN_SIGNATURE };
    it.each([
      { case: 'no signature object', init: { signature: null }, code: 'MISSING_SIGNATURE' },
      { case: 'a signature object without token', init: { signature: { ...signature, token: undefined } }, code: 'MISSING_SIGNATURE' },
      { case: 'a signature object without signature', init: { signature: { ...signature, signature: undefined } }, code: 'MISSING_SIGNATURE' },
      { case: 'a signature that is a string', init: { signature: KNOWN_SIGNATURE }, code: 'MISSING_SIGNATURE' },
      { case: 'a non-numeric timestamp', init: { signature: { ...signature, timestamp: 'now' } }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a negative timestamp', init: { signature: { ...signature, timestamp: -1 } }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a token that is a number', init: { signature: { ...signature, token: 42 } }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a token of 257 characters', init: { signature: { ...signature, token: 'a'.repeat(257) } }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-hex signature', init: { signature: { ...signature, signature: 'z'.repeat(64) } }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong key', init: { key: MAILGUN_OTHER_KEY }, code: 'INVALID_SIGNATURE' },
      { case: 'a changed token', init: { signature: { ...signature, token: MAILGUN_TOKEN.replace('e0', 'f1') } }, code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', init: { signature: { ...signature, timestamp: String(NOW - 1) } }, code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 301 s old', init: { timestamp: NOW - 301 }, code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', init: { timestamp: NOW + 301 }, code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a non-JSON body (a legacy form post)', init: { body: `timestamp=${NOW}&token=${MAILGUN_TOKEN}&signature=${KNOWN_SIGNATURE}` }, code: 'INVALID_PAYLOAD' },
      { case: 'a JSON array', init: { body: '[]' }, code: 'INVALID_PAYLOAD' },
      { case: 'signed event data without id', init: { eventData: { ...MAILGUN_EVENT_DATA, id: undefined } }, code: 'INVALID_PAYLOAD' },
      { case: 'signed event data without event', init: { eventData: { ...MAILGUN_EVENT_DATA, event: '' } }, code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ init, code }) => {
      // Act & Assess
      expectRefusal(() => verifyMailgun(init), code, [MAILGUN_KEY, KNOWN_SIGNATURE]);
    });
  });

  describe('sign', () => {
    const unsignedBody = `{ "event-data" : ${JSON.stringify(MAILGUN_EVENT_DATA, null, 2)}, "n": 820982911946154508 }`;

    it('adds a signature the documented verifier accepts, keeping every other byte, and verify accepts it', () => {
      // Act
      const signed = mailgun.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/mailgun', headers: {}, body: unsignedBody }, { secret: MAILGUN_KEY, nowSeconds: NOW, options: undefined });

      // Assess
      const body = String(signed.body);
      const { signature } = JSON.parse(body) as { signature: { token: string; timestamp: string; signature: string } };
      expect(signature.token).toHaveLength(50);
      expect(signature.timestamp).toBe(String(NOW));
      expect(signature.signature).toBe(mailgunSignature(signature.timestamp, signature.token));
      expect(body).toBe(`{"signature":${JSON.stringify(signature)},${unsignedBody.slice(1)}`);
      expect(verifyRequest(mailgun, receivedRequest(signed, 'mailgun'), { secrets: [MAILGUN_KEY] }).events).toHaveLength(1);
    });

    it.each([
      { case: 'replaces an existing signature in place', body: mailgunBody(), expected: (signatureJson: string) => mailgunBody().replace(/\{"token".*?\}/, signatureJson) },
      { case: 'signs an empty object', body: ' { } ', expected: (signatureJson: string) => ` {"signature":${signatureJson} } ` },
    ])('$case', ({ body, expected }) => {
      // Act
      const signed = String(mailgun.sign({ method: 'POST', url: 'https://x', headers: {}, body }, { secret: MAILGUN_KEY, nowSeconds: NOW, options: undefined }).body);

      // Assess
      const { signature } = JSON.parse(signed) as { signature: unknown };
      expect(signed).toBe(expected(JSON.stringify(signature)));
    });

    it('refuses to sign a body that is not a JSON object', () => {
      const act = () => mailgun.sign({ method: 'POST', url: 'https://x', headers: {}, body: '[1]' }, { secret: MAILGUN_KEY, nowSeconds: NOW, options: undefined });
      expect(act).toThrow(/JSON object/);
    });
  });
});
