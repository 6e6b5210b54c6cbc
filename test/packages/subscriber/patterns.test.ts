import { InvalidPatternError } from '../../../packages/subscriber/src/errors';
import { compileTypePattern } from '../../../packages/subscriber/src/patterns';

describe('Function: compileTypePattern', () => {
  it.each([
    { case: 'exact', pattern: 'invoice.paid', type: 'invoice.paid', matches: true },
    { case: 'exact, other type', pattern: 'invoice.paid', type: 'invoice.paid.extra', matches: false },
    { case: 'prefix', pattern: 'invoice.*', type: 'invoice.payment_failed', matches: true },
    { case: 'prefix across dots', pattern: 'customer.*', type: 'customer.subscription.created', matches: true },
    { case: 'prefix, other type', pattern: 'invoice.*', type: 'invoiceitem.created', matches: false },
    { case: 'star alone', pattern: '*', type: 'anything/at all', matches: true },
    { case: 'suffix', pattern: '*.succeeded', type: 'payment_intent.succeeded', matches: true },
    { case: 'middle', pattern: 'customer.*.created', type: 'customer.subscription.created', matches: true },
    { case: 'middle, no match', pattern: 'customer.*.created', type: 'customer.created', matches: false },
    { case: 'regex characters are literal', pattern: 'orders/(paid)+', type: 'orders/paid', matches: false },
  ])('$case: $pattern vs $type → $matches', ({ pattern, type, matches }) => {
    expect(compileTypePattern(pattern)(type)).toBe(matches);
  });

  it('refuses an empty pattern', () => {
    expect(() => compileTypePattern('')).toThrow(InvalidPatternError);
  });
});
