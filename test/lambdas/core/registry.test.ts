import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { receivedRequest } from '../../../lambdas/core/provider';
import { allProviders, findProvider, isProviderName, providerNames } from '../../../lambdas/core/registry';
import { verifyWebhook } from '../../../lambdas/core/verify-webhook';

const ROOT = path.resolve(__dirname, '../../..');
const NOW = 1_700_000_000;

describe('Module: registry', () => {
  it.each([
    ...providerNames.map((name) => ({ case: name, name, known: true })),
    { case: 'an upper-case spelling', name: 'Stripe', known: false },
    { case: 'an inherited property name', name: 'constructor', known: false },
    { case: '__proto__', name: '__proto__', known: false },
    { case: 'the empty name', name: '', known: false },
  ])('isProviderName: $case → $known', ({ name, known }) => {
    expect(isProviderName(name)).toEqual(known);
  });

  it.each(providerNames.map((name) => ({ name })))('registers $name under the name its module gives itself, with sound defaults', ({ name }) => {
    // Act
    const provider = findProvider(name)!;

    // Assess
    expect({ name: provider.name, toleranceIsWholeSeconds: Number.isSafeInteger(provider.defaultToleranceSeconds) }).toEqual({
      name,
      toleranceIsWholeSeconds: true,
    });
    expect(provider.defaultToleranceSeconds).toBeGreaterThanOrEqual(0);
    expect(provider.defaultMaxBodyBytes).toBeGreaterThanOrEqual(64 * 1024);
    expect(() => provider.parseOptions(undefined)).not.toThrow();
    expect(Object.keys(provider.samples.types)).toContain(provider.samples.defaultType);
  });

  // Every sample of every provider, signed by the module's own `sign` with its development secret,
  // verifies with the secret the local gateway is configured with and yields an event (or a handshake).
  it.each(
    allProviders().flatMap((provider) => Object.keys(provider.samples.types).map((type) => ({ name: provider.name, type }))),
  )('$name sample "$type" signed by the module verifies with its development secret', ({ name, type }) => {
    // Prepare
    const provider = findProvider(name)!;
    const options = provider.parseOptions(undefined);
    const context = { url: `https://hooks.example.com/webhooks/${name}`, nowSeconds: NOW };
    const unsigned = provider.samples.request(provider.samples.types[type]!(context), type, context);
    const { secret, signingSecret = secret } = provider.development;
    const sent = provider.sign(unsigned, { secret: signingSecret, nowSeconds: NOW, options });

    // Act
    const verified = verifyWebhook(provider, receivedRequest(sent, name), { secrets: [secret], nowSeconds: NOW, options });

    // Assess
    expect(verified.events.length + (verified.reply ? 1 : 0)).toBeGreaterThanOrEqual(1);
    for (const event of verified.events) expect(event.type).toBe(type);
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

  it('evaluates no provider module until one is asked for, and then only that one', () => {
    // Prepare: a process of its own, so the module cache is this test's alone.
    const script = `
      const registry = require('./lambdas/core/registry');
      const loaded = () => Object.keys(require.cache).filter((file) => file.includes('/core/providers/')).map((file) => file.split('/').pop());
      const before = loaded();
      registry.findProvider('github');
      console.log(JSON.stringify({ before, after: loaded() }));`;

    // Act
    const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });

    // Assess
    expect(JSON.parse(output)).toEqual({ before: [], after: ['github.ts'] });
  });
});
