import { createHash } from 'node:crypto';
import { generic, type GenericOptionsInput } from '../../../../lambdas/core/providers/generic';
import { expectRefusal, headerOf, NOW, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import {
  GENERIC_BODY,
  GENERIC_EVENT,
  GENERIC_ID,
  GENERIC_OTHER_SECRET,
  GENERIC_SECRET,
  signedGenericRequest,
} from '../../../fixtures/generic';

const TIMESTAMPED: GenericOptionsInput = { signedContent: '{timestamp}.{body}', timestampHeader: 'X-Timestamp' };
const FULL: GenericOptionsInput = { signedContent: '{id}.{timestamp}.{body}', timestampHeader: 'X-Timestamp', idHeader: 'X-Delivery-Id' };

describe('Provider: generic', () => {
  describe('parseOptions', () => {
    it('defaults to hex HMAC-SHA256 of the body in X-Signature, type "webhook"', () => {
      // Act
      const options = generic.parseOptions(undefined);

      // Assess
      expect(options).toEqual({
        algorithm: 'sha256',
        encoding: 'hex',
        signatureHeader: 'x-signature',
        signaturePrefix: '',
        signedContent: [{ field: 'body' }],
        timestampHeader: undefined,
        idHeader: undefined,
        typeHeader: undefined,
        typeField: undefined,
        defaultType: 'webhook',
        payloadFormat: 'json',
      });
    });

    it('compiles a template with literal text and lower-cases header names', () => {
      // Act
      const options = generic.parseOptions({ ...FULL, signatureHeader: 'X-Sig' });

      // Assess
      expect(options.signedContent).toEqual([
        { field: 'id' },
        { literal: '.' },
        { field: 'timestamp' },
        { literal: '.' },
        { field: 'body' },
      ]);
      expect([options.signatureHeader, options.timestampHeader, options.idHeader]).toEqual(['x-sig', 'x-timestamp', 'x-delivery-id']);
    });

    it.each([
      { case: 'an unknown algorithm', raw: { algorithm: 'md5' }, message: /algorithm/ },
      { case: 'an unknown encoding', raw: { encoding: 'base32' }, message: /encoding/ },
      { case: 'an unknown option', raw: { secret: 'x' }, message: /secret/ },
      { case: 'a header name with a space', raw: { signatureHeader: 'X Sig' }, message: /header name/ },
      { case: 'no {body} in the template', raw: { signedContent: '{timestamp}', timestampHeader: 'x-t' }, message: /\{body\} exactly once/ },
      { case: 'two {body} in the template', raw: { signedContent: '{body}{body}' }, message: /\{body\} exactly once/ },
      { case: 'an unknown placeholder', raw: { signedContent: '{ts}.{body}' }, message: /unknown placeholder \{ts\}/ },
      { case: '{timestamp} without timestampHeader', raw: { signedContent: '{timestamp}.{body}' }, message: /timestampHeader/ },
      { case: 'timestampHeader without {timestamp}', raw: { timestampHeader: 'x-t' }, message: /unsigned timestamp/ },
      { case: '{id} without idHeader', raw: { signedContent: '{id}.{body}' }, message: /idHeader/ },
      { case: 'both typeHeader and typeField', raw: { typeHeader: 'x-type', typeField: 'type' }, message: /not both/ },
      { case: 'typeField with a text payload', raw: { typeField: 'type', payloadFormat: 'text' }, message: /payloadFormat/ },
      { case: 'an empty field path segment', raw: { typeField: 'data..kind' }, message: /field path/ },
      { case: 'a non-object', raw: 'sha256', message: /invalid/ },
    ])('refuses $case', ({ raw, message }) => {
      // Act & Assess
      expect(() => generic.parseOptions(raw)).toThrow(message);
    });
  });

  describe('verify', () => {
    it.each([
      { case: 'the defaults', options: {} },
      { case: 'sha1, base64, a sha1= prefix', options: { algorithm: 'sha1', encoding: 'base64', signaturePrefix: 'sha1=' } },
      { case: 'sha512 in X-Hub-Signature', options: { algorithm: 'sha512', signatureHeader: 'X-Hub-Signature' } },
      { case: '{timestamp}.{body}', options: TIMESTAMPED },
      { case: '{id}.{timestamp}.{body}', options: FULL },
      { case: 'a prefix containing a comma (v1,)', options: { signaturePrefix: 'v1,', encoding: 'base64' } },
      { case: 'literal text in the template', options: { signedContent: 'v0:{timestamp}:{body}', timestampHeader: 'X-Ts' } },
    ] as ReadonlyArray<{ case: string; options: GenericOptionsInput }>)('accepts a request signed with $case', ({ options }) => {
      // Prepare
      const request = signedGenericRequest({ options });

      // Act
      const result = verifyRequest(generic, request, { secrets: [GENERIC_SECRET], options });

      // Assess
      expect(result.secretIndex).toBe(0);
      expect(result.events[0]?.payload).toEqual(GENERIC_EVENT);
    });

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
      { case: 'a timestamp 301 s old', request: signedGenericRequest({ options: TIMESTAMPED, timestamp: NOW - 301 }), options: TIMESTAMPED, code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', request: signedGenericRequest({ options: TIMESTAMPED, timestamp: NOW + 301 }), options: TIMESTAMPED, code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a signed non-JSON body', request: signedGenericRequest({ body: 'not json' }), options: {}, code: 'INVALID_PAYLOAD' },
      {
        case: 'a missing unsigned id header',
        request: withHeaders(signedGenericRequest({ options: { idHeader: 'X-Delivery-Id' } }), { 'X-Delivery-Id': undefined }),
        options: { idHeader: 'X-Delivery-Id' },
        code: 'INVALID_PAYLOAD',
      },
    ] as const)('refuses $case with $code', ({ request, options, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(generic, request, { secrets: [GENERIC_SECRET], options }), code, [GENERIC_SECRET, mac]);
    });

    it('accepts a timestamp 300 s old and ignores the timestamp when none is configured', () => {
      // Act
      const edge = verifyRequest(generic, signedGenericRequest({ options: TIMESTAMPED, timestamp: NOW - 300 }), { secrets: [GENERIC_SECRET], options: TIMESTAMPED });
      const untimed = verifyRequest(generic, valid, { secrets: [GENERIC_SECRET], nowSeconds: NOW * 2 });

      // Assess
      expect([edge.secretIndex, untimed.secretIndex]).toEqual([0, 0]);
    });
  });

  describe('sign', () => {
    it('matches a known answer computed with openssl: sha512, base64, prefix, {timestamp}.{body}', () => {
      // printf '%s' '1700000000.{"id":1}' | openssl dgst -sha512 -hmac 'partner-secret' -binary | base64
      const options = generic.parseOptions({
        algorithm: 'sha512',
        encoding: 'base64',
        signatureHeader: 'X-Partner-Signature',
        signaturePrefix: 'v1=',
        signedContent: '{timestamp}.{body}',
        timestampHeader: 'X-Partner-Timestamp',
      });
      const signed = generic.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/generic', headers: {}, body: '{"id":1}' }, { secret: 'partner-secret', nowSeconds: 1_700_000_000, options });
      expect(signed.headers).toEqual({
        'x-partner-timestamp': '1700000000',
        'x-partner-signature': 'v1=lNcWSjzIY58Wai0ji7wloHuVj31YJJm/KCVaUuDV+IDaY0KnsozYv/Ao+P7A6674KiaebbDohacdklP5jl2rUQ==',
      });
    });
  });
});
