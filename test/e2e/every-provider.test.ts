import { randomUUID } from 'node:crypto';
import { providerNames, type ProviderName } from '../../lambdas/core/registry';
import { DEVELOPMENT_SECRETS, DEVELOPMENT_SENDGRID_PRIVATE_KEY_PEM } from '../../local/dev-secrets';
import type { LocalHookrelay } from '../../local/hookrelay-local';
import { senders } from '../../tools/lib/signers/registry';
import { startTestGateway } from '../helpers/local-hookrelay';

/**
 * Every provider over HTTP, through the local gateway that answers as the deployed API does: a
 * request signed as the provider signs it is accepted and published; the same request with one
 * byte of the body changed is refused 401 INVALID_SIGNATURE and never published.
 */
let gateway: LocalHookrelay;
const secrets = Object.fromEntries(providerNames.map((name) => [name, [DEVELOPMENT_SECRETS[name]]]));

beforeAll(async () => {
  gateway = await startTestGateway({ secrets });
});
afterAll(async () => {
  await gateway.stop();
});

/** The secret that signs: the private half for SendGrid, the shared secret for everyone else. */
const signingSecret = (provider: ProviderName) => (provider === 'sendgrid' ? DEVELOPMENT_SENDGRID_PRIVATE_KEY_PEM : DEVELOPMENT_SECRETS[provider]);

async function signedRequest(provider: ProviderName) {
  const { signer, samples } = senders[provider];
  const now = new Date();
  const url = `${gateway.url}/webhooks/${provider}`;
  const eventType = provider === 'slack' ? 'message' : samples.defaultType;
  const body = samples.types[eventType]!({ now });
  const signed = await signer.sign({ body, secret: signingSecret(provider), url, now, eventType, deliveryId: randomUUID() });
  return { url: signed.url ?? url, headers: { ...signed.headers, 'Content-Type': signed.contentType }, body: signed.body };
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
    const request = await signedRequest(provider);

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

  it('refuses the same request with one byte of the body altered: 401 INVALID_SIGNATURE', async () => {
    const request = await signedRequest(provider);
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: alterOneCharacter(request.body) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.any(String), code: 'INVALID_SIGNATURE' });
  });
});
