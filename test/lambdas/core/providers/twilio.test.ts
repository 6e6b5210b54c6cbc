import { getExpectedBodyHash, getExpectedTwilioSignature, validateRequest, validateRequestWithBody } from 'twilio/lib/webhooks/webhooks';
import { twilio } from '../../../../lambdas/core/providers/twilio';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import { expectRefusal, headerOf, verdictOf, verifyRequest, withBody, withHeaders, withUrl } from '../../../fixtures/request';
import {
  formBody,
  signedTwilioFormRequest,
  signedTwilioJsonRequest,
  TWILIO_AUTH_TOKEN,
  TWILIO_IDEMPOTENCY_TOKEN,
  TWILIO_JSON_BODY,
  TWILIO_OTHER_TOKEN,
  TWILIO_PARAMS,
  TWILIO_URL,
} from '../../../fixtures/twilio';

/**
 * Form parameters as Express hands them to twilio (a repeated key → a list). Built here rather
 * than with node:querystring: jest's sandbox would see that module's arrays as foreign, and
 * twilio's `instanceof Array` would then misread a repeated key.
 */
function parseForm(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = params[key];
    params[key] = existing === undefined ? value : [...(typeof existing === 'string' ? [existing] : existing), value];
  }
  return params;
}

/** validateRequest checks the signature only: its false is INVALID_SIGNATURE, nothing else. */
const ourVerdict = (request: WebhookRequest) => verdictOf(twilio, request, { secrets: [TWILIO_AUTH_TOKEN] }, ['INVALID_SIGNATURE']);

/** twilio's own verdict on the same request (`validateRequest` / `validateRequestWithBody`). */
function twilioVerdict(request: WebhookRequest): boolean {
  const signature = headerOf(request, 'x-twilio-signature');
  const settings = request.headers['x-twilio-webhooks-signature-settings']?.[0];
  const algorithm = settings?.includes('HMAC_SHA256') ? 'HMAC_SHA256' : undefined;
  const body = request.rawBody.toString('utf8');
  return request.url.includes('bodySHA256')
    ? validateRequestWithBody(TWILIO_AUTH_TOKEN, signature, request.url, body, algorithm)
    : validateRequest(TWILIO_AUTH_TOKEN, signature, request.url, parseForm(body), algorithm);
}

describe('Provider: twilio', () => {
  describe('verify', () => {
    it('accepts a form request signed by twilio and returns its parameters', () => {
      // Prepare
      const request = signedTwilioFormRequest();

      // Act
      const result = verifyRequest(twilio, request, { secrets: [TWILIO_AUTH_TOKEN] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [
          {
            id: TWILIO_IDEMPOTENCY_TOKEN,
            type: 'message.delivered',
            payload: { ...TWILIO_PARAMS },
            payloadJson: JSON.stringify(TWILIO_PARAMS),
            contentKey: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
        ],
      });
    });

    it('accepts a JSON request whose URL carries bodySHA256 and returns the parsed body', () => {
      // Prepare
      const request = signedTwilioJsonRequest();

      // Act
      const result = verifyRequest(twilio, request, { secrets: [TWILIO_AUTH_TOKEN] });

      // Assess
      expect(result.events).toEqual([
        {
          id: expect.stringMatching(/^[0-9a-f]{64}$/),
          type: 'com.twilio.messaging.message.delivered',
          payload: JSON.parse(TWILIO_JSON_BODY),
          payloadJson: TWILIO_JSON_BODY,
          contentKey: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ]);
    });

    it('returns secretIndex 1 when the second auth token matches (rotation)', () => {
      // Act
      const result = verifyRequest(twilio, signedTwilioFormRequest(), { secrets: [TWILIO_OTHER_TOKEN, TWILIO_AUTH_TOKEN] });

      // Assess
      expect(result.secretIndex).toBe(1);
    });

    const hooks = 'hooks.example.com/webhooks/twilio?tenant=acme';
    it.each([
      { case: 'the signed request', request: signedTwilioFormRequest(), accepted: true },
      { case: 'received with :443, signed without', request: signedTwilioFormRequest({ signedUrl: `https://${hooks}`, url: `https://hooks.example.com:443/webhooks/twilio?tenant=acme` }), accepted: true },
      { case: 'received without port, signed with :443', request: signedTwilioFormRequest({ signedUrl: `https://hooks.example.com:443/webhooks/twilio?tenant=acme`, url: `https://${hooks}` }), accepted: true },
      { case: 'http received with :80, signed without', request: signedTwilioFormRequest({ signedUrl: `http://${hooks}`, url: `http://hooks.example.com:80/webhooks/twilio?tenant=acme` }), accepted: true },
      { case: 'received with :8443, signed without', request: signedTwilioFormRequest({ signedUrl: `https://${hooks}`, url: `https://hooks.example.com:8443/webhooks/twilio?tenant=acme` }), accepted: true },
      { case: 'signed with a raw quote, received percent-encoded', request: signedTwilioFormRequest({ signedUrl: `https://${hooks}&q=it's`, url: `https://${hooks}&q=it%27s` }), accepted: true },
      { case: 'signed percent-encoded, received with a raw quote', request: signedTwilioFormRequest({ signedUrl: `https://${hooks}&q=it%27s`, url: `https://${hooks}&q=it's` }), accepted: true },
      { case: 'a SharedKey HMAC_SHA256 signature', request: signedTwilioFormRequest({ algorithm: 'HMAC_SHA256' }), accepted: true },
      { case: 'a signed JSON body', request: signedTwilioJsonRequest(), accepted: true },
      { case: 'another auth token', request: signedTwilioFormRequest({ authToken: TWILIO_OTHER_TOKEN }), accepted: false },
      { case: 'a tampered parameter', request: withBody(signedTwilioFormRequest(), formBody({ ...TWILIO_PARAMS, MessageStatus: 'failed' })), accepted: false },
      { case: 'an added parameter', request: withBody(signedTwilioFormRequest(), formBody({ ...TWILIO_PARAMS, Extra: 'x' })), accepted: false },
      { case: 'another path', request: withUrl(signedTwilioFormRequest(), 'https://hooks.example.com/webhooks/other?tenant=acme'), accepted: false },
      { case: 'another query string', request: withUrl(signedTwilioFormRequest(), 'https://hooks.example.com/webhooks/twilio?tenant=evil'), accepted: false },
      { case: 'another scheme', request: withUrl(signedTwilioFormRequest(), `http://${hooks}`), accepted: false },
      { case: 'a JSON body that does not match bodySHA256', request: signedTwilioJsonRequest({ hashedBody: '{"other":true}' }), accepted: false },
      { case: 'a JSON body signed with another token', request: signedTwilioJsonRequest({ authToken: TWILIO_OTHER_TOKEN }), accepted: false },
    ])('agrees with twilio validateRequest on $case (accepted: $accepted)', ({ request, accepted }) => {
      // Act
      const ours = ourVerdict(request);

      // Assess
      expect(ours).toBe(accepted);
      expect(twilioVerdict(request)).toBe(ours);
    });

    it.each([
      { case: 'MessageStatus', params: { MessageStatus: 'delivered', SmsStatus: 'sent' }, type: 'message.delivered' },
      { case: 'SmsStatus of an incoming message', params: { SmsStatus: 'received', Body: 'hi' }, type: 'message.received' },
      { case: 'CallStatus', params: { CallStatus: 'completed' }, type: 'call.completed' },
      { case: 'RecordingStatus before CallStatus', params: { CallStatus: 'in-progress', RecordingStatus: 'completed' }, type: 'recording.completed' },
      { case: 'TranscriptionStatus', params: { TranscriptionStatus: 'completed', CallStatus: 'completed' }, type: 'transcription.completed' },
      { case: 'StatusCallbackEvent of a conference', params: { StatusCallbackEvent: 'participant-join' }, type: 'conference.participant-join' },
      { case: 'EventType verbatim', params: { EventType: 'task.created' }, type: 'task.created' },
      { case: 'an empty status, falling through', params: { MessageStatus: '', CallStatus: 'busy' }, type: 'call.busy' },
      { case: 'no known field', params: { Foo: 'bar' }, type: 'unknown' },
    ] as ReadonlyArray<{ case: string; params: Record<string, string>; type: string }>)('derives the type from $case', ({ params, type }) => {
      // Act
      const result = verifyRequest(twilio, signedTwilioFormRequest({ params }), { secrets: [TWILIO_AUTH_TOKEN] });

      // Assess
      expect(result.events[0]?.type).toBe(type);
    });

    it.each([
      { case: 'a JSON object without type', body: '{"data":1}', type: 'unknown' },
      { case: 'a JSON array', body: '[{"type":"x"}]', type: 'unknown' },
      { case: 'a JSON object with CallStatus', body: '{"CallStatus":"ringing","type":"x"}', type: 'call.ringing' },
    ])('derives the type of $case', ({ body, type }) => {
      // Act
      const result = verifyRequest(twilio, signedTwilioJsonRequest({ body }), { secrets: [TWILIO_AUTH_TOKEN] });

      // Assess
      expect(result.events[0]?.type).toBe(type);
    });

    it('derives a stable id from URL and body when there is no I-Twilio-Idempotency-Token', () => {
      // Prepare
      const first = signedTwilioFormRequest({ headers: { 'I-Twilio-Idempotency-Token': undefined } });
      const other = signedTwilioFormRequest({ params: { ...TWILIO_PARAMS, MessageStatus: 'sent' }, headers: { 'I-Twilio-Idempotency-Token': undefined } });

      // Act
      const [a, b, c] = [first, first, other].map((request) => verifyRequest(twilio, request, { secrets: [TWILIO_AUTH_TOKEN] }).events[0]?.id);

      // Assess
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(b).toBe(a);
      expect(c).not.toBe(a);
    });

    const valid = signedTwilioFormRequest();
    const signature = headerOf(valid, 'x-twilio-signature');
    it.each([
      { case: 'missing X-Twilio-Signature', request: withHeaders(valid, { 'X-Twilio-Signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a non-base64 signature', request: withHeaders(valid, { 'X-Twilio-Signature': `${signature.slice(0, -2)}!!` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a SHA-256-sized signature without SharedKey settings', request: withHeaders(valid, { 'X-Twilio-Signature': Buffer.alloc(32).toString('base64') }), code: 'MALFORMED_SIGNATURE' },
      {
        case: 'an unsupported signature algorithm',
        request: withHeaders(valid, { 'X-Twilio-Webhooks-Signature-Settings': 'key=k,algorithm=HMAC_MD5' }),
        code: 'MALFORMED_SIGNATURE',
      },
      { case: 'a wrong auth token', request: signedTwilioFormRequest({ authToken: TWILIO_OTHER_TOKEN }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered JSON body', request: withBody(signedTwilioJsonRequest(), TWILIO_JSON_BODY.replace('Olá', 'Ola')), code: 'INVALID_SIGNATURE' },
      { case: 'a signed non-JSON body under bodySHA256', request: signedTwilioJsonRequest({ body: 'not json' }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(twilio, request, { secrets: [TWILIO_AUTH_TOKEN] }), code, [TWILIO_AUTH_TOKEN, signature]);
    });

    it('sets no timestamp tolerance: Twilio signs no timestamp', () => {
      // Assess
      expect(twilio.defaultToleranceSeconds).toBe(0);
    });
  });

  describe('replay protection (nothing signed but the URL and parameters)', () => {
    const keyOf = (request: WebhookRequest) => verifyRequest(twilio, request, { secrets: [TWILIO_AUTH_TOKEN] }).events[0]?.contentKey;
    const original = signedTwilioFormRequest();
    const params = new URLSearchParams(original.rawBody.toString('utf8'));
    const pairs = [...params];

    it.each([
      { case: 'a fresh I-Twilio-Idempotency-Token', request: withHeaders(original, { 'I-Twilio-Idempotency-Token': 'fresh-token' }) },
      { case: 'its form parameters reordered', request: withBody(original, new URLSearchParams([...pairs].reverse()).toString()) },
      { case: 'one parameter pair repeated', request: withBody(original, new URLSearchParams([...pairs, pairs[0]!]).toString()) },
    ])('gives the captured request sent again with $case the same deduplication key', ({ request }) => {
      // Assess: the signature still matches (twilio agrees), and the key is the original's.
      expect(twilioVerdict(request)).toBe(true);
      expect(keyOf(request)).toEqual(keyOf(original));
    });
  });

  describe('the configured exact URL', () => {
    const exactUrl = 'https://hooks.example.com/webhooks/twilio?a=1&b=2&a=3&next=https://app.example.com/cb&tags=x,y';

    it('verifies a callback whose URL has repeated keys, a URL value and commas against the configured URL byte for byte', () => {
      // Prepare: twilio signs the URL as configured in the console.
      const request = signedTwilioFormRequest({ signedUrl: exactUrl });

      // Act
      const result = verifyRequest(twilio, request, { secrets: [TWILIO_AUTH_TOKEN] });

      // Assess
      expect(result.events).toHaveLength(1);
      expect(twilioVerdict(request)).toBe(true);
    });

    it('verifies a JSON callback against the configured URL, to which Twilio appended bodySHA256', () => {
      // Prepare: the adapter hands the configured URL (without bodySHA256) and the decoded query.
      const configured = 'https://hooks.example.com/webhooks/twilio?tenant=acme';
      const signed = `${configured}&bodySHA256=${getExpectedBodyHash(TWILIO_JSON_BODY)}`;
      const request = {
        ...withUrl(signedTwilioJsonRequest(), signed),
        url: configured,
      };
      const resigned = withHeaders(request, { 'X-Twilio-Signature': getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, signed, {}) });

      // Act
      const result = verifyRequest(twilio, resigned, { secrets: [TWILIO_AUTH_TOKEN] });

      // Assess
      expect(result.events.map((event) => event.payloadJson)).toEqual([TWILIO_JSON_BODY]);
    });
  });

  describe('bounded work before the signature check', () => {
    it('refuses a form body of more than 512 parameters before parsing it', () => {
      const body = Array.from({ length: 513 }, (_, i) => `k${i}=v`).join('&');
      expectRefusal(() => verifyRequest(twilio, withBody(signedTwilioFormRequest(), body), { secrets: [TWILIO_AUTH_TOKEN] }), 'INVALID_PAYLOAD');
    });
  });

  describe('sign', () => {
    it('produces the X-Twilio-Signature twilio\'s getExpectedTwilioSignature produces for a form', () => {
      const signed = twilio.sign(
        { method: 'POST', url: TWILIO_URL, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formBody(TWILIO_PARAMS) },
        { secret: TWILIO_AUTH_TOKEN, nowSeconds: 0, options: undefined },
      );
      expect(signed.headers['X-Twilio-Signature']).toBe(getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, TWILIO_URL, TWILIO_PARAMS));
    });

    it('signs a JSON body as Twilio does: bodySHA256 appended to the URL, which twilio\'s validateRequestWithBody accepts', () => {
      const signed = twilio.sign(
        { method: 'POST', url: TWILIO_URL, headers: { 'Content-Type': 'application/json' }, body: TWILIO_JSON_BODY },
        { secret: TWILIO_AUTH_TOKEN, nowSeconds: 0, options: undefined },
      );
      expect(signed.url).toBe(`${TWILIO_URL}&bodySHA256=${getExpectedBodyHash(TWILIO_JSON_BODY)}`);
      expect(validateRequestWithBody(TWILIO_AUTH_TOKEN, signed.headers['X-Twilio-Signature']!, signed.url, TWILIO_JSON_BODY)).toBe(true);
    });
  });
});
