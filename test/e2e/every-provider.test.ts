import type { OutgoingRequest, WebhookProvider } from '../../lambdas/core/provider';
import { findProvider, providerNames } from '../../lambdas/core/registry';
import type { LocalHookrelay } from '../../local/hookrelay-local';
import { startTestGateway, waitForPublished } from '../helpers/local-hookrelay';

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
const NOW_AT_COLLECTION = nowSeconds();

/**
 * The provider's default sample, signed by its module (with `secret`, default its development signing
 * secret), posted to the gateway (or to `baseUrl`).
 */
function signedSample(
  provider: WebhookProvider<unknown>,
  init: { secret?: string; atSeconds?: number; baseUrl?: string } = {},
): { unsigned: OutgoingRequest; signed: OutgoingRequest } {
  const { secret, signingSecret = secret } = provider.development;
  const context = { url: `${init.baseUrl ?? gateway.url}/webhooks/${provider.name}`, nowSeconds: init.atSeconds ?? nowSeconds() };
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
  await waitForPublished(gateway, ids, { source: route, timeoutMs: 30_000 });
}

// Which providers each of the narrower tests applies to, decided from the modules before any test
// runs, so that a test exists only for the providers it exercises. The URL only has to be well formed:
// which headers signing adds, and whether it signs the clock, do not depend on it.
const SAMPLE_BASE_URL = 'http://127.0.0.1';

/** Senders that sign with a shared secret (a public-key sender's wrong private key is covered by its own tests). */
const SHARED_SECRET_SENDERS = providerNames.filter((name) => findProvider(name)!.development.signingSecret === undefined);

/** Senders whose signing adds headers (those that sign inside the body add none: covered by their own tests). */
const HEADER_SIGNERS = providerNames.filter((name) => {
  const { unsigned, signed } = signedSample(findProvider(name)!, { baseUrl: SAMPLE_BASE_URL });
  return Object.keys(signed.headers).some((header) => !(header in unsigned.headers));
});

/** Senders that sign a timestamp with their default options: signing at another time signs something else. */
const TIMESTAMP_SIGNERS = providerNames.filter((name) => {
  const provider = findProvider(name)!;
  if (provider.defaultToleranceSeconds === 0) return false;
  const { unsigned } = signedSample(provider, { baseUrl: SAMPLE_BASE_URL });
  const { secret, signingSecret = secret } = provider.development;
  const at = (seconds: number) => JSON.stringify(provider.sign(unsigned, { secret: signingSecret, nowSeconds: seconds, options: provider.parseOptions(undefined) }));
  return at(NOW_AT_COLLECTION) !== at(NOW_AT_COLLECTION - 1000);
});

/**
 * Where a one-character change of the body must break the signature, for senders that do not sign
 * the whole body: just after this pattern (Adyen signs eight fields of each item, `pspReference` among
 * them). Others: anywhere.
 */
const SIGNED_BODY_PART: Readonly<Record<string, RegExp>> = {
  adyen: /"pspReference":"/,
};

const accepted = new Map<string, string[]>();
/** Requests accepted with an answer that names no event (Discord, Adyen), by route. */
const acceptedWithoutIds = new Map<string, number>();
const countIfUnnamed = (route: string, ids: readonly string[]) => {
  if (ids.length === 0) acceptedWithoutIds.set(route, (acceptedWithoutIds.get(route) ?? 0) + 1);
};

describe.each(providerNames)('Provider %s through the local gateway', (name) => {
  const provider = () => findProvider(name)!;

  it('accepts a request signed as its sender signs it with the second configured secret (rotation)', async () => {
    // Act
    const response = await send(signedSample(provider()).signed);

    // Assess
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    accepted.set(name, await answeredIds(response));
    countIfUnnamed(name, accepted.get(name)!);
  });

  it('answers a repeat of the same request as replayed, with the same status and body', async () => {
    // Prepare
    const { signed } = signedSample(provider());
    const first = await send(signed);
    const firstBody = await first.text();
    countIfUnnamed(name, idsIn(firstBody));
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
});

describe('Providers that sign with a shared secret', () => {
  it.each(SHARED_SECRET_SENDERS)('%s: refuses a request signed with a wrong secret: 401', async (name) => {
    // Prepare
    const provider = findProvider(name)!;

    // Act
    const response = await send(signedSample(provider, { secret: wrongSecretLike(provider.development.secret) }).signed);

    // Assess
    expect(response.status).toBe(401);
  });
});

describe('Providers whose signing adds headers', () => {
  it.each(HEADER_SIGNERS)('%s: refuses the request without the headers its signing added: 401', async (name) => {
    // Prepare
    const { unsigned, signed } = signedSample(findProvider(name)!);
    const added = Object.keys(signed.headers).filter((header) => !(header in unsigned.headers));
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([header]) => !added.includes(header)));

    // Act
    const response = await send(signed, { headers });

    // Assess
    expect(added).not.toEqual([]);
    expect(response.status).toBe(401);
  });
});

describe('Providers that sign a timestamp', () => {
  it.each(TIMESTAMP_SIGNERS)('%s: refuses a signed timestamp just outside the tolerance, and accepts one just inside', async (name) => {
    // Prepare
    const provider = findProvider(name)!;
    const tolerance = provider.defaultToleranceSeconds;

    // Act
    const outside = await send(signedSample(provider, { atSeconds: nowSeconds() - tolerance - 10 }).signed);
    const inside = await send(signedSample(provider, { atSeconds: nowSeconds() - Math.max(0, tolerance - 10) }).signed);

    // Assess
    expect(outside.status).toBe(401);
    expect(inside.status).toBeGreaterThanOrEqual(200);
    expect(inside.status).toBeLessThan(300);
  });
});

describe('Publication', () => {
  it('published every accepted event exactly once, with provider and source attributes, once nothing more can be published', async () => {
    // Act
    await gateway.settled(30_000);

    // Assess: every provider's first request was accepted and recorded
    expect([...accepted.keys()].sort()).toEqual([...providerNames].sort());
    const published = gateway.published.list();
    const idsOn = (route: string) => published.filter((entry) => entry.attributes['source'] === route).map((entry) => (entry.message as { id: string }).id);
    for (const [name, ids] of accepted) {
      for (const id of ids) {
        const copies = published.filter((entry) => (entry.message as { id?: string; source?: string }).id === id && entry.attributes['source'] === name);
        expect({ name, id, copies: copies.length, provider: copies[0]?.attributes['provider'] }).toEqual({ name, id, copies: 1, provider: name });
      }
    }
    // Senders whose answer names no event (Discord, Adyen): at least one event per accepted request
    // (each sample has fresh ids) on their route, and none twice
    expect([...acceptedWithoutIds.keys()].sort()).toEqual([...accepted].filter(([, ids]) => ids.length === 0).map(([name]) => name).sort());
    for (const [name, requests] of acceptedWithoutIds) {
      const ids = idsOn(name);
      expect(ids.length).toBeGreaterThanOrEqual(requests);
      expect({ name, duplicates: ids.filter((id, index) => ids.indexOf(id) !== index) }).toEqual({ name, duplicates: [] });
    }
  });
});
