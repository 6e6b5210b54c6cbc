import type { OutgoingRequest, WebhookProvider } from '../../lambdas/core/provider';
import { findProvider, providerNames } from '../../lambdas/core/registry';
import type { LocalHookrelay } from '../../local/hookrelay-local';
import { startTestGateway } from '../helpers/local-hookrelay';
import { waitFor } from '../helpers/wait';

/**
 * Every registered provider over HTTP, through the local gateway that answers as the deployed API
 * does, with requests made by the provider module's own `sign` (each provider's unit test checks it
 * against the sender's official package): accepted and published once; accepted with the second of
 * two secrets (rotation); repeated → replayed and not published again; refused 401 with the body
 * tampered, with a wrong secret, without its signature headers, and with a timestamp outside the
 * tolerance.
 */
let gateway: LocalHookrelay;

/** A secret that is configured first on every route but signs nothing: the rotation case. */
const newSecretOf = (name: string) => `rotated-in-${name}-secret`;

beforeAll(async () => {
  gateway = await startTestGateway({
    routes: Object.fromEntries(
      providerNames.map((name) => {
        const { development } = findProvider(name)!;
        return [name, { provider: name, secrets: [newSecretOf(name), development.secret], verifyTokens: development.verifyToken ? [development.verifyToken] : [] }];
      }),
    ),
  });
});
afterAll(async () => {
  await gateway.stop();
});

/**
 * Senders that sign nothing and send a static credential instead (GitLab's `X-Gitlab-Token`, Okta's
 * `Authorization`): the body is not covered, so their tamper test alters the credential instead.
 */
const TOKEN_ONLY: ReadonlySet<string> = new Set(['gitlab', 'okta']);

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The provider's default sample, signed by its module (with `secret`, default its development signing secret). */
function signedSample(provider: WebhookProvider<unknown>, init: { secret?: string; atSeconds?: number } = {}): { unsigned: OutgoingRequest; signed: OutgoingRequest } {
  const { secret, signingSecret = secret } = provider.development;
  const context = { url: `${gateway.url}/webhooks/${provider.name}`, nowSeconds: init.atSeconds ?? nowSeconds() };
  const type = provider.samples.defaultType;
  const unsigned = provider.samples.request(provider.samples.types[type]!(context), type, context);
  const signed = provider.sign(unsigned, { secret: init.secret ?? signingSecret, nowSeconds: context.nowSeconds, options: provider.parseOptions(undefined) });
  return { unsigned, signed };
}

function send(request: OutgoingRequest, changes: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(request.url, {
    method: request.method,
    headers: changes.headers ?? request.headers,
    ...(request.method === 'GET' ? {} : { body: changes.body ?? request.body }),
  });
}

/** Changes one character inside the body, from `from` on, without breaking its syntax (a digit or a letter). */
function alterOneCharacter(body: string, from = 0): string {
  const index = from + body.slice(from).search(/[0-9a-zA-Z]/);
  const original = body[index]!;
  const replacement = /[0-9]/.test(original) ? String((Number(original) + 1) % 10) : original === 'a' ? 'b' : 'a';
  return body.slice(0, index) + replacement + body.slice(index + 1);
}

/**
 * The secret with one character near its middle changed within its alphabet (a digit stays a
 * digit, a hex letter a hex letter): still a well-formed secret of the same shape, but another one.
 */
function wrongSecretLike(secret: string): string {
  let index = Math.floor(secret.length / 2);
  while (!/[0-9A-Za-z]/.test(secret[index]!)) index++;
  const original = secret[index]!;
  const swapped = /[0-9]/.test(original)
    ? String((Number(original) + 1) % 10)
    : /[a-f]/.test(original)
      ? (original === 'a' ? 'b' : 'a')
      : /[A-F]/.test(original)
        ? (original === 'A' ? 'B' : 'A')
        : original === 'x'
          ? 'y'
          : 'x';
  return secret.slice(0, index) + swapped + secret.slice(index + 1);
}

/** Ids of the events an answer names: `eventIds` or `eventId`, when the answer is JSON. */
async function answeredIds(response: Response): Promise<string[]> {
  return idsIn(await response.text());
}

function idsIn(text: string): string[] {
  try {
    const answer = JSON.parse(text) as { eventId?: string; eventIds?: string[] };
    return answer.eventIds ?? (answer.eventId ? [answer.eventId] : []);
  } catch {
    return [];
  }
}

/**
 * Waits until each of `ids` was published on this route — or, for senders whose answer names no
 * event id (Discord, Adyen), until nothing more can be published.
 */
async function publishedOrSettled(route: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return gateway.settled(30_000);
  await waitFor(`the publication of ${ids.join(', ')} on ${route}`, () => {
    const published = new Set(
      gateway.published
        .list()
        .filter((entry) => entry.attributes['source'] === route)
        .map((entry) => (entry.message as { id?: string }).id),
    );
    return ids.every((id) => published.has(id)) ? true : undefined;
  }, { timeoutMs: 30_000, intervalMs: 10 });
}

/**
 * Where a one-character change of the body must break the signature, for senders that do not sign
 * the whole body: just after this pattern (Adyen signs eight fields of each item, `pspReference` among
 * them). Others: anywhere.
 */
const SIGNED_BODY_PART: Readonly<Record<string, RegExp>> = {
  adyen: /"pspReference":"/,
};

const accepted = new Map<string, string[]>();

describe.each(providerNames)('Provider %s through the local gateway', (name) => {
  const provider = () => findProvider(name)!;

  it('accepts a request signed as its sender signs it with the second configured secret (rotation)', async () => {
    // Act
    const response = await send(signedSample(provider()).signed);

    // Assess
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    accepted.set(name, await answeredIds(response));
  });

  it('answers a repeat of the same request as replayed, with the same status and body', async () => {
    // Prepare
    const { signed } = signedSample(provider());
    const first = await send(signed);
    const firstBody = await first.text();
    // Published first: a repeat that arrives while the event is still in flight may be answered 409.
    await publishedOrSettled(name, idsIn(firstBody));

    // Act
    const repeat = await send(signed);

    // Assess
    expect({ status: repeat.status, replayed: repeat.headers.get('idempotent-replayed'), body: await repeat.text() }).toEqual({
      status: first.status,
      replayed: 'true',
      body: firstBody,
    });
  });

  it('refuses the request with one character of what is signed altered (the body, or a static credential): 401', async () => {
    const { unsigned, signed } = signedSample(provider());
    const body = String(signed.body);
    const credentials = Object.keys(signed.headers).filter((header) => unsigned.headers[header] !== signed.headers[header]);
    const match = SIGNED_BODY_PART[name]?.exec(body);
    const response = TOKEN_ONLY.has(name)
      ? await send(signed, { headers: { ...signed.headers, ...Object.fromEntries(credentials.map((header) => [header, alterOneCharacter(signed.headers[header]!)])) } })
      : await send(signed, { body: alterOneCharacter(body, match ? match.index + match[0].length : 0) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.any(String), code: expect.stringMatching(/SIGNATURE|TIMESTAMP/) });
  });

  it('refuses a request signed with a wrong secret: 401', async () => {
    const { development } = provider();
    // Public-key senders: a wrong private key is covered by the provider's own tests.
    if (development.signingSecret !== undefined) return;
    const response = await send(signedSample(provider(), { secret: wrongSecretLike(development.secret) }).signed);
    expect(response.status).toBe(401);
  });

  it('refuses the request without the headers its signing added: 401', async () => {
    // Prepare
    const { unsigned, signed } = signedSample(provider());
    const added = Object.keys(signed.headers).filter((header) => !(header in unsigned.headers));
    // Senders that sign inside the body add no header: covered by the provider's own tests.
    if (added.length === 0) return;
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([header]) => !added.includes(header)));

    // Act
    const response = await send(signed, { headers });

    // Assess
    expect(response.status).toBe(401);
  });

  it('refuses a signed timestamp just outside the tolerance, and accepts one just inside', async () => {
    const tolerance = provider().defaultToleranceSeconds;
    // Senders that sign no timestamp (with their default options): signing later changes nothing.
    const { unsigned } = signedSample(provider());
    const { secret, signingSecret = secret } = provider().development;
    const at = (seconds: number) => JSON.stringify(provider().sign(unsigned, { secret: signingSecret, nowSeconds: seconds, options: provider().parseOptions(undefined) }));
    if (tolerance === 0 || at(nowSeconds()) === at(nowSeconds() - 1000)) return;
    const outside = await send(signedSample(provider(), { atSeconds: nowSeconds() - tolerance - 10 }).signed);
    const inside = await send(signedSample(provider(), { atSeconds: nowSeconds() - Math.max(0, tolerance - 10) }).signed);
    expect({ outside: outside.status, inside: inside.status < 300 }).toEqual({ outside: 401, inside: true });
  });
});

describe('Publication', () => {
  it('published every accepted event exactly once, with provider and source attributes, once nothing more can be published', async () => {
    // Act
    await gateway.settled(30_000);

    // Assess
    const published = gateway.published.list();
    for (const [name, ids] of accepted) {
      for (const id of ids) {
        const copies = published.filter((entry) => (entry.message as { id?: string; source?: string }).id === id && entry.attributes['source'] === name);
        expect({ name, id, copies: copies.length, provider: copies[0]?.attributes['provider'] }).toEqual({ name, id, copies: 1, provider: name });
      }
    }
  });
});
