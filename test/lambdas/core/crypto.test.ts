import { memoizeSecretParse } from '../../../lambdas/core/crypto';

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
