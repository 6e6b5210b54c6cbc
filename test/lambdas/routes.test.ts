import { ROUTE_NAME } from '../../lambdas/routes';

describe('Module: routes', () => {
  describe('Constant: ROUTE_NAME', () => {
    it.each([
      { case: 'one character', name: 'a', valid: true },
      { case: 'a second route of a provider', name: 'stripe-eu', valid: true },
      { case: '40 characters, the most', name: `a${'-'.repeat(38)}b`, valid: true },
      { case: '41 characters', name: 'a'.repeat(41), valid: false },
      { case: 'a leading hyphen', name: '-stripe', valid: false },
      { case: 'a trailing hyphen', name: 'stripe-', valid: false },
      { case: 'an upper-case letter', name: 'Stripe', valid: false },
      { case: 'an underscore', name: 'stripe_eu', valid: false },
      { case: 'the empty name', name: '', valid: false },
    ])('$case ("$name") → $valid', ({ name, valid }) => {
      expect(ROUTE_NAME.test(name)).toEqual(valid);
    });
  });
});
