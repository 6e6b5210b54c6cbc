import { findProvider, providerNames, type ProviderName } from '../../lambdas/core/registry';
import type { LocalHookrelay } from '../../local/hookrelay-local';
import { routesWithSecrets, startTestGateway } from '../helpers/local-hookrelay';

/**
 * Every provider over HTTP, through the local gateway that answers as the deployed API does: a
 * request signed as the provider signs it is accepted and published; the same request with one
 * byte of the body changed is refused 401 INVALID_SIGNATURE and never published.
 */
let gateway: LocalHookrelay;
const secrets = Object.fromEntries(providerNames.map((name) => [name, [findProvider(name)!.development.secret]]));

beforeAll(async () => {
  gateway = await startTestGateway({ routes: routesWithSecrets(secrets) });
});
afterAll(async () => {
  await gateway.stop();
});

/**
 * Senders that sign nothing and send a static token instead (GitLab's `X-Gitlab-Token`): the body is
 * not covered, so their tamper test alters the token instead.
 */
const TOKEN_ONLY: ReadonlySet<ProviderName> = new Set<ProviderName>(['gitlab']);

/** The provider's default sample, signed by its module with its development signing secret. */
function signedRequest(name: ProviderName) {
  const provider = findProvider(name)!;
  const { secret, signingSecret = secret } = provider.development;
  const context = { url: `${gateway.url}/webhooks/${name}`, nowSeconds: Math.floor(Date.now() / 1000) };
  const type = provider.samples.defaultType;
  const unsigned = provider.samples.request(provider.samples.types[type]!(context), type, context);
  const signed = provider.sign(unsigned, { secret: signingSecret, nowSeconds: context.nowSeconds, options: provider.parseOptions(undefined) });
  // The headers `sign` added: the credential.
  const credentialHeaders = Object.keys(signed.headers).filter((header) => unsigned.headers[header] !== signed.headers[header]);
  return { url: signed.url, headers: signed.headers, body: String(signed.body), credentialHeaders };
}

/** Changes one character inside the body without breaking its syntax (a digit or a letter). */
function alterOneCharacter(body: string): string {
  const index = body.search(/[0-9a-zA-Z]/);
  const original = body[index]!;
  const replacement = /[0-9]/.test(original) ? String((Number(original) + 1) % 10) : original === 'a' ? 'b' : 'a';
  return body.slice(0, index) + replacement + body.slice(index + 1);
}

describe.each(providerNames)('Provider %s through the local gateway', (provider) => {
  it('accepts a request signed as the provider signs it, and publishes it', async () => {
    // Prepare
    const request = signedRequest(provider);

    // Act
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
    const answer = (await response.json()) as { eventId?: string; eventIds?: string[] };

    // Assess
    expect(response.status).toBe(200);
    const ids = answer.eventIds ?? [answer.eventId!];
    const mineOf = () => gateway.published.list().filter((p) => ids.includes((p.message as { id: string }).id));
    const deadline = Date.now() + 10_000;
    while (mineOf().length < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const mine = mineOf();
    expect(mine).toHaveLength(ids.length);
    expect(mine.every((p) => p.attributes['provider'] === provider)).toBe(true);
  });

  const altered = TOKEN_ONLY.has(provider) ? 'its token' : 'the body';
  it(`refuses the same request with one byte of ${altered} altered: 401 INVALID_SIGNATURE`, async () => {
    const request = signedRequest(provider);
    const tampered = TOKEN_ONLY.has(provider)
      ? { headers: { ...request.headers, ...Object.fromEntries(request.credentialHeaders.map((header) => [header, alterOneCharacter(request.headers[header]!)])) }, body: request.body }
      : { headers: request.headers, body: alterOneCharacter(request.body) };
    const response = await fetch(request.url, { method: 'POST', ...tampered });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.any(String), code: 'INVALID_SIGNATURE' });
  });
});
