import { receivedRequest } from '../../../../lambdas/core/provider';
import { twitch } from '../../../../lambdas/core/providers/twitch';
import { expectRefusal, headerOf, NOW, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import {
  signedTwitchRequest,
  TWITCH_MESSAGE_ID,
  TWITCH_NOTIFICATION,
  TWITCH_OTHER_SECRET,
  TWITCH_REVOCATION,
  TWITCH_SECRET,
  TWITCH_TIMESTAMP,
  TWITCH_VERIFICATION,
  twitchSampleVerifies,
} from '../../../fixtures/twitch';

const SIGNATURE_HEADER = 'Twitch-Eventsub-Message-Signature';
const TIMESTAMP_HEADER = 'Twitch-Eventsub-Message-Timestamp';
const MESSAGE_ID_HEADER = 'Twitch-Eventsub-Message-Id';
const MESSAGE_TYPE_HEADER = 'Twitch-Eventsub-Message-Type';

// Known answer, computed independently of this code:
//   printf '%s' '<message id><timestamp><body>' | openssl dgst -sha256 -hmac 'keepItSecretKeepItSafe' -hex
// with the fixture's TWITCH_MESSAGE_ID, TWITCH_TIMESTAMP and JSON.stringify(TWITCH_NOTIFICATION).
const BODY = JSON.stringify(TWITCH_NOTIFICATION);
const KNOWN_SIGNATURE = 'sha256=ff5eae81a59a9914c94bbb80d68e20f1239756384db9c1782d9682dfeddea032';

/** NOW + `seconds`, as Twitch writes it, with a nanosecond fraction. */
const at = (seconds: number, fraction = '.999999999') => new Date((NOW + seconds) * 1000).toISOString().replace('.000Z', `${fraction}Z`);

describe('Provider: twitch', () => {
  describe('fixture', () => {
    it('is the known answer computed with openssl', () => {
      expect(headerOf(signedTwitchRequest(), SIGNATURE_HEADER)).toBe(KNOWN_SIGNATURE);
    });
  });

  describe('verify', () => {
    it('accepts a signed notification: id Message-Id, type subscription.type', () => {
      // Prepare
      const request = signedTwitchRequest();

      // Act
      const result = verifyRequest(twitch, request, { secrets: [TWITCH_SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: TWITCH_MESSAGE_ID, type: 'channel.follow', payload: TWITCH_NOTIFICATION, payloadJson: request.rawBody.toString('utf8') }],
      });
    });

    it('answers a signed webhook_callback_verification with the challenge as text/plain and publishes nothing', () => {
      // Act
      const result = verifyRequest(twitch, signedTwitchRequest({ body: JSON.stringify(TWITCH_VERIFICATION), messageType: 'webhook_callback_verification' }), { secrets: [TWITCH_SECRET] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [], reply: { statusCode: 200, contentType: 'text/plain', body: 'pogchamp-kappa-360noscope-vohiyo' } });
    });

    it('publishes a signed revocation with type "revocation"', () => {
      // Act
      const result = verifyRequest(twitch, signedTwitchRequest({ body: JSON.stringify(TWITCH_REVOCATION), messageType: 'revocation' }), { secrets: [TWITCH_SECRET] });

      // Assess
      expect(result.events.map(({ id, type, payload }) => ({ id, type, payload }))).toEqual([{ id: TWITCH_MESSAGE_ID, type: 'revocation', payload: TWITCH_REVOCATION }]);
      expect(result.reply).toBeUndefined();
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [TWITCH_OTHER_SECRET, TWITCH_SECRET], secretIndex: 1 },
      { case: 'the first secret matches', secrets: [TWITCH_SECRET, TWITCH_OTHER_SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(twitch, signedTwitchRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a timestamp exactly 600 s old', timestamp: at(-600, '.000000000') },
      { case: 'a timestamp exactly 600 s ahead', timestamp: at(600, '.000000000') },
      { case: 'a timestamp with a numeric offset', timestamp: '2023-11-15T00:13:20.5+02:00' },
      { case: 'a timestamp without a fraction, in lower case', timestamp: '2023-11-14t22:13:20z' },
    ])('accepts $case', ({ timestamp }) => {
      // Act
      const result = verifyRequest(twitch, signedTwitchRequest({ timestamp }), { secrets: [TWITCH_SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    const valid = signedTwitchRequest();
    const signature = headerOf(valid, SIGNATURE_HEADER);
    it.each([
      { case: 'a missing signature header', request: withHeaders(valid, { [SIGNATURE_HEADER]: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a missing Message-Id (it is signed)', request: withHeaders(valid, { [MESSAGE_ID_HEADER]: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a missing timestamp header', request: withHeaders(valid, { [TIMESTAMP_HEADER]: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'no sha256= prefix', request: withHeaders(valid, { [SIGNATURE_HEADER]: signature.slice(7) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a UNIX timestamp instead of RFC 3339', request: signedTwitchRequest({ timestamp: String(NOW) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a timestamp without a zone', request: signedTwitchRequest({ timestamp: '2023-11-14T22:13:20.634234626' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong secret', request: signedTwitchRequest({ secret: TWITCH_OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('zoe_martin', 'eve_martin')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed Message-Id', request: withHeaders(valid, { [MESSAGE_ID_HEADER]: 'a-fresh-message-id' }), code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(valid, { [TIMESTAMP_HEADER]: TWITCH_TIMESTAMP.replace('634', '635') }), code: 'INVALID_SIGNATURE' },
      { case: 'an unsigned verification', request: withBody(withHeaders(valid, { [MESSAGE_TYPE_HEADER]: 'webhook_callback_verification' }), JSON.stringify(TWITCH_VERIFICATION)), code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 600.000000001 s old', request: signedTwitchRequest({ timestamp: at(-601) }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 601 s in the future', request: signedTwitchRequest({ timestamp: at(601, '.000000000') }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a missing Message-Type', request: withHeaders(valid, { [MESSAGE_TYPE_HEADER]: undefined }), code: 'INVALID_PAYLOAD' },
      { case: 'an unknown Message-Type', request: withHeaders(valid, { [MESSAGE_TYPE_HEADER]: 'notifications' }), code: 'INVALID_PAYLOAD' },
      { case: 'a notification relabelled as a verification', request: withHeaders(valid, { [MESSAGE_TYPE_HEADER]: 'webhook_callback_verification' }), code: 'INVALID_PAYLOAD' },
      { case: 'a notification relabelled as a revocation', request: withHeaders(valid, { [MESSAGE_TYPE_HEADER]: 'revocation' }), code: 'INVALID_PAYLOAD' },
      { case: 'a verification relabelled as a notification', request: signedTwitchRequest({ body: JSON.stringify(TWITCH_VERIFICATION) }), code: 'INVALID_PAYLOAD' },
      { case: 'a revocation relabelled as a notification', request: signedTwitchRequest({ body: JSON.stringify(TWITCH_REVOCATION) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed non-JSON body', request: signedTwitchRequest({ body: 'challenge=x' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without subscription', request: signedTwitchRequest({ body: JSON.stringify({ event: {} }) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(twitch, request, { secrets: [TWITCH_SECRET] }), code, [TWITCH_SECRET, signature.slice(7)]);
    });

    it.each([
      { case: 'no Message-Type', messageType: undefined, logged: 'missing' },
      { case: 'a Message-Type of Twitch’s that does not match the body', messageType: 'revocation', logged: 'revocation' },
      { case: 'a Message-Type of the sender’s own', messageType: 'notification<script>', logged: 'unknown' },
    ])('logs $case as "$logged", never the header’s text (it is not signed)', ({ messageType, logged }) => {
      // Act
      const error = expectRefusal(() => verifyRequest(twitch, withHeaders(valid, { [MESSAGE_TYPE_HEADER]: messageType }), { secrets: [TWITCH_SECRET] }), 'INVALID_PAYLOAD');

      // Assess
      expect(error.details).toEqual({ messageType: logged });
    });
  });

  describe('sign', () => {
    it('signs what the sample’s verifySignature accepts, with an RFC 3339 nanosecond timestamp, and verify accepts it', () => {
      // Prepare
      const unsigned = twitch.samples.request(BODY, 'channel.follow', { url: 'https://hooks.example.com/webhooks/twitch', nowSeconds: NOW });

      // Act
      const signed = twitch.sign(unsigned, { secret: TWITCH_SECRET, nowSeconds: NOW, options: undefined });

      // Assess
      const headers = signed.headers as Record<string, string>;
      expect(headers[TIMESTAMP_HEADER]).toMatch(/^2023-11-14T22:13:20\.\d{9}Z$/);
      expect(twitchSampleVerifies(headers[SIGNATURE_HEADER]!, headers[MESSAGE_ID_HEADER]!, headers[TIMESTAMP_HEADER]!, BODY)).toBe(true);
      expect(verifyRequest(twitch, receivedRequest(signed, 'twitch'), { secrets: [TWITCH_SECRET] }).events).toHaveLength(1);
    });
  });
});
