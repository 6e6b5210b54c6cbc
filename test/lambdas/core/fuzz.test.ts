import fc from 'fast-check';
import { WebhookError, type WebhookErrorCode } from '../../../lambdas/core/errors';
import { methodsOf, receivedRequest, type VerifiedWebhook, type WebhookProvider } from '../../../lambdas/core/provider';
import { findProvider, providerNames, type ProviderName } from '../../../lambdas/core/registry';
import { queryOf, type WebhookRequest } from '../../../lambdas/core/request';
import { checkWebhook, verifyWebhook } from '../../../lambdas/core/verify-webhook';
import { NOW } from '../../fixtures/request';
import { SENDGRID_KEYS } from '../../fixtures/sendgrid';
import { STANDARD_PUBLIC_KEY, STANDARD_SECRET } from '../../fixtures/standard';

/** Codes a provider may refuse with: all map to 4xx (sender-controlled input never yields 5xx). */
const PROVIDER_CODES: readonly WebhookErrorCode[] = [
  'MISSING_SIGNATURE',
  'MALFORMED_SIGNATURE',
  'INVALID_SIGNATURE',
  'TIMESTAMP_OUT_OF_TOLERANCE',
  'INVALID_PAYLOAD',
];
const MAX_BODY_BYTES = 4096;
const RUNS = 300;
const SIGNED_RUNS = 150;
const SECRET = 'fuzz-secret';
const URL = 'https://hooks.example.com/webhooks/fuzz?x=1';

const KNOWN_HEADERS = [
  'stripe-signature', 'x-hub-signature-256', 'x-hub-signature', 'x-github-delivery', 'x-github-event',
  'x-shopify-hmac-sha256', 'x-shopify-topic', 'x-shopify-webhook-id', 'x-shopify-event-id',
  'x-slack-signature', 'x-slack-request-timestamp',
  'x-twilio-signature', 'x-twilio-webhooks-signature-settings', 'i-twilio-idempotency-token',
  'x-twilio-email-event-webhook-signature', 'x-twilio-email-event-webhook-timestamp',
  'webhook-id', 'webhook-timestamp', 'webhook-signature', 'svix-id', 'svix-timestamp', 'svix-signature',
  'x-signature', 'x-timestamp', 'x-delivery-id', 'x-event-type', 'authorization',
  'x-gitlab-token', 'x-gitlab-event', 'x-gitlab-event-uuid', 'idempotency-key',
  'x-pagerduty-signature', 'typeform-signature', 'sentry-hook-signature', 'sentry-hook-resource', 'request-id',
  'x-signature', 'x-timestamp', 'x-delivery-id', 'x-event-type',
  'paddle-signature', 'linear-signature', 'linear-delivery', 'x-square-hmacsha256-signature', 'x-square-signature',
  'x-hubspot-signature-v3', 'x-hubspot-request-timestamp', 'x-hubspot-signature', 'workos-signature',
  'x-razorpay-signature', 'x-razorpay-event-id', 'box-signature-primary', 'box-signature-secondary',
  'box-delivery-timestamp', 'box-signature-version', 'box-signature-algorithm',
  'x-signature-ed25519', 'x-signature-timestamp', 'x-zm-signature', 'x-zm-request-timestamp',
  'authorization', 'x-okta-verification-challenge',
  'twitch-eventsub-message-id', 'twitch-eventsub-message-timestamp', 'twitch-eventsub-message-signature', 'twitch-eventsub-message-type',
];

/** Option sets the generic route is fuzzed under (the others take none). */
const GENERIC_OPTIONS = [
  {},
  { algorithm: 'sha1', encoding: 'base64', signaturePrefix: 'sha1=' },
  { signedContent: '{id}.{timestamp}.{body}', timestampHeader: 'x-timestamp', idHeader: 'x-delivery-id', typeField: 'a.b' },
  { signaturePrefix: 'v1,', encoding: 'base64', typeHeader: 'x-event-type', payloadFormat: 'text' },
  {
    signatureHeader: 'webhook-signature', signatureDelimiter: 'space', versionTags: ['v1,', 'v1a,'], encoding: 'base64', secretEncoding: 'base64',
    idHeader: 'webhook-id', timestampHeader: 'webhook-timestamp', signedContent: '{id}.{timestamp}.{body}',
  },
  {
    signatureHeader: 'stripe-signature', versionTags: ['v1='], timestampTag: 't=', timestampUnit: 'milliseconds',
    signedContent: '{timestamp}.{method}.{url}.{body}', encoding: 'base64url', secretEncoding: 'hex',
  },
  { signatureDelimiter: 'none', signaturePrefix: 'sha512=', algorithm: 'sha512', timestampHeader: 'x-timestamp', signedContent: '{timestamp}{body}' },
  { auth: 'token', tokenHeader: 'x-signature', tokenPrefix: 'v1=', idHeader: 'x-delivery-id' },
  { auth: 'basic', typeHeader: 'x-event-type', payloadFormat: 'text' },
];

const hex = fc.stringMatching(/^[0-9a-fA-F]{0,140}$/);
const scheme = fc.constantFrom('t=', 'v1=', 'v0=', 'sha256=', 'sha1=', 'v1,', 'v1a,', 'v2,', 'key=k,algorithm=', 'ts=', 'h1=', '');
const big = fc
  .tuple(fc.constantFrom('a', '=', ',', ' ', 'v1,', '😀', 'sha256=', '\u0000', 'A/+'), fc.integer({ min: 9000, max: 10240 }))
  .map(([unit, length]) => unit.repeat(length).slice(0, 10240));
const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constant(''),
  fc.base64String({ maxLength: 200 }),
  fc.tuple(scheme, fc.oneof(hex, fc.base64String({ maxLength: 120 }), fc.string())).map(([a, b]) => a + b),
  fc
    .tuple(fc.array(fc.tuple(scheme, fc.oneof(hex, fc.base64String({ maxLength: 100 }))).map(([a, b]) => a + b), { maxLength: 20 }), fc.constantFrom(',', ' ', ', '))
    .map(([parts, separator]) => parts.join(separator)),
  fc.oneof(fc.integer(), fc.constant(NOW), fc.integer({ min: NOW - 400, max: NOW + 400 })).map(String),
  big,
);
const headers = fc.dictionary(
  fc.oneof(fc.constantFrom(...KNOWN_HEADERS), fc.string({ minLength: 1, maxLength: 20 }).map((name) => name.toLowerCase())),
  fc.array(headerValue, { maxLength: 3 }),
  { maxKeys: 14, noNullPrototype: false },
);
const body = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 512 }).map((text) => Buffer.from(text, 'utf8')),
  fc.json({ maxDepth: 3 }).map((json) => Buffer.from(json, 'utf8')),
  fc.base64String({ maxLength: 300 }).map((text) => Buffer.from(`${text}!*%`, 'utf8')),
  fc.array(fc.record({ sg_event_id: fc.oneof(fc.string(), fc.integer()), event: fc.string() }), { maxLength: 4 }).map((events) => Buffer.from(JSON.stringify(events))),
  fc
    .array(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'valueOf', 'MessageStatus', 'CallStatus', 'EventType', 'a'), fc.string()), { maxLength: 5 })
    .map((pairs) => Buffer.from(new URLSearchParams(pairs).toString())),
  fc.constant(Buffer.alloc(MAX_BODY_BYTES + 1, 0x7b)),
  // Shaped like the senders that sign inside the body (Adyen's items), so their signed paths are reached.
  fc
    .array(
      fc.record({
        NotificationRequestItem: fc.oneof(
          fc.object({ maxDepth: 2 }),
          fc.record(
            {
              pspReference: fc.oneof(fc.string(), fc.integer()),
              eventCode: fc.oneof(fc.string(), fc.constant({})),
              success: fc.oneof(fc.constant('true'), fc.boolean()),
              amount: fc.record({ value: fc.oneof(fc.integer(), fc.double()), currency: fc.string() }, { requiredKeys: [] }),
              additionalData: fc.oneof(fc.string(), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 })),
            },
            { requiredKeys: [] },
          ),
        ),
      }),
      { maxLength: 3 },
    )
    .map((items) => Buffer.from(JSON.stringify({ live: 'false', notificationItems: items }))),
);
const secret = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.base64String({ maxLength: 60 }).map((key) => `whsec_${key}`),
  fc.base64String({ maxLength: 60 }).map((key) => `whpk_${key}`),
  fc.constantFrom(STANDARD_SECRET, STANDARD_PUBLIC_KEY, SENDGRID_KEYS.publicKeyBase64, SENDGRID_KEYS.publicKeyPem, '-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----', ''),
);
const url = fc.oneof(fc.constant(URL), fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), fc.constant(`${URL}&bodySHA256=${'0'.repeat(64)}`));
const nowSeconds = fc.oneof(fc.constant(NOW), fc.integer({ min: 0, max: 2 ** 40 }));

function optionsFor(name: ProviderName, index: number): unknown {
  return name === 'generic' ? GENERIC_OPTIONS[index % GENERIC_OPTIONS.length] : undefined;
}

/** The invariant: either a well-formed result or a WebhookError with a 4xx code, nothing else. */
function expectWellBehaved(act: () => VerifiedWebhook | WebhookError, secretsCount: number, allowed: readonly WebhookErrorCode[]): void {
  let result: VerifiedWebhook | WebhookError;
  try {
    result = act();
  } catch (error) {
    result = error as WebhookError;
    if (!(error instanceof WebhookError)) throw error;
  }
  // A provider may return its refusal (the signature mismatch) instead of throwing it.
  if (result instanceof WebhookError) {
    expect(allowed).toContain(result.code);
    expect(result.details['unexpected']).toBeUndefined();
    return;
  }
  expect(Number.isInteger(result.secretIndex) && result.secretIndex >= 0 && result.secretIndex < secretsCount).toBe(true);
  for (const event of result.events) {
    expect(typeof event.id === 'string' && event.id.length > 0).toBe(true);
    expect(typeof event.type === 'string' && event.type.length > 0).toBe(true);
  }
  // A reply is a handshake (no events) or the sender's expected answer to accepted events (Discord).
  if (result.reply) expect(result.reply.statusCode).toBe(200);
}

/** Checks the provider directly (it must throw nothing but WebhookError) and through verifyWebhook. */
function run(
  provider: WebhookProvider<unknown>,
  request: WebhookRequest,
  secrets: readonly string[],
  now: number,
  rawOptions: unknown,
  allowed: readonly WebhookErrorCode[] = PROVIDER_CODES,
  verifyTokens: readonly string[] = [],
): void {
  const options = provider.parseOptions(rawOptions);
  expectWellBehaved(
    () => provider.verify(request, { secrets, verifyTokens, nowSeconds: now, toleranceSeconds: provider.defaultToleranceSeconds, options }),
    secrets.length,
    allowed,
  );
  expectWellBehaved(
    () => verifyWebhook(provider, request, { secrets, verifyTokens, nowSeconds: now, maxBodyBytes: MAX_BODY_BYTES, options }),
    secrets.length,
    [...allowed, 'PAYLOAD_TOO_LARGE'],
  );
}

// --- Signed by each module's own `sign` (checked against the senders' SDKs in each provider's
// test), so the post-verification paths are fuzzed too.

function signedWith(provider: WebhookProvider<unknown>, raw: Buffer): { request: WebhookRequest; secrets: string[] } | undefined {
  const { secret, signingSecret = secret } = provider.development;
  let sent;
  try {
    sent = provider.sign({ method: 'POST', url: URL, headers: {}, body: raw }, { secret: signingSecret, nowSeconds: NOW, options: provider.parseOptions(undefined) });
  } catch {
    // A scheme that signs inside the body cannot sign a body without room for its signature (Adyen's items).
    return undefined;
  }
  return { request: receivedRequest(sent, provider.name), secrets: [secret] };
}

// --- GET: the endpoint-verification challenges of the providers that declare GET (Meta).

const VERIFY_TOKEN = 'fuzz-verify-token';
const queryValue = fc.oneof(fc.string(), fc.constantFrom('subscribe', VERIFY_TOKEN, '1158201444', ''), fc.string({ unit: 'binary', maxLength: 300 }));
const query = fc.dictionary(fc.oneof(fc.constantFrom('hub.mode', 'hub.verify_token', 'hub.challenge'), fc.string({ maxLength: 12 })), fc.array(queryValue, { minLength: 1, maxLength: 3 }), {
  maxKeys: 5,
  noNullPrototype: false,
});
const verifyTokens = fc.array(fc.oneof(fc.constant(VERIFY_TOKEN), fc.string()), { maxLength: 3 });
const providersWithGet = providerNames.filter((name) => methodsOf(findProvider(name)!).includes('GET'));

describe('Property: every registered provider is total over sender-controlled input', () => {
  it.each(providerNames.map((name) => ({ name })))(
    '$name returns or throws a 4xx WebhookError for arbitrary headers, bodies, secrets and URLs',
    ({ name }) => {
      // Prepare
      const provider = findProvider(name)!;

      // Act & Assess
      fc.assert(
        // Every method the route answers: GET too where the sender verifies its endpoint with one (Meta, Okta).
        fc.property(fc.constantFrom(...methodsOf(provider)), headers, body, fc.array(secret, { minLength: 1, maxLength: 3 }), url, nowSeconds, fc.nat(), (method, h, raw, secrets, u, now, optionIndex) => {
          // A GET is a verification handshake: a wrong or missing verify token is VERIFICATION_FAILED.
          const allowed: readonly WebhookErrorCode[] = method === 'GET' ? [...PROVIDER_CODES, 'VERIFICATION_FAILED'] : PROVIDER_CODES;
          run(provider, { route: name, method, headers: h, rawBody: raw, url: u, query: queryOf(u) }, secrets, now, optionsFor(name, optionIndex), allowed);
        }),
        { numRuns: RUNS },
      );
    },
  );

  it.each(providersWithGet.map((name) => ({ name })))(
    '$name answers an arbitrary GET with a handshake reply or a 4xx WebhookError (VERIFICATION_FAILED for a wrong verify token)',
    ({ name }) => {
      // Prepare
      const provider = findProvider(name)!;

      // Act & Assess
      fc.assert(
        fc.property(query, verifyTokens, headers, (parameters, tokens, h) => {
          const search = new URLSearchParams();
          for (const [key, values] of Object.entries(parameters)) for (const value of values) search.append(key, value);
          const u = `${URL}&${search}`;
          run(provider, { route: name, method: 'GET', headers: h, rawBody: Buffer.alloc(0), url: u, query: queryOf(u) }, [SECRET], NOW, undefined, [...PROVIDER_CODES, 'VERIFICATION_FAILED'], tokens);
        }),
        { numRuns: RUNS },
      );
    },
  );

  it.each(providerNames.map((name) => ({ name })))(
    '$name accepts arbitrary validly signed bodies or refuses them only as INVALID_PAYLOAD',
    ({ name }) => {
      // Prepare
      const provider = findProvider(name)!;

      // Act & Assess
      fc.assert(
        fc.property(body, headers, (raw, extra) => {
          // Unsigned headers that legitimately change the verdict: the one that selects the scheme
          // (Twilio's SharedKey algorithm), and signature headers the sender did not set (Box's
          // secondary, GitHub's SHA-1, …): each is a candidate, and a flood of them is refused as
          // MALFORMED_SIGNATURE before any is tried (the unsigned property above covers that).
          for (const name of Object.keys(extra)) if (name.includes('signature')) delete extra[name];
          const signedRequest = signedWith(provider, raw);
          fc.pre(signedRequest !== undefined);
          const { request: signed, secrets } = signedRequest;
          const request: WebhookRequest = { ...signed, headers: { ...extra, ...signed.headers } };
          run(provider, request, secrets, NOW, undefined, ['INVALID_PAYLOAD']);
        }),
        { numRuns: SIGNED_RUNS },
      );
    },
  );
});

// --- Refusals are logged with their details (the verifier spreads them into its log line): they
// may say how many and which fixed thing, never repeat text the sender chose.

/** Text no provider writes itself: found in a refusal's details, it came from the request. Short enough to survive a slice. */
const MARKER = 'Zq7SenderText';
const MARKED_BODIES: ReadonlyArray<{ readonly label: string; readonly body: string }> = [
  {
    label: 'a JSON object with the marker in every usual field',
    body: JSON.stringify({
      id: MARKER, type: MARKER, event: MARKER, trigger: MARKER, event_id: MARKER, event_type: MARKER, eventType: MARKER, uuid: MARKER,
      object: MARKER, challenge: MARKER, action: MARKER, topic: MARKER, 'event-data': MARKER, signature: MARKER, entry: [MARKER],
      notificationItems: [MARKER], subscription: { id: MARKER, type: MARKER }, data: { object: MARKER, events: [MARKER] },
    }),
  },
  { label: 'a JSON array of marked items', body: JSON.stringify([MARKER, { event: MARKER, sg_event_id: MARKER, subscriptionType: MARKER, eventId: MARKER }]) },
  { label: 'form parameters', body: new URLSearchParams({ MessageStatus: MARKER, EventType: MARKER, MessageSid: MARKER }).toString() },
  { label: 'the marker alone (not JSON)', body: MARKER },
];
/** Every header a provider reads, set to the marker; a test removes the ones a signed request needs. */
const MARKED_HEADERS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(KNOWN_HEADERS.map((name) => [name, [MARKER]]));

describe('Property: a refusal\'s details carry no text the sender chose', () => {
  it.each(providerNames.map((name) => ({ name })))('$name refuses marked requests, signed or not, without the marker in the details', ({ name }) => {
    // Prepare
    const provider = findProvider(name)!;
    const options = provider.parseOptions(undefined);
    const markedUrl = `${URL}&hub.mode=${MARKER}&hub.verify_token=${MARKER}&hub.challenge=${MARKER}`;
    const requests: Array<{ label: string; request: WebhookRequest; secrets: readonly string[] }> = [];
    for (const { label, body: text } of MARKED_BODIES) {
      const rawBody = Buffer.from(text, 'utf8');
      for (const method of methodsOf(provider)) {
        requests.push({ label: `${method}, unsigned, ${label}`, request: { route: name, method, headers: MARKED_HEADERS, rawBody, url: markedUrl, query: queryOf(markedUrl) }, secrets: [SECRET] });
      }
      const signed = signedWith(provider, rawBody);
      if (signed === undefined) continue;
      // The signed request keeps its own signature headers; every other header carries the marker.
      const unsignedHeaders = Object.fromEntries(Object.entries(MARKED_HEADERS).filter(([header]) => !header.includes('signature')));
      requests.push({ label: `signed, ${label}`, request: { ...signed.request, headers: { ...unsignedHeaders, ...signed.request.headers } }, secrets: signed.secrets });
    }

    // Act
    const leaks = requests.flatMap(({ label, request, secrets }) => {
      const { refusal } = checkWebhook(provider, request, { secrets, verifyTokens: [SECRET], nowSeconds: NOW, maxBodyBytes: MAX_BODY_BYTES, options });
      const details = JSON.stringify(refusal?.details ?? {});
      return details.includes(MARKER) ? [`${label}: ${refusal?.code} ${details}`] : [];
    });

    // Assess
    expect(leaks).toEqual([]);
  });
});
