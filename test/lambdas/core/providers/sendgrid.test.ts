import { generateKeyPairSync } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { sendgrid } from '../../../../lambdas/core/providers/sendgrid';
import { expectRefusal, headerOf, NOW, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import {
  SENDGRID_BODY,
  SENDGRID_EVENTS,
  SENDGRID_KEYS,
  SENDGRID_OTHER_KEYS,
  sendgridSignature,
  signedSendGridRequest,
} from '../../../fixtures/sendgrid';

const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

describe('Provider: sendgrid', () => {
  describe('fixture', () => {
    it.each([
      { case: 'the base64 DER key', key: SENDGRID_KEYS.publicKeyBase64 },
      { case: 'the PEM key', key: SENDGRID_KEYS.publicKeyPem },
    ])('signs what @sendgrid/eventwebhook verifies with $case', ({ key }) => {
      // Prepare
      const verifier = new EventWebhook();
      const timestamp = String(NOW);

      // Act
      const valid = verifier.verifySignature(verifier.convertPublicKeyToECDSA(key), SENDGRID_BODY, sendgridSignature(SENDGRID_BODY, timestamp), timestamp);

      // Assess
      expect(valid).toBe(true);
    });
  });

  describe('verify', () => {
    it('accepts a signed batch and returns one event per element', () => {
      // Prepare
      const request = signedSendGridRequest();

      // Act
      const result = verifyRequest(sendgrid, request, { secrets: [SENDGRID_KEYS.publicKeyBase64] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: SENDGRID_EVENTS.map((event) => ({ id: event.sg_event_id, type: event.event, payload: event, payloadJson: JSON.stringify(event) })),
      });
    });

    it.each([
      { case: 'the second key matches (rotation)', secrets: [SENDGRID_OTHER_KEYS.publicKeyBase64, SENDGRID_KEYS.publicKeyBase64], secretIndex: 1 },
      { case: 'the key is configured as PEM', secrets: [SENDGRID_KEYS.publicKeyPem], secretIndex: 0 },
      { case: 'an unparseable key comes first', secrets: ['not a key', SENDGRID_KEYS.publicKeyBase64], secretIndex: 1 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(sendgrid, signedSendGridRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'an empty batch', body: '[]', events: 0 },
      { case: 'a single-event batch', body: JSON.stringify([SENDGRID_EVENTS[0]]), events: 1 },
    ])('accepts $case', ({ body, events }) => {
      // Act
      const result = verifyRequest(sendgrid, signedSendGridRequest({ body }), { secrets: [SENDGRID_KEYS.publicKeyBase64] });

      // Assess
      expect(result.events).toHaveLength(events);
    });

    const valid = signedSendGridRequest();
    const signature = headerOf(valid, SIGNATURE_HEADER);
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const p384Key = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    it.each([
      { case: 'missing signature header', request: withHeaders(valid, { [SIGNATURE_HEADER]: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'missing timestamp header', request: withHeaders(valid, { [TIMESTAMP_HEADER]: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a non-base64 signature', request: withHeaders(valid, { [SIGNATURE_HEADER]: `*${signature.slice(1)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'an oversized signature', request: withHeaders(valid, { [SIGNATURE_HEADER]: Buffer.alloc(96, 1).toString('base64') }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-numeric timestamp', request: withHeaders(valid, { [TIMESTAMP_HEADER]: 'now' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature by another key', request: signedSendGridRequest({ privateKey: SENDGRID_OTHER_KEYS.privateKey }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, SENDGRID_BODY.replace('delivered', 'bounce')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(valid, { [TIMESTAMP_HEADER]: String(NOW - 1) }), code: 'INVALID_SIGNATURE' },
      { case: 'garbage DER', request: withHeaders(valid, { [SIGNATURE_HEADER]: Buffer.alloc(70, 7).toString('base64') }), code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 301 s old', request: signedSendGridRequest({ timestamp: NOW - 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', request: signedSendGridRequest({ timestamp: NOW + 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a signed non-JSON body', request: signedSendGridRequest({ body: 'event=open' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed JSON object instead of an array', request: signedSendGridRequest({ body: JSON.stringify(SENDGRID_EVENTS[0]) }), code: 'INVALID_PAYLOAD' },
      { case: 'an element without sg_event_id', request: signedSendGridRequest({ body: JSON.stringify([{ event: 'open' }]) }), code: 'INVALID_PAYLOAD' },
      { case: 'an element without event', request: signedSendGridRequest({ body: JSON.stringify([{ sg_event_id: 'x' }]) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(sendgrid, request, { secrets: [SENDGRID_KEYS.publicKeyBase64] }), code, [signature]);
    });

    it.each([
      { case: 'an RSA key', key: rsaKey },
      { case: 'a P-384 key', key: p384Key },
      { case: 'a private-looking string', key: 'SG.not-a-public-key' },
    ])('never matches when the configured key is $case', ({ key }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(sendgrid, valid, { secrets: [key] }), 'INVALID_SIGNATURE');
    });

    it('agrees with @sendgrid/eventwebhook on a tampered body', () => {
      // Prepare
      const verifier = new EventWebhook();
      const tampered = SENDGRID_BODY.replace('open', 'click');

      // Act
      const official = verifier.verifySignature(verifier.convertPublicKeyToECDSA(SENDGRID_KEYS.publicKeyBase64), tampered, signature, String(NOW));

      // Assess
      expect(official).toBe(false);
      expectRefusal(() => verifyRequest(sendgrid, withBody(valid, tampered), { secrets: [SENDGRID_KEYS.publicKeyBase64] }), 'INVALID_SIGNATURE');
    });
  });

  describe('payload fidelity', () => {
    it('publishes each event as its own slice of the signed body, exactly as written', () => {
      // Prepare: spacing, a number JSON.parse would round, escapes and brackets inside strings.
      const items = [
        '{ "sg_event_id": "a-1", "event": "delivered", "n": 820982911946154508 }',
        '{"sg_event_id":"b-2","event":"open","useragent":"x [\\"quoted\\"] }, {","emoji":"😀"}',
      ];
      const request = signedSendGridRequest({ body: `[\r\n  ${items[0]},\r\n  ${items[1]}\r\n]\r\n` });

      // Act
      const result = verifyRequest(sendgrid, request, { secrets: [SENDGRID_KEYS.publicKeyBase64] });

      // Assess
      expect(result.events.map((event) => event.payloadJson)).toEqual(items);
    });
  });

  describe('sign', () => {
    it('signs what @sendgrid/eventwebhook verifies (SendGrid ships a verifier, not a signer; ECDSA signatures differ each time)', () => {
      // Prepare
      const privateKeyPem = SENDGRID_KEYS.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

      // Act
      const signed = sendgrid.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/sendgrid', headers: {}, body: SENDGRID_BODY }, { secret: privateKeyPem, nowSeconds: NOW, options: undefined });

      // Assess
      const verifier = new EventWebhook();
      const headers = signed.headers as Record<string, string>;
      expect(
        verifier.verifySignature(
          verifier.convertPublicKeyToECDSA(SENDGRID_KEYS.publicKeyBase64),
          SENDGRID_BODY,
          headers['X-Twilio-Email-Event-Webhook-Signature']!,
          headers['X-Twilio-Email-Event-Webhook-Timestamp']!,
        ),
      ).toBe(true);
    });

    it('refuses to sign with a public verification key, without echoing it', () => {
      const act = () => sendgrid.sign({ method: 'POST', url: 'https://x', headers: {}, body: '[]' }, { secret: SENDGRID_KEYS.publicKeyBase64, nowSeconds: NOW, options: undefined });
      expect(act).toThrow(/private key/);
      expect(act).not.toThrow(SENDGRID_KEYS.publicKeyBase64);
    });
  });
});
