import { createHmac } from 'node:crypto';
import { WebhookError } from '../../../lambdas/core/errors';
import { MAX_SIGNATURE_CANDIDATES, type OutgoingRequest } from '../../../lambdas/core/provider';
import { normaliseHeaders, type WebhookRequest } from '../../../lambdas/core/request';
import {
  bodyHmacSecretIndex,
  decodeMac,
  hmacSignature,
  macShape,
  receivedMacs,
  refuseLegacySignatureAlone,
  requireTimestampedMacs,
  secretIndexOfHmac,
  signBodyHmac,
  signV0,
  timestampedMacHeader,
  v0Scheme,
  verifyV0Signature,
  type HmacSignatureFormat,
  type TimestampedMacFormat,
} from '../../../lambdas/core/schemes';

const BODY = '{"id":"evt_1","type":"thing.happened"}';
const SECRET = 'secret-current';
const OLD_SECRET = 'secret-previous';

/** The MAC computed independently of the module under test. */
const mac = (secret: string, message: string, encoding: 'hex' | 'base64' = 'hex', algorithm = 'sha256') =>
  createHmac(algorithm, secret).update(message).digest(encoding);

function request(headers: Record<string, string | string[] | undefined>, body = BODY): WebhookRequest {
  return { route: 'test', method: 'POST', headers: normaliseHeaders(headers), rawBody: Buffer.from(body), url: 'https://example.com/webhooks/test', query: {} };
}

/** The refusal `work` throws, or undefined. */
function refusalOf(work: () => unknown): { code: string; message: string } | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (error instanceof WebhookError) return { code: error.code, message: error.message };
    throw error;
  }
}

const HEX_PREFIXED: HmacSignatureFormat = { header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' };
const BASE64_BARE: HmacSignatureFormat = { header: 'X-Signature', algorithm: 'sha256', encoding: 'base64' };
const SHA1_HEX: HmacSignatureFormat = { header: 'X-Signature', algorithm: 'sha1', encoding: 'hex' };

describe('Function: decodeMac', () => {
  it.each([
    { case: 'a SHA-256 digest in hex', text: mac(SECRET, BODY), algorithm: 'sha256' as const, encoding: 'hex' as const, bytes: 32 },
    { case: 'a SHA-256 digest in base64', text: mac(SECRET, BODY, 'base64'), algorithm: 'sha256' as const, encoding: 'base64' as const, bytes: 32 },
    { case: 'a SHA-1 digest in hex', text: mac(SECRET, BODY, 'hex', 'sha1'), algorithm: 'sha1' as const, encoding: 'hex' as const, bytes: 20 },
    { case: 'a SHA-1 digest where SHA-256 is wanted', text: mac(SECRET, BODY, 'hex', 'sha1'), algorithm: 'sha256' as const, encoding: 'hex' as const, bytes: undefined },
    { case: 'a digest one byte short', text: mac(SECRET, BODY).slice(2), algorithm: 'sha256' as const, encoding: 'hex' as const, bytes: undefined },
    { case: 'not hex', text: 'z'.repeat(64), algorithm: 'sha256' as const, encoding: 'hex' as const, bytes: undefined },
    { case: 'empty', text: '', algorithm: 'sha256' as const, encoding: 'base64' as const, bytes: undefined },
  ])('$case → $bytes bytes', ({ text, algorithm, encoding, bytes }) => {
    expect(decodeMac(text, algorithm, encoding)?.length).toBe(bytes);
  });
});

describe('Function: macShape', () => {
  it.each([
    { format: HEX_PREFIXED, shape: '"sha256=<64 hex digits>"' },
    { format: SHA1_HEX, shape: '40 hex digits' },
    { format: BASE64_BARE, shape: 'a base64 HMAC-SHA256' },
    { format: { ...BASE64_BARE, prefix: 'v1,' }, shape: '"v1,<base64>"' },
  ])('$shape', ({ format, shape }) => {
    expect(macShape(format)).toBe(shape);
  });
});

describe('Function: receivedMacs', () => {
  const good = mac(SECRET, BODY);
  it.each([
    { case: 'one prefixed MAC', entries: [`sha256=${good}`], count: 1 },
    { case: 'other versions skipped', entries: ['sha1=abc', `sha256=${good}`, 'v2=xyz'], count: 1 },
    { case: 'two MACs (a rotation)', entries: [`sha256=${good}`, `sha256=${mac(OLD_SECRET, BODY)}`], count: 2 },
    { case: 'the MAC without its prefix', entries: [good], count: undefined },
    { case: 'a MAC of the wrong length', entries: [`sha256=${good.slice(0, 62)}`], count: undefined },
    { case: 'no entries', entries: [], count: undefined },
  ])('$case', ({ entries, count }) => {
    const refusal = refusalOf(() => receivedMacs(entries, HEX_PREFIXED));
    if (count === undefined) expect(refusal).toEqual({ code: 'MALFORMED_SIGNATURE', message: 'X-Signature is not "sha256=<64 hex digits>"' });
    else expect(receivedMacs(entries, HEX_PREFIXED)).toHaveLength(count);
  });
});

describe('Function: hmacSignature', () => {
  it.each([
    { format: HEX_PREFIXED, expected: `sha256=${mac(SECRET, BODY)}` },
    { format: BASE64_BARE, expected: mac(SECRET, BODY, 'base64') },
    { format: SHA1_HEX, expected: mac(SECRET, BODY, 'hex', 'sha1') },
  ])('$format.encoding, prefix "$format.prefix", $format.algorithm', ({ format, expected }) => {
    expect(hmacSignature(format, SECRET, BODY)).toBe(expected);
  });

  it('signs the concatenation of its parts, strings and bytes alike', () => {
    expect(hmacSignature(BASE64_BARE, SECRET, 'POST', Buffer.from('https://x'), BODY)).toBe(mac(SECRET, `POSThttps://x${BODY}`, 'base64'));
  });
});

describe('Function: secretIndexOfHmac', () => {
  const received = [Buffer.from(mac(OLD_SECRET, BODY), 'hex')];
  it.each([
    { case: 'the second secret matches', secrets: [SECRET, OLD_SECRET], index: 1 },
    { case: 'the only secret matches', secrets: [OLD_SECRET], index: 0 },
    { case: 'no secret matches', secrets: [SECRET], index: -1 },
    { case: 'no secrets', secrets: [], index: -1 },
  ])('$case → $index', ({ secrets, index }) => {
    expect(secretIndexOfHmac(secrets, received, 'sha256', BODY)).toBe(index);
  });
});

describe('Function: bodyHmacSecretIndex', () => {
  it.each([
    { case: 'a MAC of the body', headers: { 'x-signature': `sha256=${mac(SECRET, BODY)}` }, result: 0 },
    { case: 'a MAC under the old secret', headers: { 'x-signature': `sha256=${mac(OLD_SECRET, BODY)}` }, result: 1 },
    { case: 'a MAC of another body', headers: { 'x-signature': `sha256=${mac(SECRET, `${BODY} `)}` }, result: -1 },
    { case: 'no header', headers: {}, result: 'MISSING_SIGNATURE' },
    { case: 'a malformed header', headers: { 'x-signature': 'sha256=nothex' }, result: 'MALFORMED_SIGNATURE' },
    {
      case: 'more entries than the bound',
      headers: { 'x-signature': Array.from({ length: MAX_SIGNATURE_CANDIDATES + 1 }, () => `sha256=${mac(SECRET, BODY)}`).join(',') },
      result: 'MALFORMED_SIGNATURE',
    },
  ])('$case → $result', ({ headers, result }) => {
    const work = () => bodyHmacSecretIndex(request(headers), [SECRET, OLD_SECRET], HEX_PREFIXED);
    if (typeof result === 'number') expect(work()).toBe(result);
    else expect(refusalOf(work)?.code).toBe(result);
  });
});

describe('Function: signBodyHmac', () => {
  const unsigned: OutgoingRequest = { method: 'POST', url: 'https://example.com/webhooks/test', headers: { 'Content-Type': 'application/json' }, body: BODY };

  it.each([
    { case: 'a prefixed hex MAC', format: HEX_PREFIXED, header: `sha256=${mac(SECRET, BODY)}` },
    { case: 'a bare base64 MAC', format: BASE64_BARE, header: mac(SECRET, BODY, 'base64') },
    { case: 'a SHA-1 MAC', format: SHA1_HEX, header: mac(SECRET, BODY, 'hex', 'sha1') },
  ])('adds $case of the body under the format\'s header, keeping the others', ({ format, header }) => {
    // Act
    const signed = signBodyHmac(unsigned, SECRET, format);

    // Assess
    expect(signed).toEqual({ ...unsigned, headers: { 'Content-Type': 'application/json', 'X-Signature': header } });
  });

  it('signs the bytes of a Buffer body as it does their text', () => {
    // Act
    const signed = signBodyHmac({ ...unsigned, body: Buffer.from(BODY) }, SECRET, HEX_PREFIXED);

    // Assess
    expect(signed.headers['X-Signature']).toBe(`sha256=${mac(SECRET, BODY)}`);
  });

  it.each([
    { case: 'the secret that signed', secrets: [SECRET], index: 0 },
    { case: 'the old secret, then the one that signed', secrets: [OLD_SECRET, SECRET], index: 1 },
    { case: 'another secret', secrets: [OLD_SECRET], index: -1 },
  ])('is verified by bodyHmacSecretIndex with $case → $index', ({ secrets, index }) => {
    // Prepare
    const signed = signBodyHmac(unsigned, SECRET, HEX_PREFIXED);

    // Act
    const matched = bodyHmacSecretIndex(request(signed.headers as Record<string, string>), secrets, HEX_PREFIXED);

    // Assess
    expect(matched).toBe(index);
  });
});

describe('Function: refuseLegacySignatureAlone', () => {
  it.each([
    { case: 'only the legacy header', headers: { 'x-legacy': 'abc' }, refusal: 'Only the SHA-1 X-Legacy was sent; X-Current is required' },
    { case: 'both headers', headers: { 'x-legacy': 'abc', 'x-current': 'def' }, refusal: undefined },
    { case: 'only the current header', headers: { 'x-current': 'def' }, refusal: undefined },
    { case: 'neither (left to the signature check)', headers: {}, refusal: undefined },
  ])('$case', ({ headers, refusal }) => {
    const result = refusalOf(() => refuseLegacySignatureAlone(request(headers), 'X-Current', 'X-Legacy', 'SHA-1'));
    expect(result).toEqual(refusal === undefined ? undefined : { code: 'MISSING_SIGNATURE', message: refusal });
  });
});

describe('Function: requireTimestampedMacs', () => {
  const PADDLE_LIKE: TimestampedMacFormat = { header: 'X-Sig', separator: ';', timestampKey: 'ts', macKey: 'h1', algorithm: 'sha256', encoding: 'hex' };
  const a = mac(SECRET, `1700000000:${BODY}`);
  const b = mac(OLD_SECRET, `1700000000:${BODY}`);
  it.each([
    { case: 'one timestamp, one MAC', value: `ts=1700000000;h1=${a}`, result: { timestampText: '1700000000', macs: 1 } },
    { case: 'spaces around keys and values', value: ` ts = 1700000000 ; h1 = ${a} `, result: { timestampText: '1700000000', macs: 1 } },
    { case: 'two MACs (a rotation)', value: `ts=1700000000;h1=${a};h1=${b}`, result: { timestampText: '1700000000', macs: 2 } },
    { case: 'unknown keys and bare entries ignored', value: `ts=1700000000;v9=xyz;junk;h1=${a}`, result: { timestampText: '1700000000', macs: 1 } },
    { case: 'the same timestamp twice', value: `ts=1700000000;ts=1700000000;h1=${a}`, result: { timestampText: '1700000000', macs: 1 } },
    { case: 'two different timestamps', value: `ts=1700000000;ts=1700000001;h1=${a}`, result: 'MALFORMED_SIGNATURE' },
    { case: 'no timestamp', value: `h1=${a}`, result: 'MALFORMED_SIGNATURE' },
    { case: 'no MAC that decodes', value: 'ts=1700000000;h1=zz', result: 'MALFORMED_SIGNATURE' },
  ])('$case', ({ value, result }) => {
    const work = () => requireTimestampedMacs(request({ 'x-sig': value }), PADDLE_LIKE);
    if (typeof result === 'string') expect(refusalOf(work)?.code).toBe(result);
    else {
      const parsed = work();
      expect({ timestampText: parsed.timestampText, macs: parsed.macs.length }).toEqual(result);
    }
  });

  it('is MISSING_SIGNATURE without the header', () => {
    expect(refusalOf(() => requireTimestampedMacs(request({}), PADDLE_LIKE))?.code).toBe('MISSING_SIGNATURE');
  });
});

describe('Function: timestampedMacHeader', () => {
  const PADDLE_LIKE: TimestampedMacFormat = { header: 'X-Sig', separator: ';', timestampKey: 'ts', macKey: 'h1', algorithm: 'sha256', encoding: 'hex' };
  const WORKOS_LIKE: TimestampedMacFormat = { header: 'X-Sig', separator: ',', timestampKey: 't', macKey: 'v1', algorithm: 'sha256', encoding: 'hex' };
  const BASE64_LIKE: TimestampedMacFormat = { ...WORKOS_LIKE, encoding: 'base64' };
  const a = mac(SECRET, `1700000000:${BODY}`);
  const b = mac(OLD_SECRET, `1700000000:${BODY}`);
  it.each([
    { case: 'one MAC, the separator', format: PADDLE_LIKE, macs: [a], joiner: undefined, header: `ts=1700000000;h1=${a}` },
    { case: 'two MACs (a rotation)', format: PADDLE_LIKE, macs: [a, b], joiner: undefined, header: `ts=1700000000;h1=${a};h1=${b}` },
    { case: 'a joiner with a space', format: WORKOS_LIKE, macs: [a], joiner: ', ', header: `t=1700000000, v1=${a}` },
    { case: 'a base64 MAC', format: BASE64_LIKE, macs: [a], joiner: undefined, header: `t=1700000000,v1=${Buffer.from(a, 'hex').toString('base64')}` },
  ])('writes $case', ({ format, macs, joiner, header }) => {
    // Act
    const written = timestampedMacHeader(format, '1700000000', macs.map((text) => Buffer.from(text, 'hex')), joiner);

    // Assess
    expect(written).toBe(header);
  });

  it.each([
    { case: 'the separator', format: PADDLE_LIKE, joiner: undefined },
    { case: 'the separator and a space', format: WORKOS_LIKE, joiner: ', ' },
  ])('writes what requireTimestampedMacs reads back, joined by $case', ({ format, joiner }) => {
    // Prepare
    const macs = [Buffer.from(a, 'hex'), Buffer.from(b, 'hex')];

    // Act
    const parsed = requireTimestampedMacs(request({ 'x-sig': timestampedMacHeader(format, '1700000000', macs, joiner) }), format);

    // Assess
    expect(parsed).toEqual({ timestampText: '1700000000', macs });
  });
});

describe('Functions: v0Scheme, verifyV0Signature, signV0', () => {
  const SCHEME = v0Scheme('X-Test-Signature', 'X-Test-Timestamp');
  const NOW = 1_700_000_000;
  const context = { secrets: [SECRET, OLD_SECRET], nowSeconds: NOW, toleranceSeconds: 300 };
  const v0 = (secret: string, timestamp: number, body = BODY) => `v0=${mac(secret, `v0:${timestamp}:${body}`)}`;

  it.each([
    { case: 'signed now', headers: { 'x-test-signature': v0(SECRET, NOW), 'x-test-timestamp': String(NOW) }, result: 0 },
    { case: 'signed with the old secret', headers: { 'x-test-signature': v0(OLD_SECRET, NOW), 'x-test-timestamp': String(NOW) }, result: 1 },
    { case: 'at the edge of the tolerance', headers: { 'x-test-signature': v0(SECRET, NOW - 300), 'x-test-timestamp': String(NOW - 300) }, result: 0 },
    { case: 'one second too old', headers: { 'x-test-signature': v0(SECRET, NOW - 301), 'x-test-timestamp': String(NOW - 301) }, result: 'TIMESTAMP_OUT_OF_TOLERANCE' },
    { case: 'one second too far ahead', headers: { 'x-test-signature': v0(SECRET, NOW + 301), 'x-test-timestamp': String(NOW + 301) }, result: 'TIMESTAMP_OUT_OF_TOLERANCE' },
    // A forgery is invalid, never stale: the tolerance is checked only once a secret matched.
    { case: 'a stale forgery', headers: { 'x-test-signature': v0('wrong', NOW - 9999), 'x-test-timestamp': String(NOW - 9999) }, result: -1 },
    { case: 'the timestamp changed after signing', headers: { 'x-test-signature': v0(SECRET, NOW), 'x-test-timestamp': String(NOW + 1) }, result: -1 },
    { case: 'no signature', headers: { 'x-test-timestamp': String(NOW) }, result: 'MISSING_SIGNATURE' },
    { case: 'no timestamp', headers: { 'x-test-signature': v0(SECRET, NOW) }, result: 'MISSING_SIGNATURE' },
    { case: 'a timestamp that is not a number', headers: { 'x-test-signature': v0(SECRET, NOW), 'x-test-timestamp': 'yesterday' }, result: 'MALFORMED_SIGNATURE' },
    { case: 'a signature without v0=', headers: { 'x-test-signature': mac(SECRET, `v0:${NOW}:${BODY}`), 'x-test-timestamp': String(NOW) }, result: 'MALFORMED_SIGNATURE' },
  ])('$case → $result', ({ headers, result }) => {
    const work = () => verifyV0Signature(request(headers), context, SCHEME);
    if (typeof result === 'number') expect(work()).toBe(result);
    else expect(refusalOf(work)?.code).toBe(result);
  });

  it('signs what it verifies, under the scheme\'s header names', () => {
    // Prepare
    const outgoing: OutgoingRequest = { method: 'POST', url: 'https://example.com/webhooks/test', headers: { 'Content-Type': 'application/json' }, body: BODY };

    // Act
    const signed = signV0(outgoing, { secret: SECRET, nowSeconds: NOW }, SCHEME);

    // Assess
    expect(signed.headers).toEqual({ 'Content-Type': 'application/json', 'X-Test-Signature': v0(SECRET, NOW), 'X-Test-Timestamp': String(NOW) });
    expect(verifyV0Signature(request({ ...signed.headers }), context, SCHEME)).toBe(0);
  });
});
