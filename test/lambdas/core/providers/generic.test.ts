import { createHash, createHmac, type BinaryToTextEncoding } from 'node:crypto';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { WebhookError } from '../../../../lambdas/core/errors';
import { receivedRequest, type VerifiedWebhook } from '../../../../lambdas/core/provider';
import {
  generic,
  genericBasicOptionsSchema,
  genericHmacOptionsSchema,
  genericTokenOptionsSchema,
  type GenericHmacOptions,
  type GenericOptionsInput,
} from '../../../../lambdas/core/providers/generic';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import {
  expectRefusal,
  headerOf,
  NOW,
  verifyRequest,
  webhookRequest,
  withBody,
  withHeaders,
  withUrl,
  type HeaderInit,
} from '../../../fixtures/request';
import {
  GENERIC_BODY,
  GENERIC_EVENT,
  GENERIC_ID,
  GENERIC_OTHER_SECRET,
  GENERIC_SECRET,
  signedGenericRequest,
} from '../../../fixtures/generic';
import { stripeSignatureHeader } from '../../../fixtures/stripe';

const TIMESTAMPED: GenericOptionsInput = { signedContent: '{timestamp}.{body}', timestampHeader: 'X-Timestamp' };
const FULL: GenericOptionsInput = { signedContent: '{id}.{timestamp}.{body}', timestampHeader: 'X-Timestamp', idHeader: 'X-Delivery-Id' };

// Schemes of real senders, written as generic options.
const STRIPE_LIKE: GenericOptionsInput = { signatureHeader: 'X-Partner-Signature', versionTags: ['v1='], timestampTag: 't=', signedContent: '{timestamp}.{body}' };
const STANDARD_LIKE: GenericOptionsInput = {
  signatureHeader: 'webhook-signature',
  signatureDelimiter: 'space',
  versionTags: ['v1,'],
  encoding: 'base64',
  secretEncoding: 'base64',
  idHeader: 'webhook-id',
  timestampHeader: 'webhook-timestamp',
  signedContent: '{id}.{timestamp}.{body}',
};
const GITHUB_LIKE: GenericOptionsInput = { signatureHeader: 'X-Hub-Signature-256', signaturePrefix: 'sha256=' };
const MILLIS: GenericOptionsInput = { signedContent: '{timestamp}.{body}', timestampHeader: 'X-Timestamp', timestampUnit: 'milliseconds' };
const URL_BOUND: GenericOptionsInput = { signedContent: '{timestamp}.{method}.{url}.{body}', timestampHeader: 'X-Timestamp', timestampUnit: 'milliseconds', encoding: 'base64' };
const TOKEN: GenericOptionsInput = { auth: 'token' };
const BEARER: GenericOptionsInput = { auth: 'token', tokenHeader: 'Authorization', tokenPrefix: 'Bearer ' };
const BASIC: GenericOptionsInput = { auth: 'basic' };

const PARTNER_URL = 'https://hooks.example.com/webhooks/partner-a?x=1';
/** RFC 4231 test case 1's key: twenty 0x0b bytes, as a partner hands out a hex key. */
const HEX_KEY = '0b'.repeat(20);
/** A Standard Webhooks secret (Svix's documentation example). */
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const WHSEC_KEY = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
const STRIPE_LIKE_SECRET = 'whsec_partner_signing_secret';
const TOKEN_SECRET = 'tok_5f1c0a9e2b7d4c3a8e6f';
const OTHER_TOKEN = 'tok_0000000000000000other';
const BASIC_SECRET = 'partner:s3cr3t pässword';
const OTHER_BASIC_SECRET = 'partner:previous-password';

/** The MAC as the sender computes it, with node:crypto, independently of the module. */
const macOf = (algorithm: string, key: string | Buffer, content: string, encoding: BinaryToTextEncoding) =>
  createHmac(algorithm, key).update(content, 'utf8').digest(encoding);
const basicHeader = (credentials: string, charset: BufferEncoding = 'utf8') => `Basic ${Buffer.from(credentials, charset).toString('base64')}`;

/** A JSON POST of GENERIC_BODY (or `body`) with `headers`, to `url`. */
function partnerRequest(headers: HeaderInit, { body = GENERIC_BODY, url }: { body?: string; url?: string } = {}): WebhookRequest {
  return webhookRequest({ provider: 'generic', headers: { 'Content-Type': 'application/json', ...headers }, body, ...(url === undefined ? {} : { url }) });
}

/** A millisecond-timestamped request signed as MILLIS describes. */
function millisRequest(timestamp: number, secret = GENERIC_SECRET): WebhookRequest {
  return partnerRequest({ 'X-Timestamp': String(timestamp), 'X-Signature': macOf('sha256', secret, `${timestamp}.${GENERIC_BODY}`, 'hex') });
}

/** A `t=…,v1=…` header over GENERIC_BODY, from Stripe's own SDK (generateTestHeaderString). */
function stripeLikeHeader(timestamp = NOW, secret = STRIPE_LIKE_SECRET): string {
  return stripeSignatureHeader({ payload: GENERIC_BODY, secret, timestamp });
}

/** What deduplication keys on: the content fingerprint when there is one, else the id. */
const dedupKey = (verified: VerifiedWebhook) => verified.events[0]!.contentKey ?? verified.events[0]!.id;

/** The module's own `sign` for a request to PARTNER_URL. */
function signWith(
  options: GenericOptionsInput,
  { body = '{"id":1}', secret = 'partner-secret', headers = {}, nowSeconds = NOW }: { body?: string; secret?: string; headers?: Record<string, string>; nowSeconds?: number } = {},
) {
  return generic.sign({ method: 'POST', url: PARTNER_URL, headers, body }, { secret, nowSeconds, options: generic.parseOptions(options) });
}

const VALID_HEX = macOf('sha256', GENERIC_SECRET, GENERIC_BODY, 'hex');
const VALID_BASE64 = macOf('sha256', GENERIC_SECRET, GENERIC_BODY, 'base64');
const OTHER_BASE64 = macOf('sha256', GENERIC_OTHER_SECRET, GENERIC_BODY, 'base64');
const VALID_BASE64URL = macOf('sha256', GENERIC_SECRET, GENERIC_BODY, 'base64url');

describe('Provider: generic', () => {
  describe('parseOptions', () => {
    it('defaults to hex HMAC-SHA256 of the body in X-Signature, type "webhook"', () => {
      // Act
      const options = generic.parseOptions(undefined);

      // Assess
      expect(options).toEqual({
        auth: 'hmac',
        algorithm: 'sha256',
        encoding: 'hex',
        secretEncoding: 'utf8',
        signatureHeader: 'x-signature',
        signaturePrefix: '',
        signatureDelimiter: 'comma',
        versionTags: [],
        signedContent: [{ field: 'body' }],
        timestampHeader: undefined,
        timestampTag: undefined,
        timestampUnit: 'seconds',
        idHeader: undefined,
        typeHeader: undefined,
        typeField: undefined,
        defaultType: 'webhook',
        payloadFormat: 'json',
      });
    });

    it.each([
      { case: 'token', raw: TOKEN, parsed: { auth: 'token', tokenHeader: 'x-webhook-token', tokenPrefix: '' } },
      { case: 'token with a Bearer prefix in Authorization', raw: BEARER, parsed: { auth: 'token', tokenHeader: 'authorization', tokenPrefix: 'Bearer ' } },
      { case: 'basic', raw: BASIC, parsed: { auth: 'basic' } },
    ])('parses $case with the shared event options at their defaults', ({ raw, parsed }) => {
      // Act
      const options = generic.parseOptions(raw);

      // Assess
      expect(options).toEqual({ ...parsed, idHeader: undefined, typeHeader: undefined, typeField: undefined, defaultType: 'webhook', payloadFormat: 'json' });
    });

    it('compiles a template with literal text and every placeholder, and lower-cases header names', () => {
      // Act
      const options = generic.parseOptions({ ...FULL, signedContent: '{method} {url}\n{id}.{timestamp}.{body}', signatureHeader: 'X-Sig' }) as GenericHmacOptions;

      // Assess
      expect(options.signedContent).toEqual([
        { field: 'method' },
        { literal: ' ' },
        { field: 'url' },
        { literal: '\n' },
        { field: 'id' },
        { literal: '.' },
        { field: 'timestamp' },
        { literal: '.' },
        { field: 'body' },
      ]);
      expect([options.signatureHeader, options.timestampHeader, options.idHeader]).toEqual(['x-sig', 'x-timestamp', 'x-delivery-id']);
    });

    it.each([
      { case: 'an unknown algorithm', raw: { algorithm: 'md5' }, message: /algorithm must be one of "sha1", "sha256", "sha512"/ },
      { case: 'an unknown encoding', raw: { encoding: 'base32' }, message: /encoding must be one of "hex", "base64", "base64url"/ },
      { case: 'an unknown secret encoding', raw: { secretEncoding: 'latin1' }, message: /secretEncoding must be one of/ },
      { case: 'an unknown delimiter', raw: { signatureDelimiter: ';' }, message: /signatureDelimiter must be one of "comma", "space", "none"/ },
      { case: 'an unknown timestamp unit', raw: { ...TIMESTAMPED, timestampUnit: 'ns' }, message: /timestampUnit must be one of/ },
      { case: 'an unknown option', raw: { secret: 'x' }, message: /unknown option\(s\) secret/ },
      { case: 'an unknown auth', raw: { auth: 'oauth' }, message: /auth must be one of "hmac", "token", "basic"/ },
      { case: 'an HMAC option with auth token', raw: { auth: 'token', algorithm: 'sha1' }, message: /option\(s\) algorithm do not apply to auth "token"/ },
      { case: 'a token option with auth basic', raw: { auth: 'basic', tokenHeader: 'x-t' }, message: /option\(s\) tokenHeader do not apply to auth "basic"/ },
      { case: 'a token option without auth', raw: { tokenPrefix: 'Bearer ' }, message: /option\(s\) tokenPrefix do not apply to auth "hmac"/ },
      { case: 'a header name with a space', raw: { signatureHeader: 'X Sig' }, message: /signatureHeader must be an HTTP header name/ },
      { case: 'a token header name with a colon', raw: { auth: 'token', tokenHeader: 'Authorization:' }, message: /tokenHeader must be an HTTP header name/ },
      { case: 'versionTags as a string', raw: { versionTags: 'v1=' }, message: /versionTags must be an array/ },
      { case: 'an empty version tag', raw: { versionTags: [''] }, message: /versionTags\.0 must not be empty/ },
      { case: 'five version tags', raw: { versionTags: ['v1=', 'v2=', 'v3=', 'v4=', 'v5='] }, message: /versionTags must have at most 4 tags/ },
      { case: 'no {body} in the template', raw: { signedContent: '{timestamp}', timestampHeader: 'x-t' }, message: /\{body\} exactly once/ },
      { case: 'two {body} in the template', raw: { signedContent: '{body}{body}' }, message: /\{body\} exactly once/ },
      { case: 'an unknown placeholder', raw: { signedContent: '{ts}.{body}' }, message: /unknown placeholder \{ts\}/ },
      { case: 'a placeholder with a hyphen', raw: { signedContent: '{svix-id}.{body}' }, message: /unknown placeholder \{svix-id\}/ },
      { case: '{timestamp} without timestampHeader', raw: { signedContent: '{timestamp}.{body}' }, message: /timestampHeader or timestampTag/ },
      { case: 'timestampHeader without {timestamp}', raw: { timestampHeader: 'x-t' }, message: /unsigned timestamp/ },
      { case: 'timestampTag without {timestamp}', raw: { timestampTag: 't=' }, message: /unsigned timestamp/ },
      { case: 'both timestampHeader and timestampTag', raw: { ...TIMESTAMPED, timestampTag: 't=' }, message: /timestampHeader or timestampTag, not both/ },
      { case: 'timestampUnit without a timestamp', raw: { timestampUnit: 'milliseconds' }, message: /timestampUnit requires/ },
      { case: 'timestampTag with no delimiter', raw: { ...STRIPE_LIKE, signatureDelimiter: 'none' }, message: /timestampTag requires a signatureDelimiter/ },
      { case: 'timestampTag overlapping a version tag', raw: { ...STRIPE_LIKE, versionTags: ['t=v1='] }, message: /must not overlap a version tag/ },
      { case: 'the signature and timestamp in one header', raw: { ...TIMESTAMPED, signatureHeader: 'X-Timestamp' }, message: /must be different headers/ },
      { case: '{id} without idHeader', raw: { signedContent: '{id}.{body}' }, message: /\{id\} in signedContent requires idHeader/ },
      { case: 'both typeHeader and typeField', raw: { typeHeader: 'x-type', typeField: 'type' }, message: /not both/ },
      { case: 'typeField with a text payload', raw: { auth: 'basic', typeField: 'type', payloadFormat: 'text' }, message: /payloadFormat/ },
      { case: 'an empty field path segment', raw: { typeField: 'data..kind' }, message: /field path/ },
      { case: 'an empty default type', raw: { auth: 'token', defaultType: '' }, message: /defaultType must not be empty/ },
      { case: 'a non-object', raw: 'sha256', message: /options must be an object/ },
    ])('refuses $case', ({ raw, message }) => {
      // Act & Assess
      expect(() => generic.parseOptions(raw)).toThrow(message);
    });

    // The options table of docs/providers.md is written by hand in the module: it must state the
    // defaults the schemas apply.
    const defaults: Record<string, unknown> = {
      ...genericBasicOptionsSchema.parse({ auth: 'basic' }),
      ...genericTokenOptionsSchema.parse({ auth: 'token' }),
      ...genericHmacOptionsSchema.parse({}),
    };
    const documented = [...generic.docs.notes![0]!.matchAll(/^\| `(\w+)` \| [^|]+ \| (?:`([^`]*)`|—) \|/gm)].map(([, option, value]) => ({ option: option!, value }));
    it.each(documented)('documents the default of $option as the schema applies it', ({ option, value }) => {
      // Act
      const applied = defaults[option];

      // Assess
      expect(value).toBe(applied === undefined ? undefined : Array.isArray(applied) ? JSON.stringify(applied) : applied === '' ? "''" : String(applied));
    });

    it('documents every option of every mode', () => {
      // Act
      const options = [genericHmacOptionsSchema, genericTokenOptionsSchema, genericBasicOptionsSchema].flatMap((schema) => Object.keys(schema.def.shape));

      // Assess
      expect(documented.map(({ option }) => option).sort()).toEqual([...new Set(options)].sort());
    });

    it('lists every problem at once, field and cross-field', () => {
      // Act
      const problems = (() => {
        try {
          generic.parseOptions({ algorithm: 'md5', encoding: 'base32', signedContent: '{ts}', typeHeader: 'x-type', typeField: 'kind', colour: 'blue' });
        } catch (error) {
          return (error as Error).message.replace(/^generic options are invalid: /, '').split('; ');
        }
        return [];
      })();

      // Assess
      expect(problems).toEqual([
        expect.stringMatching(/^algorithm must be one of/),
        expect.stringMatching(/^encoding must be one of/),
        'unknown option(s) colour',
        expect.stringMatching(/^signedContent has an unknown placeholder \{ts\}/),
        'signedContent must contain {body} exactly once',
        'set typeHeader or typeField, not both',
      ]);
    });
  });

  describe('verify: hmac', () => {
    it.each([
      { case: 'the defaults', options: {} },
      { case: 'sha1, base64, a sha1= prefix', options: { algorithm: 'sha1', encoding: 'base64', signaturePrefix: 'sha1=' } },
      { case: 'sha512 in X-Hub-Signature', options: { algorithm: 'sha512', signatureHeader: 'X-Hub-Signature' } },
      { case: '{timestamp}.{body}', options: TIMESTAMPED },
      { case: '{id}.{timestamp}.{body}', options: FULL },
      { case: 'a prefix containing a comma (v1,)', options: { signaturePrefix: 'v1,', encoding: 'base64' } },
      { case: 'literal text in the template', options: { signedContent: 'v0:{timestamp}:{body}', timestampHeader: 'X-Ts' } },
      { case: 'sha512, base64url', options: { algorithm: 'sha512', encoding: 'base64url' } },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput }>)('accepts a request signed with $case', ({ options }) => {
      // Prepare
      const request = signedGenericRequest({ options });

      // Act
      const result = verifyRequest(generic, request, { secrets: [GENERIC_SECRET], options });

      // Assess
      expect(result.secretIndex).toBe(0);
      expect(result.events[0]?.payload).toEqual(GENERIC_EVENT);
    });

    const standardSignature = new Webhook(WHSEC).sign(GENERIC_ID, new Date(NOW * 1000), GENERIC_BODY);
    const millis = NOW * 1000 + 123;
    it.each([
      { case: 'base64url without padding', options: { encoding: 'base64url' }, secrets: [GENERIC_SECRET], request: partnerRequest({ 'X-Signature': VALID_BASE64URL }) },
      { case: 'base64url with its padding', options: { encoding: 'base64url' }, secrets: [GENERIC_SECRET], request: partnerRequest({ 'X-Signature': `${VALID_BASE64URL}=` }) },
      { case: 'upper-case hex', options: {}, secrets: [GENERIC_SECRET], request: partnerRequest({ 'X-Signature': VALID_HEX.toUpperCase() }) },
      {
        case: 'a hex secret (secretEncoding hex)',
        options: { secretEncoding: 'hex' },
        secrets: [HEX_KEY],
        request: partnerRequest({ 'X-Signature': macOf('sha256', Buffer.from(HEX_KEY, 'hex'), GENERIC_BODY, 'hex') }),
      },
      {
        case: 'a whsec_ base64 secret (secretEncoding base64)',
        options: { secretEncoding: 'base64' },
        secrets: [WHSEC],
        request: partnerRequest({ 'X-Signature': macOf('sha256', WHSEC_KEY, GENERIC_BODY, 'hex') }),
      },
      {
        case: 'an unpadded base64 secret',
        options: { secretEncoding: 'base64' },
        secrets: ['c2VjcmV0LWtleQ'],
        request: partnerRequest({ 'X-Signature': macOf('sha256', 'secret-key', GENERIC_BODY, 'hex') }),
      },
      {
        case: 'Standard Webhooks headers from the standardwebhooks library',
        options: STANDARD_LIKE,
        secrets: [WHSEC],
        request: partnerRequest({ 'webhook-id': GENERIC_ID, 'webhook-timestamp': String(NOW), 'webhook-signature': standardSignature }),
      },
      {
        case: 'space-delimited signatures, a v1a entry and a comma-joined repeat (API Gateway)',
        options: STANDARD_LIKE,
        secrets: [WHSEC],
        request: partnerRequest({
          'webhook-id': GENERIC_ID,
          'webhook-timestamp': String(NOW),
          'webhook-signature': `v1,${OTHER_BASE64} v1a,${'A'.repeat(86)}==,${standardSignature}`,
        }),
      },
      {
        case: "a Stripe-like t=…,v1=… header from Stripe's generateTestHeaderString",
        options: STRIPE_LIKE,
        secrets: [STRIPE_LIKE_SECRET],
        request: partnerRequest({ 'X-Partner-Signature': stripeLikeHeader() }),
      },
      {
        case: 'a v2= signature by the configured secret beside a v1= by another (two accepted tags)',
        options: { ...STRIPE_LIKE, versionTags: ['v1=', 'v2='] },
        secrets: [GENERIC_SECRET],
        request: partnerRequest({
          'X-Partner-Signature': `t=${NOW},v1=${macOf('sha256', GENERIC_OTHER_SECRET, `${NOW}.${GENERIC_BODY}`, 'hex')},v2=${macOf('sha256', GENERIC_SECRET, `${NOW}.${GENERIC_BODY}`, 'hex')}`,
        }),
      },
      {
        case: 'a tag containing the comma delimiter (v1,) and a comma-joined second signature',
        options: { versionTags: ['v1,'], encoding: 'base64' },
        secrets: [GENERIC_SECRET],
        request: partnerRequest({ 'X-Signature': `v1,${OTHER_BASE64},v1,${VALID_BASE64}` }),
      },
      { case: 'a timestamp in milliseconds', options: MILLIS, secrets: [GENERIC_SECRET], request: millisRequest(millis) },
      {
        case: '{timestamp}.{method}.{url}.{body}',
        options: URL_BOUND,
        secrets: [GENERIC_SECRET],
        request: partnerRequest(
          { 'X-Timestamp': String(millis), 'X-Signature': macOf('sha256', GENERIC_SECRET, `${millis}.POST.${PARTNER_URL}.${GENERIC_BODY}`, 'base64') },
          { url: PARTNER_URL },
        ),
      },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; secrets: string[]; request: WebhookRequest }>)(
      'accepts $case',
      ({ options, secrets, request }) => {
        // Act
        const result = verifyRequest(generic, request, { secrets, options });

        // Assess
        expect(result.secretIndex).toBe(0);
        expect(result.events[0]?.payload).toEqual(GENERIC_EVENT);
      },
    );

    it('returns secretIndex 1 when the second secret matches (rotation)', () => {
      // Act
      const result = verifyRequest(generic, signedGenericRequest(), { secrets: [GENERIC_OTHER_SECRET, GENERIC_SECRET] });

      // Assess
      expect(result.secretIndex).toBe(1);
    });

    it.each([
      { case: 'the configured id header', options: { idHeader: 'X-Delivery-Id' }, id: GENERIC_ID },
      { case: 'the SHA-256 hex of the body without one', options: {}, id: createHash('sha256').update(GENERIC_BODY).digest('hex') },
    ])('takes the id from $case', ({ options, id }) => {
      // Act
      const result = verifyRequest(generic, signedGenericRequest({ options }), { secrets: [GENERIC_SECRET], options });

      // Assess
      expect(result.events[0]?.id).toBe(id);
    });

    it.each([
      { case: 'a type header', options: { typeHeader: 'X-Event-Type' }, headers: { 'X-Event-Type': 'order.created' }, type: 'order.created' },
      { case: 'an absent type header', options: { typeHeader: 'X-Event-Type' }, headers: {}, type: 'webhook' },
      { case: 'a top-level JSON field', options: { typeField: 'kind' }, headers: {}, type: 'order.shipped' },
      { case: 'a nested JSON field', options: { typeField: 'data.order.kind' }, headers: {}, type: 'nested' },
      { case: 'a missing JSON field', options: { typeField: 'data.missing' }, headers: {}, type: 'webhook' },
      { case: 'a non-string JSON field', options: { typeField: 'data' }, headers: {}, type: 'webhook' },
      { case: 'a missing field with a configured default', options: { typeField: 'nope', defaultType: 'partner' }, headers: {}, type: 'partner' },
      { case: 'nothing configured', options: {}, headers: {}, type: 'webhook' },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; headers: Record<string, string>; type: string }>)(
      'takes the type from $case',
      ({ options, headers, type }) => {
        // Act
        const result = verifyRequest(generic, signedGenericRequest({ options, headers }), { secrets: [GENERIC_SECRET], options });

        // Assess
        expect(result.events[0]?.type).toBe(type);
      },
    );

    it('returns the UTF-8 body as the payload when payloadFormat is text', () => {
      // Prepare
      const options: GenericOptionsInput = { payloadFormat: 'text' };
      const body = 'status=ok&note=caf%C3%A9 ☕\r\n';

      // Act
      const result = verifyRequest(generic, signedGenericRequest({ options, body }), { secrets: [GENERIC_SECRET], options });

      // Assess
      expect(result.events[0]?.payload).toBe(body);
    });

    const valid = signedGenericRequest();
    const mac = headerOf(valid, 'x-signature');
    const timestamped = signedGenericRequest({ options: TIMESTAMPED });
    const full = signedGenericRequest({ options: FULL });
    it.each([
      { case: 'missing signature header', request: withHeaders(valid, { 'X-Signature': undefined }), options: {}, code: 'MISSING_SIGNATURE' },
      { case: 'missing timestamp header', request: withHeaders(timestamped, { 'X-Timestamp': undefined }), options: TIMESTAMPED, code: 'MISSING_SIGNATURE' },
      { case: 'missing signed id header', request: withHeaders(full, { 'X-Delivery-Id': undefined }), options: FULL, code: 'MISSING_SIGNATURE' },
      { case: 'a missing prefix', request: valid, options: { signaturePrefix: 'sha256=' }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong prefix', request: signedGenericRequest({ options: { signaturePrefix: 'sha1=' } }), options: { signaturePrefix: 'sha256=' }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a hex MAC where base64 is configured', request: valid, options: { encoding: 'base64' }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a SHA-256 MAC where SHA-512 is configured', request: valid, options: { algorithm: 'sha512' }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-numeric timestamp', request: withHeaders(timestamped, { 'X-Timestamp': 'soon' }), options: TIMESTAMPED, code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong secret', request: signedGenericRequest({ secret: GENERIC_OTHER_SECRET }), options: {}, code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, GENERIC_BODY.replace('shipped', 'lost')), options: {}, code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(timestamped, { 'X-Timestamp': String(NOW + 1) }), options: TIMESTAMPED, code: 'INVALID_SIGNATURE' },
      { case: 'a changed signed id', request: withHeaders(full, { 'X-Delivery-Id': 'other' }), options: FULL, code: 'INVALID_SIGNATURE' },
      { case: 'a signed non-JSON body', request: signedGenericRequest({ body: 'not json' }), options: {}, code: 'INVALID_PAYLOAD' },
      {
        case: 'a missing unsigned id header',
        request: withHeaders(signedGenericRequest({ options: { idHeader: 'X-Delivery-Id' } }), { 'X-Delivery-Id': undefined }),
        options: { idHeader: 'X-Delivery-Id' },
        code: 'INVALID_PAYLOAD',
      },
      // Defects of the newer options, one each.
      { case: 'a base64url MAC with a "+"', request: partnerRequest({ 'X-Signature': `+${VALID_BASE64URL.slice(1)}` }), options: { encoding: 'base64url' }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a base64url MAC with "=" inside', request: partnerRequest({ 'X-Signature': `${VALID_BASE64URL.slice(0, 20)}=${VALID_BASE64URL.slice(21)}` }), options: { encoding: 'base64url' }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a base64url MAC one character short', request: partnerRequest({ 'X-Signature': VALID_BASE64URL.slice(1) }), options: { encoding: 'base64url' }, code: 'MALFORMED_SIGNATURE' },
      { case: 'the hex text of a hex secret used as the key', request: partnerRequest({ 'X-Signature': macOf('sha256', HEX_KEY, GENERIC_BODY, 'hex') }), options: { secretEncoding: 'hex' }, secrets: [HEX_KEY], code: 'INVALID_SIGNATURE' },
      { case: 'only an entry with another version tag (v0=)', request: partnerRequest({ 'X-Signature': `v0=${VALID_HEX}` }), options: { versionTags: ['v1='] }, code: 'MALFORMED_SIGNATURE' },
      { case: 'an untagged MAC where a tag is required', request: valid, options: { versionTags: ['v1='] }, code: 'MALFORMED_SIGNATURE' },
      { case: 'seventeen signatures in one header', request: partnerRequest({ 'X-Signature': Array(17).fill(VALID_HEX).join(',') }), options: {}, code: 'MALFORMED_SIGNATURE' },
      { case: 'a Stripe-like header without its t= entry', request: partnerRequest({ 'X-Partner-Signature': stripeLikeHeader().replace(/^t=\d+,/, '') }), options: STRIPE_LIKE, secrets: [STRIPE_LIKE_SECRET], code: 'MISSING_SIGNATURE' },
      { case: 'two different t= entries', request: partnerRequest({ 'X-Partner-Signature': `t=${NOW + 1},${stripeLikeHeader()}` }), options: STRIPE_LIKE, secrets: [STRIPE_LIKE_SECRET], code: 'MALFORMED_SIGNATURE' },
      { case: 'a changed t= entry', request: partnerRequest({ 'X-Partner-Signature': stripeLikeHeader().replace(`t=${NOW}`, `t=${NOW + 1}`) }), options: STRIPE_LIKE, secrets: [STRIPE_LIKE_SECRET], code: 'INVALID_SIGNATURE' },
      { case: 'a t= entry 301 s old', request: partnerRequest({ 'X-Partner-Signature': stripeLikeHeader(NOW - 301) }), options: STRIPE_LIKE, secrets: [STRIPE_LIKE_SECRET], code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'seconds where milliseconds are configured', request: millisRequest(NOW), options: MILLIS, code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a URL-bound signature received at another URL', request: withUrl(partnerRequest({ 'X-Timestamp': String(NOW * 1000), 'X-Signature': macOf('sha256', GENERIC_SECRET, `${NOW * 1000}.POST.${PARTNER_URL}.${GENERIC_BODY}`, 'base64') }), `${PARTNER_URL}&y=2`), options: URL_BOUND, code: 'INVALID_SIGNATURE' },
      { case: 'a MAC made with an empty secret', request: partnerRequest({ 'X-Signature': macOf('sha256', '', GENERIC_BODY, 'hex') }), options: {}, secrets: [''], code: 'INVALID_SIGNATURE' },
    ] as ReadonlyArray<{ case: string; request: WebhookRequest; options: GenericOptionsInput; secrets?: string[]; code: 'MISSING_SIGNATURE' | 'MALFORMED_SIGNATURE' | 'INVALID_SIGNATURE' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'INVALID_PAYLOAD' }>)(
      'refuses $case with $code',
      ({ request, options, secrets = [GENERIC_SECRET], code }) => {
        // Act & Assess
        expectRefusal(() => verifyRequest(generic, request, { secrets, options }), code, [...secrets, mac, VALID_BASE64URL]);
      },
    );

    it.each([
      { case: '300 s old', options: TIMESTAMPED, request: signedGenericRequest({ options: TIMESTAMPED, timestamp: NOW - 300 }), outcome: 'accepted' },
      { case: '300 s in the future', options: TIMESTAMPED, request: signedGenericRequest({ options: TIMESTAMPED, timestamp: NOW + 300 }), outcome: 'accepted' },
      { case: '301 s old', options: TIMESTAMPED, request: signedGenericRequest({ options: TIMESTAMPED, timestamp: NOW - 301 }), outcome: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: '301 s in the future', options: TIMESTAMPED, request: signedGenericRequest({ options: TIMESTAMPED, timestamp: NOW + 301 }), outcome: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: '300 000 ms old', options: MILLIS, request: millisRequest((NOW - 300) * 1000), outcome: 'accepted' },
      { case: '300 000 ms in the future', options: MILLIS, request: millisRequest((NOW + 300) * 1000), outcome: 'accepted' },
      { case: '300 001 ms old', options: MILLIS, request: millisRequest((NOW - 300) * 1000 - 1), outcome: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: '300 001 ms in the future', options: MILLIS, request: millisRequest((NOW + 300) * 1000 + 1), outcome: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a t= entry 300 s old', options: STRIPE_LIKE, secrets: [STRIPE_LIKE_SECRET], request: partnerRequest({ 'X-Partner-Signature': stripeLikeHeader(NOW - 300) }), outcome: 'accepted' },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; secrets?: string[]; request: WebhookRequest; outcome: 'accepted' | 'TIMESTAMP_OUT_OF_TOLERANCE' }>)(
      'with a 300 s tolerance, a timestamp $case is $outcome',
      ({ options, secrets = [GENERIC_SECRET], request, outcome }) => {
        // Act
        const act = () => verifyRequest(generic, request, { secrets, options, toleranceSeconds: 300 });

        // Assess
        if (outcome === 'accepted') expect(act().secretIndex).toBe(0);
        else expectRefusal(act, outcome);
      },
    );

    it('ignores the timestamp when none is configured', () => {
      // Act
      const untimed = verifyRequest(generic, valid, { secrets: [GENERIC_SECRET], nowSeconds: NOW * 2 });

      // Assess
      expect(untimed.secretIndex).toBe(0);
    });
  });

  describe('verify: token', () => {
    it.each([
      { case: 'X-Webhook-Token (the default header)', options: TOKEN, headers: { 'X-Webhook-Token': TOKEN_SECRET }, secrets: [TOKEN_SECRET], secretIndex: 0 },
      { case: 'Authorization: Bearer <token>', options: BEARER, headers: { Authorization: `Bearer ${TOKEN_SECRET}` }, secrets: [TOKEN_SECRET], secretIndex: 0 },
      { case: 'a lower-case bearer scheme', options: BEARER, headers: { Authorization: `bearer ${TOKEN_SECRET}` }, secrets: [TOKEN_SECRET], secretIndex: 0 },
      { case: 'the second configured token (rotation)', options: TOKEN, headers: { 'X-Webhook-Token': TOKEN_SECRET }, secrets: [OTHER_TOKEN, TOKEN_SECRET], secretIndex: 1 },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; headers: Record<string, string>; secrets: string[]; secretIndex: number }>)(
      'accepts $case',
      ({ options, headers, secrets, secretIndex }) => {
        // Act
        const result = verifyRequest(generic, partnerRequest(headers), { secrets, options });

        // Assess
        expect(result.secretIndex).toBe(secretIndex);
        expect(result.events[0]?.payload).toEqual(GENERIC_EVENT);
      },
    );

    it.each([
      { case: 'no token header', options: TOKEN, headers: {}, code: 'MISSING_SIGNATURE' },
      { case: 'an empty token header', options: TOKEN, headers: { 'X-Webhook-Token': ' ' }, code: 'MISSING_SIGNATURE' },
      { case: 'the token in another header', options: TOKEN, headers: { Authorization: TOKEN_SECRET }, code: 'MISSING_SIGNATURE' },
      { case: 'an HMAC signature where a token is configured', options: TOKEN, headers: { 'X-Signature': VALID_HEX }, code: 'MISSING_SIGNATURE' },
      { case: 'the token without its Bearer prefix', options: BEARER, headers: { Authorization: TOKEN_SECRET }, code: 'MALFORMED_SIGNATURE' },
      { case: 'Bearer and no token', options: BEARER, headers: { Authorization: 'Bearer ' }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong token', options: BEARER, headers: { Authorization: `Bearer ${OTHER_TOKEN}` }, code: 'INVALID_SIGNATURE' },
      { case: 'the token and one character more', options: TOKEN, headers: { 'X-Webhook-Token': `${TOKEN_SECRET}0` }, code: 'INVALID_SIGNATURE' },
      { case: 'the token but its last character', options: TOKEN, headers: { 'X-Webhook-Token': TOKEN_SECRET.slice(0, -1) }, code: 'INVALID_SIGNATURE' },
      { case: 'the token with the prefix where none is configured', options: TOKEN, headers: { 'X-Webhook-Token': `Bearer ${TOKEN_SECRET}` }, code: 'INVALID_SIGNATURE' },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; headers: Record<string, string>; code: 'MISSING_SIGNATURE' | 'MALFORMED_SIGNATURE' | 'INVALID_SIGNATURE' }>)(
      'refuses $case with $code',
      ({ options, headers, code }) => {
        // Act & Assess
        expectRefusal(() => verifyRequest(generic, partnerRequest(headers), { secrets: [TOKEN_SECRET], options }), code, [TOKEN_SECRET, OTHER_TOKEN]);
      },
    );

    it('refuses a genuine token with a body that is not JSON only after the token passed (INVALID_PAYLOAD)', () => {
      // Act & Assess
      expectRefusal(() => verifyRequest(generic, partnerRequest({ 'X-Webhook-Token': TOKEN_SECRET }, { body: 'not json' }), { secrets: [TOKEN_SECRET], options: TOKEN }), 'INVALID_PAYLOAD');
    });
  });

  describe('verify: basic', () => {
    it.each([
      { case: 'user:password', headers: { Authorization: basicHeader(BASIC_SECRET) }, secrets: [BASIC_SECRET], secretIndex: 0 },
      { case: 'a lower-case scheme', headers: { Authorization: basicHeader(BASIC_SECRET).replace('Basic', 'basic') }, secrets: [BASIC_SECRET], secretIndex: 0 },
      { case: 'a password containing a colon', headers: { Authorization: basicHeader('partner:pa:ss') }, secrets: ['partner:pa:ss'], secretIndex: 0 },
      { case: 'the second configured pair (rotation)', headers: { Authorization: basicHeader(BASIC_SECRET) }, secrets: [OTHER_BASIC_SECRET, BASIC_SECRET], secretIndex: 1 },
    ])('accepts $case', ({ headers, secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(generic, partnerRequest(headers), { secrets, options: BASIC });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
      expect(result.events[0]?.payload).toEqual(GENERIC_EVENT);
    });

    it.each([
      { case: 'no Authorization header', headers: {}, code: 'MISSING_SIGNATURE' },
      { case: 'a Bearer token', headers: { Authorization: `Bearer ${BASIC_SECRET}` }, code: 'MALFORMED_SIGNATURE' },
      { case: 'credentials that are not base64', headers: { Authorization: 'Basic pärtner' }, code: 'MALFORMED_SIGNATURE' },
      { case: 'base64 with its padding cut', headers: { Authorization: basicHeader('partner:pw').replace(/=+$/, '') }, code: 'MALFORMED_SIGNATURE' },
      { case: 'credentials without a colon', headers: { Authorization: basicHeader('partner') }, code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong password', headers: { Authorization: basicHeader('partner:s3cr3t password') }, code: 'INVALID_SIGNATURE' },
      { case: 'a wrong user', headers: { Authorization: basicHeader('partner2:s3cr3t pässword') }, code: 'INVALID_SIGNATURE' },
      { case: 'the password encoded as Latin-1 (RFC 7617: UTF-8)', headers: { Authorization: basicHeader(BASIC_SECRET, 'latin1') }, code: 'INVALID_SIGNATURE' },
    ] as ReadonlyArray<{ case: string; headers: Record<string, string>; code: 'MISSING_SIGNATURE' | 'MALFORMED_SIGNATURE' | 'INVALID_SIGNATURE' }>)(
      'refuses $case with $code',
      ({ headers, code }) => {
        // Act & Assess
        expectRefusal(() => verifyRequest(generic, partnerRequest(headers), { secrets: [BASIC_SECRET], options: BASIC }), code, [BASIC_SECRET, basicHeader(BASIC_SECRET)]);
      },
    );
  });

  describe('verify: a request no secret matches', () => {
    it.each([
      { case: 'a hex secret that is not hex', options: { secretEncoding: 'hex' }, secrets: ['not-hex-at-all'], request: partnerRequest({ 'X-Signature': VALID_HEX }), message: 'No signature matches any configured secret', unusable: 1 },
      { case: 'a base64 secret that is only whsec_', options: { secretEncoding: 'base64' }, secrets: ['whsec_'], request: partnerRequest({ 'X-Signature': VALID_HEX }), message: 'No signature matches any configured secret', unusable: 1 },
      { case: 'an empty text secret', options: {}, secrets: [''], request: partnerRequest({ 'X-Signature': VALID_HEX }), message: 'No signature matches any configured secret', unusable: 1 },
      { case: 'a wrong text secret and an empty one', options: {}, secrets: [GENERIC_OTHER_SECRET, ''], request: signedGenericRequest(), message: 'No signature matches any configured secret', unusable: 1 },
      { case: 'a wrong text secret', options: {}, secrets: [GENERIC_OTHER_SECRET], request: signedGenericRequest(), message: 'No signature matches any configured secret', unusable: 0 },
      { case: 'an empty token', options: TOKEN, secrets: [''], request: partnerRequest({ 'X-Webhook-Token': TOKEN_SECRET }), message: 'No token matches any configured secret', unusable: 1 },
      { case: 'a wrong token', options: TOKEN, secrets: [OTHER_TOKEN], request: partnerRequest({ 'X-Webhook-Token': TOKEN_SECRET }), message: 'No token matches any configured secret', unusable: 0 },
      { case: 'a basic secret without a colon', options: BASIC, secrets: ['partners3cr3t'], request: partnerRequest({ Authorization: basicHeader('partner:s3cr3t') }), message: 'No credential matches any configured secret', unusable: 1 },
      { case: 'a wrong basic pair', options: BASIC, secrets: [OTHER_BASIC_SECRET], request: partnerRequest({ Authorization: basicHeader(BASIC_SECRET) }), message: 'No credential matches any configured secret', unusable: 0 },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; secrets: string[]; request: WebhookRequest; message: string; unusable: number }>)(
      'returns INVALID_SIGNATURE for $case instead of throwing it, saying how many secrets were unusable ($unusable)',
      ({ options, secrets, request, message, unusable }) => {
        // Prepare
        const context = { secrets, verifyTokens: [], nowSeconds: NOW, toleranceSeconds: 300, options: generic.parseOptions(options) };

        // Act
        const result = generic.verify(request, context);

        // Assess
        expect(result).toBeInstanceOf(WebhookError);
        const { code, message: said, details } = result as WebhookError;
        expect({ code, message: said, details }).toEqual({ code: 'INVALID_SIGNATURE', message, details: { secretsTried: secrets.length, secretsUnusable: unusable } });
      },
    );
  });

  describe('verify: event ids and deduplication', () => {
    const signedTimestamped = (timestamp: number, id: string) =>
      partnerRequest({ 'X-Timestamp': String(timestamp), 'X-Delivery-Id': id, 'X-Signature': macOf('sha256', GENERIC_SECRET, `${timestamp}.${GENERIC_BODY}`, 'hex') });
    const pairs: ReadonlyArray<{ case: string; options: GenericOptionsInput; secret: string; first: WebhookRequest; second: WebhookRequest; same: boolean }> = [
      {
        case: 'hmac, nothing but the body signed: a replay with a fresh unsigned id is a duplicate',
        options: { idHeader: 'X-Delivery-Id' },
        secret: GENERIC_SECRET,
        first: signedGenericRequest({ options: { idHeader: 'X-Delivery-Id' } }),
        second: withHeaders(signedGenericRequest({ options: { idHeader: 'X-Delivery-Id' } }), { 'X-Delivery-Id': 'fresh-id' }),
        same: true,
      },
      {
        case: 'hmac, nothing but the body signed: the same body under another type is another event',
        options: { typeHeader: 'X-Event-Type' },
        secret: GENERIC_SECRET,
        first: signedGenericRequest({ headers: { 'X-Event-Type': 'order.shipped' } }),
        second: signedGenericRequest({ headers: { 'X-Event-Type': 'order.created' } }),
        same: false,
      },
      {
        case: 'hmac, {id} signed: two ids are two events',
        options: FULL,
        secret: GENERIC_SECRET,
        first: signedGenericRequest({ options: FULL, id: 'a' }),
        second: signedGenericRequest({ options: FULL, id: 'b' }),
        same: false,
      },
      {
        case: "hmac, timestamp signed: the sender's retry, signed again at another time, keeps its id and is a duplicate",
        options: { ...TIMESTAMPED, idHeader: 'X-Delivery-Id' },
        secret: GENERIC_SECRET,
        first: signedTimestamped(NOW, 'd-1'),
        second: signedTimestamped(NOW + 5, 'd-1'),
        same: true,
      },
      {
        case: 'token without idHeader: the same body with other headers is a duplicate',
        options: TOKEN,
        secret: TOKEN_SECRET,
        first: partnerRequest({ 'X-Webhook-Token': TOKEN_SECRET, 'X-Delivery-Id': 'a' }),
        second: partnerRequest({ 'X-Webhook-Token': TOKEN_SECRET, 'X-Delivery-Id': 'b' }),
        same: true,
      },
      {
        case: 'token without idHeader: the same body under another type is another event',
        options: { ...TOKEN, typeHeader: 'X-Event-Type' },
        secret: TOKEN_SECRET,
        first: partnerRequest({ 'X-Webhook-Token': TOKEN_SECRET, 'X-Event-Type': 'a' }),
        second: partnerRequest({ 'X-Webhook-Token': TOKEN_SECRET, 'X-Event-Type': 'b' }),
        same: false,
      },
      {
        case: "token with idHeader: the sender's retry repeats the id and is a duplicate",
        options: { ...TOKEN, idHeader: 'X-Delivery-Id' },
        secret: TOKEN_SECRET,
        first: partnerRequest({ 'X-Webhook-Token': TOKEN_SECRET, 'X-Delivery-Id': 'd-1' }),
        second: partnerRequest({ 'X-Webhook-Token': TOKEN_SECRET, 'X-Delivery-Id': 'd-1' }, { body: GENERIC_BODY.replace(/\r\n/g, '\n') }),
        same: true,
      },
      {
        case: 'basic without idHeader: the same body is a duplicate',
        options: BASIC,
        secret: BASIC_SECRET,
        first: partnerRequest({ Authorization: basicHeader(BASIC_SECRET), 'X-Delivery-Id': 'a' }),
        second: partnerRequest({ Authorization: basicHeader(BASIC_SECRET), 'X-Delivery-Id': 'b' }),
        same: true,
      },
      {
        case: 'basic without idHeader: two bodies are two events',
        options: BASIC,
        secret: BASIC_SECRET,
        first: partnerRequest({ Authorization: basicHeader(BASIC_SECRET) }),
        second: partnerRequest({ Authorization: basicHeader(BASIC_SECRET) }, { body: '{"other":true}' }),
        same: false,
      },
    ];
    const dedupKeys = ({ options, secret, first, second }: (typeof pairs)[number]) =>
      [first, second].map((request) => dedupKey(verifyRequest(generic, request, { secrets: [secret], options })));

    it.each(pairs.filter((pair) => pair.same))('$case', (pair) => {
      // Act
      const [firstKey, secondKey] = dedupKeys(pair);

      // Assess
      expect(secondKey).toBe(firstKey);
    });

    it.each(pairs.filter((pair) => !pair.same))('$case', (pair) => {
      // Act
      const [firstKey, secondKey] = dedupKeys(pair);

      // Assess
      expect(secondKey).not.toBe(firstKey);
    });

    it.each([
      { case: 'token', options: { ...TOKEN, idHeader: 'X-Delivery-Id', typeHeader: 'X-Event-Type' }, secret: TOKEN_SECRET, credentials: { 'X-Webhook-Token': TOKEN_SECRET } },
      { case: 'basic', options: { ...BASIC, idHeader: 'X-Delivery-Id', typeHeader: 'X-Event-Type' }, secret: BASIC_SECRET, credentials: { Authorization: basicHeader(BASIC_SECRET) } },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; secret: string; credentials: Record<string, string> }>)(
      '$case takes the id and type from their headers, and refuses a missing configured id after the credential passed',
      ({ options, secret, credentials }) => {
        // Act
        const result = verifyRequest(generic, partnerRequest({ ...credentials, 'X-Delivery-Id': GENERIC_ID, 'X-Event-Type': 'order.shipped' }), { secrets: [secret], options });
        const missing = () => verifyRequest(generic, partnerRequest(credentials), { secrets: [secret], options });

        // Assess
        expect(result.events.map(({ id, type, contentKey }) => ({ id, type, contentKey }))).toEqual([{ id: GENERIC_ID, type: 'order.shipped', contentKey: undefined }]);
        expectRefusal(missing, 'INVALID_PAYLOAD');
      },
    );
  });

  describe('sign', () => {
    // Known answers, each computed independently on the command line for the body {"id":1} and the
    // secret partner-secret (the command is beside each row).
    it.each([
      // printf '%s' '{"id":1}' | openssl dgst -sha1 -hmac 'partner-secret' -binary | od -An -tx1 | tr -d ' \n'
      { case: 'sha1, hex', options: { algorithm: 'sha1' }, signature: '621f813778969ebb67fd5b01cd9a3c8c7fb21b60' },
      // printf '%s' '{"id":1}' | openssl dgst -sha1 -hmac 'partner-secret' -binary | base64 -w0
      { case: 'sha1, base64', options: { algorithm: 'sha1', encoding: 'base64' }, signature: 'Yh+BN3iWnrtn/VsBzZo8jH+yG2A=' },
      // printf '%s' '{"id":1}' | openssl dgst -sha1 -hmac 'partner-secret' -binary | basenc --base64url -w0 | tr -d '='
      { case: 'sha1, base64url', options: { algorithm: 'sha1', encoding: 'base64url' }, signature: 'Yh-BN3iWnrtn_VsBzZo8jH-yG2A' },
      // printf '%s' '{"id":1}' | openssl dgst -sha256 -hmac 'partner-secret' -binary | od -An -tx1 | tr -d ' \n'
      { case: 'sha256, hex', options: {}, signature: 'ee78a2700a0f0cd8f4bbb3f860b096386a4e742b38a8709ff4cf5866cd25ae26' },
      // printf '%s' '{"id":1}' | openssl dgst -sha256 -hmac 'partner-secret' -binary | base64 -w0
      { case: 'sha256, base64', options: { encoding: 'base64' }, signature: '7niicAoPDNj0u7P4YLCWOGpOdCs4qHCf9M9YZs0lriY=' },
      // printf '%s' '{"id":1}' | openssl dgst -sha256 -hmac 'partner-secret' -binary | basenc --base64url -w0 | tr -d '='
      { case: 'sha256, base64url', options: { encoding: 'base64url' }, signature: '7niicAoPDNj0u7P4YLCWOGpOdCs4qHCf9M9YZs0lriY' },
      // printf '%s' '{"id":1}' | openssl dgst -sha512 -hmac 'partner-secret' -binary | od -An -tx1 | tr -d ' \n'
      {
        case: 'sha512, hex',
        options: { algorithm: 'sha512' },
        signature: '5a4d646039c5a6ca969432b825076d1ec1387827bd0417c78b5a71cfb92e76cd11d96372f29c9230a94d44561cd8f1b3605b473af5ba34d3bb9feaa373211d27',
      },
      // printf '%s' '{"id":1}' | openssl dgst -sha512 -hmac 'partner-secret' -binary | base64 -w0
      { case: 'sha512, base64', options: { algorithm: 'sha512', encoding: 'base64' }, signature: 'Wk1kYDnFpsqWlDK4JQdtHsE4eCe9BBfHi1pxz7kuds0R2WNy8pySMKlNRFYc2PGzYFtHOvW6NNO7n+qjcyEdJw==' },
      // printf '%s' '{"id":1}' | openssl dgst -sha512 -hmac 'partner-secret' -binary | basenc --base64url -w0 | tr -d '='
      { case: 'sha512, base64url', options: { algorithm: 'sha512', encoding: 'base64url' }, signature: 'Wk1kYDnFpsqWlDK4JQdtHsE4eCe9BBfHi1pxz7kuds0R2WNy8pySMKlNRFYc2PGzYFtHOvW6NNO7n-qjcyEdJw' },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; signature: string }>)(
      'matches a known answer computed with openssl: $case',
      ({ options, signature }) => {
        // Act
        const signed = signWith(options);

        // Assess
        expect(signed.headers).toEqual({ 'x-signature': signature });
      },
    );

    it.each([
      {
        // RFC 4231 test case 1. printf '%s' 'Hi There' | openssl dgst -sha256 -mac HMAC -macopt hexkey:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b -binary | od -An -tx1 | tr -d ' \n'
        case: 'a hex secret (RFC 4231 test case 1)',
        options: { secretEncoding: 'hex', payloadFormat: 'text' },
        secret: HEX_KEY,
        body: 'Hi There',
        headers: { 'x-signature': 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
      },
      {
        // printf '%s' '{"id":1}' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$(printf '%s' 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' | base64 -d | od -An -tx1 | tr -d ' \n') -binary | base64 -w0
        case: 'a whsec_ base64 secret, Standard Webhooks-like tag',
        options: { secretEncoding: 'base64', encoding: 'base64', versionTags: ['v1,'], signatureDelimiter: 'space' },
        secret: WHSEC,
        body: '{"id":1}',
        headers: { 'x-signature': 'v1,CUEqw3lu029+/x+ZwpW6eMccAFSoe+fHQG3ERzK+yGg=' },
      },
      {
        // printf '%s' '1700000000000.POST.https://hooks.example.com/webhooks/partner-a?x=1.{"id":1}' | openssl dgst -sha256 -hmac 'partner-secret' -binary | base64 -w0
        case: 'milliseconds, {method} and {url}',
        options: URL_BOUND,
        secret: 'partner-secret',
        body: '{"id":1}',
        headers: { 'x-timestamp': '1700000000000', 'x-signature': 'NHBOZHQ6bD++v9RyyRt28h4Q7DnzsDjCfbn5aR6vq5w=' },
      },
      {
        // printf '%s' '1700000000.{"id":1}' | openssl dgst -sha256 -hmac 'partner-secret' -binary | od -An -tx1 | tr -d ' \n'
        case: 'a Stripe-like timestamp tag and version tag',
        options: STRIPE_LIKE,
        secret: 'partner-secret',
        body: '{"id":1}',
        headers: { 'x-partner-signature': 't=1700000000,v1=4bb26fe937e14d94122f0a98570feb78c92c0b6f350b1041ebd16d80775b8896' },
      },
      {
        // The token as configured, after its prefix.
        case: 'a Bearer token',
        options: BEARER,
        secret: TOKEN_SECRET,
        body: '{"id":1}',
        headers: { authorization: `Bearer ${TOKEN_SECRET}` },
      },
      {
        // printf '%s' 'partner:s3cr3t pässword' | base64 -w0
        case: 'HTTP Basic',
        options: BASIC,
        secret: BASIC_SECRET,
        body: '{"id":1}',
        headers: { authorization: 'Basic cGFydG5lcjpzM2NyM3QgcMOkc3N3b3Jk' },
      },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; secret: string; body: string; headers: Record<string, string> }>)(
      'produces exactly the headers of a known answer: $case',
      ({ options, secret, body, headers }) => {
        // Act
        const signed = signWith(options, { secret, body });

        // Assess
        expect(signed.headers).toEqual(headers);
      },
    );

    it("produces the header Stripe's SDK produces for the same secret and time (generateTestHeaderString)", () => {
      // Act
      const signed = signWith(STRIPE_LIKE, { body: GENERIC_BODY, secret: STRIPE_LIKE_SECRET });

      // Assess
      expect(signed.headers['x-partner-signature']).toBe(stripeLikeHeader());
    });

    it("signs what Stripe's SDK accepts (constructEvent, which reads the clock)", () => {
      // Prepare
      const nowSeconds = Math.floor(Date.now() / 1000);

      // Act
      const signed = signWith(STRIPE_LIKE, { body: GENERIC_BODY, secret: STRIPE_LIKE_SECRET, nowSeconds });

      // Assess
      expect(new Stripe('sk_test_hookrelay').webhooks.constructEvent(GENERIC_BODY, signed.headers['x-partner-signature']!, STRIPE_LIKE_SECRET)).toEqual(GENERIC_EVENT);
    });

    it('produces Standard Webhooks headers that the standardwebhooks library verifies', () => {
      // Act
      const signed = signWith(STANDARD_LIKE, { body: GENERIC_BODY, secret: WHSEC, headers: { 'webhook-id': GENERIC_ID } });

      // Assess
      expect(signed.headers['webhook-signature']).toBe(new Webhook(WHSEC).sign(GENERIC_ID, new Date(NOW * 1000), GENERIC_BODY));
      jest.useFakeTimers({ now: NOW * 1000 });
      try {
        expect(new Webhook(WHSEC).verify(GENERIC_BODY, signed.headers as Record<string, string>)).toEqual(GENERIC_EVENT);
      } finally {
        jest.useRealTimers();
      }
    });

    it('produces a GitHub-like signature that @octokit/webhooks-methods verifies', async () => {
      // Act
      const signed = signWith(GITHUB_LIKE, { body: GENERIC_BODY, secret: GENERIC_SECRET });

      // Assess
      await expect(octokitVerify(GENERIC_SECRET, GENERIC_BODY, signed.headers['x-hub-signature-256']!)).resolves.toBe(true);
    });

    it.each([
      { case: 'the defaults', options: {}, secret: GENERIC_SECRET },
      { case: '{id}.{timestamp}.{body} with a fresh id', options: FULL, secret: GENERIC_SECRET },
      { case: 'Stripe-like', options: STRIPE_LIKE, secret: STRIPE_LIKE_SECRET },
      { case: 'Standard Webhooks-like', options: STANDARD_LIKE, secret: WHSEC },
      { case: 'milliseconds, {method}, {url}', options: URL_BOUND, secret: GENERIC_SECRET },
      { case: 'a hex secret, base64url', options: { secretEncoding: 'hex', encoding: 'base64url', algorithm: 'sha1' }, secret: HEX_KEY },
      { case: 'a space delimiter and no tag', options: { signatureDelimiter: 'space', signaturePrefix: 'sig ' }, secret: GENERIC_SECRET },
      { case: 'a token', options: { ...TOKEN, idHeader: 'X-Delivery-Id' }, secret: TOKEN_SECRET },
      { case: 'a Bearer token', options: BEARER, secret: TOKEN_SECRET },
      { case: 'HTTP Basic', options: BASIC, secret: BASIC_SECRET },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; secret: string }>)('signs what verify accepts: $case', ({ options, secret }) => {
      // Prepare
      const sent = signWith(options, { body: GENERIC_BODY, secret });

      // Act
      const result = verifyRequest(generic, withUrl(receivedRequest(sent, 'generic'), PARTNER_URL), { secrets: [secret], options });

      // Assess
      expect(result.secretIndex).toBe(0);
      expect(result.events[0]?.payload).toEqual(GENERIC_EVENT);
    });

    // The examples in docs/providers.md are configurations that work.
    const examples = [...generic.docs.notes![3]!.matchAll(/^- ([^:]+): `(\{.*\})`$/gm)].map(([, name, json]) => ({ name: name!, options: JSON.parse(json!) as GenericOptionsInput }));
    it.each(examples)('signs what verify accepts with the documented example "$name"', ({ options }) => {
      // Prepare
      const secret = (options.secretEncoding === 'base64' ? WHSEC : options.auth === 'basic' ? BASIC_SECRET : GENERIC_SECRET);
      const sent = signWith(options, { body: GENERIC_BODY, secret });

      // Act
      const result = verifyRequest(generic, withUrl(receivedRequest(sent, 'generic'), PARTNER_URL), { secrets: [secret], options });

      // Assess
      expect(result.events[0]?.payload).toEqual(GENERIC_EVENT);
    });

    it.each([
      { case: 'basic with a secret that is no user:password pair', options: BASIC, secret: 'partner', message: /user:password/ },
      { case: 'hmac with a hex secret that is not hex', options: { secretEncoding: 'hex' }, secret: 'zz', message: /non-empty hex secret/ },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput; secret: string; message: RegExp }>)('refuses to sign $case', ({ options, secret, message }) => {
      // Act & Assess
      expect(() => signWith(options, { secret })).toThrow(message);
    });
  });
});
