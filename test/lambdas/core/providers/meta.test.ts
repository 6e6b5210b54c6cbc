import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { receivedRequest } from '../../../../lambdas/core/provider';
import { meta } from '../../../../lambdas/core/providers/meta';
import {
  META_BATCH_BODY,
  META_BATCH_PAYLOADS,
  META_OTHER_SECRET,
  META_SECRET,
  META_VERIFY_TOKEN,
  metaChallengeRequest,
  metaRequest,
} from '../../../fixtures/meta';
import { octokitSign } from '../../../fixtures/octokit';
import { expectRefusal, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';

// Known answer, computed independently of Node's crypto and of the module:
//   printf '%s' "$KNOWN_BODY" | openssl dgst -sha256 -hmac 'hookrelay-meta-openssl-secret'   → KNOWN_MAC
//   printf '%s' "$KNOWN_BODY" | openssl dgst -sha256                                          → KNOWN_BODY_SHA256
const KNOWN_SECRET = 'hookrelay-meta-openssl-secret';
const KNOWN_BODY = String.raw`{"object":"page","entry":[{"id":"0","time":1700000000,"changes":[{"field":"feed","value":{"verb":"add","message":"Caf\u00e9"}}]}]}`;
const KNOWN_MAC = 'f1a804cd3b81eb843f64c91a164751947e022fc45b81549a2c25665846bea204';
const KNOWN_BODY_SHA256 = 'f37f50c9a565614c837a00bd912c03fbb3567a978c10749ed241cc85a7591def';

const WHATSAPP_BODY = String.raw`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","messages":[{"from":"16505551234","id":"wamid.A1","timestamp":"1700000000","type":"text","text":{"body":"Bonjour"}}]},"field":"messages"}]}]}`;
const ALTERED_BODY = META_BATCH_BODY.replace('"555"', '"556"');
const payloadCases = {
  messenger: '{"object":"page","entry":[{"id":"1","time":1700000000,"messaging":[{"sender":{"id":"2"},"message":{"mid":"m_1","text":"hi"}}]}]}',
  noObject: '{"entry":[]}',
  entryNotArray: '{"object":"page","entry":{"id":"1"}}',
  entryWithoutId: '{"object":"page","entry":[{"time":1,"changes":[{"field":"feed","value":{}}]}]}',
  changeWithoutField: '{"object":"page","entry":[{"id":"1","time":1,"changes":[{"field":"feed","value":{}},{"value":{}}]}]}',
  notJson: 'hub.mode=subscribe',
  noChanges: '{"object":"page","entry":[{"id":"1","time":1,"changes":[]}]}',
};

// Official vectors: @octokit/webhooks-methods `sign(secret, payload)`, the same `sha256=<hex>` scheme, computed once.
const [SIGNATURE, OTHER_SECRET_SIGNATURE, WHATSAPP_SIGNATURE, ALTERED_SIGNATURE, ...PAYLOAD_SIGNATURES] = octokitSign([
  { secret: META_SECRET, payload: META_BATCH_BODY },
  { secret: META_OTHER_SECRET, payload: META_BATCH_BODY },
  { secret: META_SECRET, payload: WHATSAPP_BODY },
  { secret: META_SECRET, payload: ALTERED_BODY },
  ...Object.values(payloadCases).map((payload) => ({ secret: META_SECRET, payload })),
]) as [string, string, string, string, ...string[]];
const signedPayload = (name: keyof typeof payloadCases) =>
  metaRequest(PAYLOAD_SIGNATURES[Object.keys(payloadCases).indexOf(name)], payloadCases[name]);
const MAC = SIGNATURE.slice('sha256='.length);

const verifyMeta = (request: ReturnType<typeof metaRequest>, secrets: readonly string[] = [META_SECRET], verifyTokens: readonly string[] = [META_VERIFY_TOKEN]) =>
  verifyRequest(meta, request, { secrets, verifyTokens });

describe('Provider: meta', () => {
  describe('verify (POST)', () => {
    it('accepts a batch signed by @octokit/webhooks-methods: one event per change, id from the body hash, type <object>.<field>, payload composed from the signed slices', () => {
      // Act
      const result = verifyMeta(metaRequest(SIGNATURE));

      // Assess
      const prefix = result.events[0]!.id.slice(0, 32);
      expect(result).toEqual({
        secretIndex: 0,
        events: [
          { id: `${prefix}:0:0`, type: 'page.feed', payload: JSON.parse(META_BATCH_PAYLOADS[0]), payloadJson: META_BATCH_PAYLOADS[0] },
          { id: `${prefix}:0:1`, type: 'page.feed', payload: JSON.parse(META_BATCH_PAYLOADS[1]), payloadJson: META_BATCH_PAYLOADS[1] },
          { id: `${prefix}:1:0`, type: 'page.mention', payload: JSON.parse(META_BATCH_PAYLOADS[2]), payloadJson: META_BATCH_PAYLOADS[2] },
        ],
      });
    });

    it('matches the openssl known answer: the signature, and the id prefix (first 32 hex digits of SHA-256 of the body)', () => {
      // Act
      const result = verifyRequest(meta, metaRequest(`sha256=${KNOWN_MAC}`, KNOWN_BODY), { secrets: [KNOWN_SECRET] });

      // Assess
      expect(result.events.map((event) => event.id)).toEqual([`${KNOWN_BODY_SHA256.slice(0, 32)}:0:0`]);
    });

    it('composes the payload without "time" for an entry that has none (WhatsApp)', () => {
      // Act
      const [event] = verifyMeta(metaRequest(WHATSAPP_SIGNATURE, WHATSAPP_BODY)).events;

      // Assess
      expect(event).toMatchObject({
        type: 'whatsapp_business_account.messages',
        payloadJson: String.raw`{"object":"whatsapp_business_account","entry":{"id":"102290129340398"},"change":{"value":{"messaging_product":"whatsapp","messages":[{"from":"16505551234","id":"wamid.A1","timestamp":"1700000000","type":"text","text":{"body":"Bonjour"}}]},"field":"messages"}}`,
        payload: { object: 'whatsapp_business_account', entry: { id: '102290129340398' }, change: JSON.parse(WHATSAPP_BODY).entry[0].changes[0] },
      });
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [META_OTHER_SECRET, META_SECRET], secretIndex: 1 },
      { case: 'the only secret matches', secrets: [META_SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyMeta(metaRequest(SIGNATURE), secrets);

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'next to a garbage SHA-1 X-Hub-Signature (ignored)', headers: { 'X-Hub-Signature': 'sha1=0000' } },
      { case: 'in a repeated header, second value', headers: { 'X-Hub-Signature-256': [`sha256=${'0'.repeat(64)}`, SIGNATURE] } },
    ])('accepts a valid X-Hub-Signature-256 $case', ({ headers }) => {
      // Act
      const result = verifyMeta(withHeaders(metaRequest(SIGNATURE), headers));

      // Assess
      expect(result.events).toHaveLength(3);
    });

    it('gives the same body the same ids (a resend is a repeat) and a body one byte apart other ids', () => {
      // Prepare
      const ids = (request: ReturnType<typeof metaRequest>) => verifyMeta(request).events.map((event) => event.id);

      // Act
      const first = ids(metaRequest(SIGNATURE));
      const again = ids(metaRequest(SIGNATURE));
      const other = ids(metaRequest(ALTERED_SIGNATURE, ALTERED_BODY));

      // Assess
      expect(again).toEqual(first);
      expect(other.filter((id) => first.includes(id))).toEqual([]);
    });

    it('acknowledges a signed body with no change at all and publishes nothing', () => {
      expect(verifyMeta(signedPayload('noChanges')).events).toEqual([]);
    });

    const valid = metaRequest(SIGNATURE);
    it.each([
      { case: 'missing X-Hub-Signature-256', request: metaRequest(undefined), code: 'MISSING_SIGNATURE' },
      { case: 'only the SHA-1 X-Hub-Signature', request: withHeaders(metaRequest(undefined), { 'X-Hub-Signature': 'sha1=0123' }), code: 'MISSING_SIGNATURE' },
      { case: 'an empty signature', request: withHeaders(valid, { 'X-Hub-Signature-256': '' }), code: 'MISSING_SIGNATURE' },
      { case: 'no sha256= prefix', request: withHeaders(valid, { 'X-Hub-Signature-256': MAC }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a sha1= prefix', request: withHeaders(valid, { 'X-Hub-Signature-256': `sha1=${MAC}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated MAC', request: withHeaders(valid, { 'X-Hub-Signature-256': SIGNATURE.slice(0, -2) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-hex MAC', request: withHeaders(valid, { 'X-Hub-Signature-256': `sha256=${'z'.repeat(64)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature under another secret', request: metaRequest(OTHER_SECRET_SIGNATURE), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, ALTERED_BODY), code: 'INVALID_SIGNATURE' },
      { case: 'a signed non-JSON body', request: signedPayload('notJson'), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without "object"', request: signedPayload('noObject'), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body whose "entry" is not an array', request: signedPayload('entryNotArray'), code: 'INVALID_PAYLOAD' },
      { case: 'a Messenger "messaging" entry (refused, so never acknowledged and dropped)', request: signedPayload('messenger'), code: 'INVALID_PAYLOAD' },
      { case: 'an entry without "id"', request: signedPayload('entryWithoutId'), code: 'INVALID_PAYLOAD' },
      { case: 'one change without "field" in a batch (the whole batch)', request: signedPayload('changeWithoutField'), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyMeta(request), code, [META_SECRET, MAC]);
    });
  });

  describe('verify (GET endpoint verification)', () => {
    const challenge = '1158201444';
    /** The verification query Meta sends, with parameters replaced (a list: repeated) or removed (undefined). */
    const query = (overrides: Record<string, string | readonly string[] | undefined> = {}) => {
      const parameters: Record<string, string | readonly string[]> = {};
      for (const [key, value] of Object.entries({ 'hub.mode': 'subscribe', 'hub.verify_token': META_VERIFY_TOKEN, 'hub.challenge': challenge, ...overrides })) {
        if (value !== undefined) parameters[key] = value;
      }
      return parameters;
    };

    it.each([
      { case: 'the only verify token', verifyTokens: [META_VERIFY_TOKEN] },
      { case: 'the second verify token (rotation)', verifyTokens: ['a-newer-token', META_VERIFY_TOKEN] },
    ])('answers 200 text/plain with exactly the challenge for $case, and publishes nothing', ({ verifyTokens }) => {
      // Act
      const result = verifyMeta(metaChallengeRequest(query()), [META_SECRET], verifyTokens);

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [], reply: { statusCode: 200, contentType: 'text/plain', body: challenge } });
    });

    it.each([
      { case: 'a wrong verify token', request: metaChallengeRequest(query({ 'hub.verify_token': 'guess' })), verifyTokens: [META_VERIFY_TOKEN], code: 'VERIFICATION_FAILED' },
      { case: 'the token with a trailing space', request: metaChallengeRequest(query({ 'hub.verify_token': `${META_VERIFY_TOKEN} ` })), verifyTokens: [META_VERIFY_TOKEN], code: 'VERIFICATION_FAILED' },
      { case: 'no verify token', request: metaChallengeRequest(query({ 'hub.verify_token': undefined })), verifyTokens: [META_VERIFY_TOKEN], code: 'VERIFICATION_FAILED' },
      { case: 'the verify token twice', request: metaChallengeRequest(query({ 'hub.verify_token': [META_VERIFY_TOKEN, META_VERIFY_TOKEN] })), verifyTokens: [META_VERIFY_TOKEN], code: 'VERIFICATION_FAILED' },
      { case: 'hub.mode other than subscribe', request: metaChallengeRequest(query({ 'hub.mode': 'unsubscribe' })), verifyTokens: [META_VERIFY_TOKEN], code: 'VERIFICATION_FAILED' },
      { case: 'no verify token configured', request: metaChallengeRequest(query()), verifyTokens: [], code: 'VERIFICATION_FAILED' },
      { case: 'the app secret as the token', request: metaChallengeRequest(query({ 'hub.verify_token': META_SECRET })), verifyTokens: [META_VERIFY_TOKEN], code: 'VERIFICATION_FAILED' },
      { case: 'the right token but no challenge', request: metaChallengeRequest(query({ 'hub.challenge': undefined })), verifyTokens: [META_VERIFY_TOKEN], code: 'INVALID_PAYLOAD' },
      { case: 'the right token and a challenge of markup', request: metaChallengeRequest(query({ 'hub.challenge': '<script>alert(1)</script>' })), verifyTokens: [META_VERIFY_TOKEN], code: 'INVALID_PAYLOAD' },
      { case: 'the right token and a 257-character challenge', request: metaChallengeRequest(query({ 'hub.challenge': '9'.repeat(257) })), verifyTokens: [META_VERIFY_TOKEN], code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, echoing neither the challenge nor the token', ({ request, verifyTokens, code }) => {
      // Act & Assess
      expectRefusal(() => verifyMeta(request, [META_SECRET], verifyTokens), code, [challenge, META_VERIFY_TOKEN, 'guess', '<script>']);
    });
  });

  describe('sign', () => {
    const unsigned = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/meta', headers: { 'Content-Type': 'application/json' }, body: META_BATCH_BODY };

    it('produces the X-Hub-Signature-256 @octokit/webhooks-methods produces, and the openssl known answer', () => {
      // Act
      const sent = meta.sign(unsigned, { secret: META_SECRET, nowSeconds: 0, options: undefined });
      const known = meta.sign({ ...unsigned, body: KNOWN_BODY }, { secret: KNOWN_SECRET, nowSeconds: 0, options: undefined });

      // Assess
      expect(sent.headers['X-Hub-Signature-256']).toBe(SIGNATURE);
      expect(known.headers['X-Hub-Signature-256']).toBe(`sha256=${KNOWN_MAC}`);
    });

    it('signs what @octokit/webhooks-methods verify accepts, and what verify accepts back', async () => {
      // Prepare
      const sent = meta.sign(unsigned, { secret: META_SECRET, nowSeconds: 0, options: undefined });

      // Act
      const theirs = await octokitVerify(META_SECRET, META_BATCH_BODY, sent.headers['X-Hub-Signature-256']!);
      const ours = verifyMeta(receivedRequest(sent, 'meta'));

      // Assess
      expect(theirs).toBe(true);
      expect(ours.events).toHaveLength(3);
    });
  });
});
