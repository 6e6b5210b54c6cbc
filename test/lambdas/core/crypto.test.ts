import { constantTimeTokenEqual, memoizeSecretParse } from '../../../lambdas/core/crypto';

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
