import { findProvider, providerNames, providers } from '../../../lambdas/core/registry';

describe('Module: registry', () => {
  it.each(providerNames.map((name) => ({ name })))('registers $name under its own name with a valid default tolerance', ({ name }) => {
    // Act
    const provider = providers[name];

    // Assess
    expect(provider.name).toBe(name);
    expect(Number.isSafeInteger(provider.defaultToleranceSeconds) && provider.defaultToleranceSeconds >= 0).toBe(true);
    expect(() => provider.parseOptions(undefined)).not.toThrow();
  });

  it('lists the providers of issue #3 next to stripe and github', () => {
    // Assess
    expect([...providerNames].sort()).toEqual(['generic', 'github', 'sendgrid', 'shopify', 'slack', 'standard', 'stripe', 'twilio']);
  });

  it.each([
    { case: 'an unknown route', name: 'paypal' },
    { case: 'an inherited property', name: 'toString' },
    { case: '__proto__', name: '__proto__' },
    { case: 'a differently cased name', name: 'Stripe' },
  ])('finds no provider for $case', ({ name }) => {
    // Act & Assess
    expect(findProvider(name)).toBeUndefined();
  });

  it.each([
    { case: 'a provider without options', name: 'slack', raw: { anything: true } },
    { case: 'generic with an unknown option', name: 'generic', raw: { algorithm: 'md5' } },
  ])('parseOptions refuses bad options for $case', ({ name, raw }) => {
    // Act & Assess
    expect(() => findProvider(name)?.parseOptions(raw)).toThrow();
  });
});
