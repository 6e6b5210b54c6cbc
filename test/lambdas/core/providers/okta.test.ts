import { receivedRequest } from '../../../../lambdas/core/provider';
import { okta } from '../../../../lambdas/core/providers/okta';
import { expectRefusal, verifyRequest } from '../../../fixtures/request';
import { OKTA_CHALLENGE, OKTA_CREDENTIAL, OKTA_EVENTS, OKTA_OTHER_CREDENTIAL, oktaBody, oktaRequest, oktaVerificationRequest } from '../../../fixtures/okta';

// Okta ships no package for event hooks and signs nothing: the tests follow its "Event hooks"
// documentation (the Authorization value as configured, the GET verification, `data.events`).
const SECRETS = [OKTA_CREDENTIAL];

describe('Provider: okta', () => {
  describe('verify (POST: event hook deliveries)', () => {
    it('accepts a delivery with the configured Authorization value: one event per item, each its exact slice', () => {
      // Prepare
      const request = oktaRequest();

      // Act
      const result = verifyRequest(okta, request, { secrets: SECRETS });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: OKTA_EVENTS.map((event) => ({ id: event.uuid, type: event.eventType, payload: event, payloadJson: JSON.stringify(event) })),
      });
    });

    it('publishes each item exactly as written: spacing, escapes and digits untouched', () => {
      // Prepare
      const items = ['{ "uuid" : "a-1", "eventType" : "user.session.start", "n": 820982911946154508 }', '{"uuid":"b-2","eventType":"user.account.lock","displayMessage":"x [\\"y\\"] }, {"}'];
      const body = `{"eventType":"com.okta.event_hook","data":{ "events" : [\r\n ${items[0]},\r\n ${items[1]} ] }}`;

      // Act
      const result = verifyRequest(okta, oktaRequest({ body }), { secrets: SECRETS });

      // Assess
      expect(result.events.map((event) => event.payloadJson)).toEqual(items);
    });

    it('accepts a delivery with no events and enqueues nothing', () => {
      expect(verifyRequest(okta, oktaRequest({ body: oktaBody([]) }), { secrets: SECRETS }).events).toEqual([]);
    });

    it.each([
      { case: 'the second credential matches (rotation)', secrets: [OKTA_OTHER_CREDENTIAL, OKTA_CREDENTIAL], secretIndex: 1 },
      { case: 'an empty secret comes first', secrets: ['', OKTA_CREDENTIAL], secretIndex: 1 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(okta, oktaRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it('does not cover the body: a changed body is accepted with the credential (see docs: notSigned)', () => {
      // Act
      const result = verifyRequest(okta, oktaRequest({ body: oktaBody([{ ...OKTA_EVENTS[0], displayMessage: 'anything' }]) }), { secrets: SECRETS });

      // Assess
      expect(result.events.map((event) => event.id)).toEqual([OKTA_EVENTS[0]!.uuid]);
    });

    it.each([
      { case: 'no Authorization header', request: oktaRequest({ credential: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'an empty Authorization header', request: oktaRequest({ credential: '' }), code: 'MISSING_SIGNATURE' },
      { case: 'another credential', request: oktaRequest({ credential: OKTA_OTHER_CREDENTIAL }), code: 'INVALID_SIGNATURE' },
      { case: 'the credential with another scheme case', request: oktaRequest({ credential: OKTA_CREDENTIAL.replace('Basic', 'basic') }), code: 'INVALID_SIGNATURE' },
      { case: 'the credential cut short by one character', request: oktaRequest({ credential: OKTA_CREDENTIAL.slice(0, -1) }), code: 'INVALID_SIGNATURE' },
      { case: 'the credential with a character added', request: oktaRequest({ credential: `${OKTA_CREDENTIAL}x` }), code: 'INVALID_SIGNATURE' },
      { case: 'a non-JSON body', request: oktaRequest({ body: 'events=1' }), code: 'INVALID_PAYLOAD' },
      { case: 'a body without data.events', request: oktaRequest({ body: JSON.stringify({ eventType: 'com.okta.event_hook', data: {} }) }), code: 'INVALID_PAYLOAD' },
      { case: 'an item that is not an object', request: oktaRequest({ body: oktaBody([OKTA_EVENTS[0], 'user.session.end']) }), code: 'INVALID_PAYLOAD' },
      { case: 'an item without uuid', request: oktaRequest({ body: oktaBody([{ ...OKTA_EVENTS[0], uuid: undefined }]) }), code: 'INVALID_PAYLOAD' },
      { case: 'an item without eventType', request: oktaRequest({ body: oktaBody([{ ...OKTA_EVENTS[0], eventType: '' }]) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(okta, request, { secrets: SECRETS }), code, [OKTA_CREDENTIAL]);
    });
  });

  describe('verify (GET: the one-time verification)', () => {
    it('answers the challenge as {"verification": …} when the Authorization value is valid, and publishes nothing', () => {
      // Act
      const result = verifyRequest(okta, oktaVerificationRequest(), { secrets: SECRETS });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [], reply: { statusCode: 200, body: { verification: OKTA_CHALLENGE } } });
    });

    it.each([
      { case: 'no Authorization header', request: oktaVerificationRequest({ credential: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'another credential', request: oktaVerificationRequest({ credential: OKTA_OTHER_CREDENTIAL }), code: 'INVALID_SIGNATURE' },
      { case: 'no challenge header', request: oktaVerificationRequest({ challenge: undefined }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, without echoing the challenge', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(okta, request, { secrets: SECRETS }), code, [OKTA_CREDENTIAL, OKTA_CHALLENGE]);
    });
  });

  describe('sign', () => {
    it('sends the configured value as Authorization, which verify accepts', () => {
      // Act
      const signed = okta.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/okta', headers: { 'Content-Type': 'application/json' }, body: oktaBody() }, { secret: OKTA_CREDENTIAL, nowSeconds: 0, options: undefined });

      // Assess
      expect(signed.headers).toEqual({ 'Content-Type': 'application/json', Authorization: OKTA_CREDENTIAL });
      expect(verifyRequest(okta, receivedRequest(signed, 'okta'), { secrets: SECRETS }).events).toHaveLength(2);
    });
  });
});
