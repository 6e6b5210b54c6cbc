import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { constantTimeTokenEqual, decodeBase64Key, ed25519PublicKey, memoizeSecretParse, tokenDigest } from '../../../lambdas/core/crypto';

describe('Function: memoizeSecretParse', () => {
  it('parses each secret once, returns the same result, and evicts the oldest beyond the bound', () => {
    // Prepare
    const parsed: string[] = [];
    const parse = memoizeSecretParse((secret: string) => {
      parsed.push(secret);
      return { secret };
    }, 2);

    // Act
    const first = parse('a');
    const again = parse('a');
    parse('b');
    parse('c'); // evicts 'a'
    parse('a');

    // Assess
    expect(again).toBe(first);
    expect(parsed).toEqual(['a', 'b', 'c', 'a']);
  });

  it('remembers undefined results (a key that never parses is not re-parsed per request)', () => {
    let calls = 0;
    const parse = memoizeSecretParse(() => {
      calls += 1;
      return undefined;
    });
    parse('bad');
    parse('bad');
    expect(calls).toBe(1);
  });
});

describe('Function: constantTimeTokenEqual', () => {
  it.each([
    { case: 'the same token', received: 'glpat-token-1', expected: 'glpat-token-1', equal: true },
    { case: 'one character different', received: 'glpat-token-2', expected: 'glpat-token-1', equal: false },
    { case: 'a prefix of the token', received: 'glpat-token', expected: 'glpat-token-1', equal: false },
    { case: 'an empty received value', received: '', expected: 'glpat-token-1', equal: false },
    { case: 'the token with trailing whitespace', received: 'glpat-token-1 ', expected: 'glpat-token-1', equal: false },
    { case: 'non-ASCII tokens, equal', received: 'jeton-é-🔑', expected: 'jeton-é-🔑', equal: true },
  ])('returns $equal for $case', ({ received, expected, equal }) => {
    // Act & Assess
    expect(constantTimeTokenEqual(received, expected)).toBe(equal);
  });
});

describe('Function: tokenDigest', () => {
  it.each([
    { case: 'an empty token', value: '' },
    { case: 'a short token', value: 'glpat-token-1' },
    { case: 'a non-ASCII token', value: 'jeton-é-🔑' },
    { case: 'a long token', value: 'x'.repeat(4096) },
  ])('is the 32-byte SHA-256 of the UTF-8 of $case, the same for its bytes', ({ value }) => {
    // Act
    const digest = tokenDigest(value);

    // Assess
    expect(digest).toEqual(createHash('sha256').update(Buffer.from(value, 'utf8')).digest());
    expect(tokenDigest(Buffer.from(value, 'utf8'))).toEqual(digest);
    expect(digest).toHaveLength(32);
  });
});

describe('Function: decodeBase64Key', () => {
  it.each([
    { case: 'padded base64', value: 'a2V5LWJ5dGVz', key: Buffer.from('key-bytes') },
    { case: 'base64 with its padding', value: 'a2V5LWJ5dGVzIQ==', key: Buffer.from('key-bytes!') },
    { case: 'the same without its padding', value: 'a2V5LWJ5dGVzIQ', key: Buffer.from('key-bytes!') },
    { case: 'one character too many for base64', value: 'a2V5L', key: undefined },
    { case: 'base64url characters', value: 'a2V5-_', key: undefined },
    { case: 'a space inside', value: 'a2V5 LWJ5', key: undefined },
    { case: 'nothing', value: '', key: undefined },
    { case: 'padding alone', value: '==', key: undefined },
  ])('decodes $case as $key', ({ value, key }) => {
    // Act
    const decoded = decodeBase64Key(value);

    // Assess
    expect(decoded).toEqual(key);
  });
});

describe('Function: ed25519PublicKey', () => {
  it('builds the key of raw 32 bytes, which verifies what the private half signs', () => {
    // Prepare
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const message = Buffer.from('1700000000{"type":1}');

    // Act
    const key = ed25519PublicKey(raw);

    // Assess
    expect(key?.asymmetricKeyType).toBe('ed25519');
    expect(key?.export({ format: 'der', type: 'spki' })).toEqual(publicKey.export({ format: 'der', type: 'spki' }));
    expect(verify(null, message, key!, sign(null, message, privateKey))).toBe(true);
  });

  it.each([
    { case: 'no bytes at all', raw: undefined },
    { case: '31 bytes', raw: Buffer.alloc(31, 1) },
    { case: '33 bytes', raw: Buffer.alloc(33, 1) },
    { case: 'an empty buffer', raw: Buffer.alloc(0) },
  ])('returns undefined for $case', ({ raw }) => {
    // Act & Assess
    expect(ed25519PublicKey(raw)).toBeUndefined();
  });
});
