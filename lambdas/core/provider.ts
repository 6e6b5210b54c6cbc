import { isUtf8 } from 'node:buffer';
import { sha256Hex } from './crypto';
import { WebhookError } from './errors';
import { headerValues, normaliseHeaders, queryOf, type WebhookRequest } from './request';

/** One event to enqueue: the unit of deduplication and of publication. */
export interface WebhookEvent {
  /** The provider's own event/delivery id, published as the envelope `id`. */
  readonly id: string;
  /** The provider's event type, published as the SNS attribute `eventType`. */
  readonly type: string;
  /** The parsed payload (JSON value, or the form parameters for form-encoded senders). */
  readonly payload: unknown;
  /**
   * The payload as it is published: for JSON senders the exact text the sender signed (the whole
   * body, or this item's slice of it), so key order, number digits and escapes arrive as sent.
   */
  readonly payloadJson: string;
  /**
   * Set when the signature covers neither the event id nor a timestamp (GitHub, Shopify, Twilio):
   * a fingerprint of the signed content and the event type. Deduplication uses it instead of `id`,
   * so the same signed request sent again with fresh unsigned ids is still recognised as a repeat,
   * while the same content under another event type (Shopify sends one order as `orders/create`
   * and `orders/updated`) stays a different event.
   */
  readonly contentKey?: string;
}

/**
 * An answer the sender expects instead of the usual acknowledgement (a handshake: nothing is
 * enqueued) or together with it (a synchronous reply to an event that is also enqueued, such as
 * Discord's deferred response). A reply is a function of the verified request alone, so a repeat of
 * the same event gets the same reply.
 */
export interface DirectReply {
  readonly statusCode: number;
  /** @default 'application/json', and `body` is serialised as JSON */
  readonly contentType?: string;
  /** A JSON value for `application/json`; otherwise the exact text to send. */
  readonly body: unknown;
}

export interface VerifiedWebhook {
  /** Events to enqueue, usually one; a batch sender (SendGrid) yields one per item. */
  readonly events: readonly WebhookEvent[];
  /**
   * With no events: a handshake, answered directly (Slack `url_verification`). With events: the
   * answer once they are accepted, instead of `{ received, eventId }`.
   */
  readonly reply?: DirectReply;
  /** Index of the secret that matched, for rotation diagnostics. Never the secret itself. */
  readonly secretIndex: number;
  /**
   * Set by schemes whose signature covers a one-time value but not the events (Mailgun signs a
   * timestamp and a random token, not the event data). The verifier records `signed` with `content`
   * the first time it sees it, and refuses the same signed value with other content
   * (INVALID_SIGNATURE): one signature yields at most one set of events, an exact repeat of the
   * request is answered as a repeat, and a retry the sender signs afresh is deduplicated on the
   * event id as usual.
   */
  readonly signatureBinding?: SignatureBinding;
}

export interface SignatureBinding {
  /** A digest of the signed one-time value (bounded length, safe as a key). */
  readonly signed: string;
  /** A digest of the whole request content it arrived with. */
  readonly content: string;
}

export interface VerifyContext<TOptions = undefined> {
  /** Active secrets, newest first; any match passes (zero-downtime rotation). */
  readonly secrets: readonly string[];
  /**
   * A second credential some senders use to verify an endpoint (Meta's verify token), newest
   * first. Empty for the rest.
   */
  readonly verifyTokens: readonly string[];
  /** Current time in whole seconds since the epoch. The core never reads the clock itself. */
  readonly nowSeconds: number;
  /** Maximum allowed skew of a signed timestamp, in either direction. */
  readonly toleranceSeconds: number;
  /** Provider-specific options, already validated by the provider's `parseOptions`. */
  readonly options: TOptions;
}

// ---------------------------------------------------------------------------------------------
// The sender's side of a scheme: signing, samples, development secrets and documentation facts.
// They live in the provider's module so a scheme is written once; `npm run send`, the tests'
// fixtures, the fuzz test, the bench and docs/providers.md are derived from them.

/** A request as the sender sends it: before signing (a sample) or after. */
export interface OutgoingRequest {
  readonly method: HttpMethod;
  /** The exact URL posted to, query included. */
  readonly url: string;
  /** Header names as the sender spells them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body bytes (a string is sent as UTF-8). */
  readonly body: string | Buffer;
}

export interface SignContext<TOptions = undefined> {
  /**
   * The sender's signing secret. For public-key schemes this is the sender's private key, and the
   * receiver is configured with the public one.
   */
  readonly secret: string;
  /** Seconds since the epoch: the timestamp to sign, for schemes that sign one. */
  readonly nowSeconds: number;
  /** The route's options, as `parseOptions` returns them. */
  readonly options: TOptions;
}

export interface SampleContext {
  /** Where the sample is posted: URL-signing schemes sign it. */
  readonly url: string;
  readonly nowSeconds: number;
}

/**
 * Realistic sample events for `npm run send`, with fresh ids and timestamps on every call, so
 * repeated sends are never deduplicated.
 */
export interface ProviderSamples {
  readonly defaultType: string;
  /** The body of a sample of each type. */
  readonly types: Readonly<Record<string, (context: SampleContext) => string>>;
  /**
   * The unsigned request the sender posts with `body` as an event of `type`: method, content type
   * and the headers that carry the id and type. Also used for a body of the user's own
   * (`npm run send -- <route> <type> --file payload.json`).
   */
  request(body: string, type: string, context: SampleContext): OutgoingRequest;
}

/** Secrets the local gateway uses when none is configured. Development only: they protect nothing. */
export interface DevelopmentSecrets {
  /** What the receiver is configured with (for public-key schemes, the public key). */
  readonly secret: string;
  /** What the sender signs with, when it differs from `secret` (a private key). @default secret */
  readonly signingSecret?: string;
  /** The second credential, for senders that have one (`WEBHOOK_VERIFY_TOKEN_<ROUTE>`). */
  readonly verifyToken?: string;
}

/** Facts about a scheme for docs/providers.md and the README, in Markdown. */
export interface ProviderDocs {
  /** The sender's name, e.g. `Stripe`. */
  readonly title: string;
  /** Signature header(s), e.g. `` `Stripe-Signature: t=…,v1=<hex>` ``. */
  readonly signatureHeaders: string;
  /** Algorithm and signed content, e.g. `HMAC-SHA256 of {t}.{body}`. */
  readonly signedContent: string;
  /** Where the timestamp is and its tolerance, or `none`. */
  readonly timestamp: string;
  readonly eventId: string;
  readonly eventType: string;
  /** Shape of the secret the route is configured with. */
  readonly secret: string;
  /** Where to find that secret in the sender's dashboard. */
  readonly secretLocation: string;
  /** What the signature does not cover, and what that means for subscribers. */
  readonly notSigned: string;
  /** How a replay of a captured request is recognised. */
  readonly replayProtection: string;
  /** Handshakes and synchronous replies, if any. */
  readonly replies?: string;
  /** The sender's official package the tests check `sign` and `verify` against, if one exists. */
  readonly oracle?: string;
  /** Further notes, one paragraph each. */
  readonly notes?: readonly string[];
}

export type HttpMethod = 'GET' | 'POST';

/**
 * A sender's signature scheme, whole: how to verify it (pure: no I/O, no clock, no environment;
 * every refusal is a `WebhookError`), how to sign like the sender, samples, development secrets and
 * documentation facts. One module per provider in `providers/`, one line in `registry.ts`.
 */
export interface WebhookProvider<TOptions = undefined> {
  /** Provider name: the default route (`/webhooks/{name}`) and the envelope's `provider`. */
  readonly name: string;
  /** Methods the sender uses. GET serves endpoint-verification challenges. @default ['POST'] */
  readonly methods?: readonly HttpMethod[];
  /** Timestamp tolerance the provider's own SDK uses, in seconds (0: no timestamp is signed). */
  readonly defaultToleranceSeconds: number;
  /**
   * Largest body accepted when the route sets no limit: what the sender really sends, with room.
   * Checked before any other work, so a forged request costs at most a hash of this many bytes.
   */
  readonly defaultMaxBodyBytes: number;
  /** Validates provider-specific options from configuration; throws with a readable message. */
  parseOptions(raw: unknown): TOptions;
  /**
   * Verifies a request. Refusals are WebhookErrors, thrown; the signature mismatch is returned
   * instead (`signatureMismatch`), as it is the refusal every forged request gets.
   */
  verify(request: WebhookRequest, context: VerifyContext<TOptions>): VerifiedWebhook | WebhookError;
  /** Signs `request` exactly as the sender does: returns what the sender sends. */
  sign(request: OutgoingRequest, context: SignContext<TOptions>): OutgoingRequest;
  readonly samples: ProviderSamples;
  readonly development: DevelopmentSecrets;
  readonly docs: ProviderDocs;
}

/** The methods a provider's routes answer. */
export function methodsOf(provider: Pick<WebhookProvider<unknown>, 'methods'>): readonly HttpMethod[] {
  return provider.methods ?? ['POST'];
}

/** A JSON POST with the given headers: the usual shape of `ProviderSamples.request`. */
export function jsonPost(body: string, context: SampleContext, headers: Record<string, string> = {}): OutgoingRequest {
  return { method: 'POST', url: context.url, headers: { 'Content-Type': 'application/json', ...headers }, body };
}

/** The body as bytes. */
export function bodyBytes(request: Pick<OutgoingRequest, 'body'>): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
}

/** A header of an outgoing request, its name matched case-insensitively. */
export function sentHeader(request: Pick<OutgoingRequest, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * What the verifier receives when `request` is sent to `route`: headers lower-cased, the URL and its
 * decoded query as an adapter that knows the exact URL hands them over. For tests, tools and the bench.
 */
export function receivedRequest(request: OutgoingRequest, route: string): WebhookRequest {
  return {
    route,
    method: request.method,
    headers: normaliseHeaders(request.headers),
    rawBody: bodyBytes(request),
    url: request.url,
    query: queryOf(request.url),
  };
}

/** `request` with `headers` added (or replaced). */
export function withSentHeaders(request: OutgoingRequest, headers: Record<string, string>): OutgoingRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

// ---------------------------------------------------------------------------------------------
// Building blocks shared by provider modules.

/**
 * Most signature candidates compared per request. Legitimate senders send one or two (rotation);
 * comparing a candidate with a computed MAC costs nanoseconds, computing the MAC is the work.
 */
export const MAX_SIGNATURE_CANDIDATES = 16;

/**
 * Most distinct signed messages hashed per secret (Stripe: one per distinct `t` of repeated
 * `Stripe-Signature` values). With this bound a forged request costs at most this many HMACs of
 * the body per configured secret, against one for a genuine request.
 */
export const MAX_SIGNED_MESSAGES = 2;

/**
 * Most public-key signatures verified per secret (SendGrid ECDSA, Standard Webhooks Ed25519): each
 * verification costs 50–150 µs, so a header of sixteen candidates would cost sixteen of them.
 */
export const MAX_PUBLIC_KEY_SIGNATURES = 2;

/** Default body limit of most providers: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The first non-empty value of a header the sender always includes, or MISSING_SIGNATURE.
 * `name` is the header's canonical spelling, used in the message; lookup is case-insensitive.
 */
export function requireHeader(request: Pick<WebhookRequest, 'headers'>, name: string): string {
  const value = headerValues(request, name).find((v) => v.trim() !== '');
  if (value === undefined) throw new WebhookError('MISSING_SIGNATURE', `${name} header is missing`);
  return value.trim();
}

/**
 * Every entry of a signature header: all of its values (a repeated header), each split on
 * `separator` (API Gateway HTTP APIs join repeated headers with ","; null = no split), trimmed,
 * empties dropped.
 * Throws MISSING_SIGNATURE when there is none and MALFORMED_SIGNATURE when there are more than
 * MAX_SIGNATURE_CANDIDATES.
 */
export function signatureHeaderEntries(
  request: Pick<WebhookRequest, 'headers'>,
  name: string,
  separator: string | RegExp | null = ',',
): string[] {
  const entries: string[] = [];
  for (const value of headerValues(request, name)) {
    for (const part of separator === null ? [value] : value.split(separator)) {
      const entry = part.trim();
      if (entry !== '') entries.push(entry);
    }
  }
  if (entries.length === 0) throw new WebhookError('MISSING_SIGNATURE', `${name} header is missing`);
  if (entries.length > MAX_SIGNATURE_CANDIDATES) {
    throw new WebhookError('MALFORMED_SIGNATURE', `${name} carries too many signatures`, {
      details: { signatures: entries.length, max: MAX_SIGNATURE_CANDIDATES },
    });
  }
  return entries;
}

/**
 * Decodes each entry with `decode` (undefined = unparseable, skipped) and throws
 * MALFORMED_SIGNATURE naming the expected `shape` when none decodes.
 */
export function decodeSignatureEntries<T>(
  entries: readonly string[],
  decode: (entry: string) => T | undefined,
  name: string,
  shape: string,
): T[] {
  const decoded: T[] = [];
  for (const entry of entries) {
    const value = decode(entry);
    if (value !== undefined) decoded.push(value);
  }
  if (decoded.length === 0) throw new WebhookError('MALFORMED_SIGNATURE', `${name} is not ${shape}`);
  return decoded;
}

/** Parses a signed UNIX-seconds timestamp header, or MALFORMED_SIGNATURE. */
export function requireUnixSeconds(value: string, name: string): number {
  const timestamp = parseUnixSeconds(value);
  if (timestamp === undefined) throw new WebhookError('MALFORMED_SIGNATURE', `${name} is not a UNIX timestamp in seconds`);
  return timestamp;
}

/**
 * The index of the first secret for which `matches` is true, or -1. A scheme then returns
 * `signatureMismatch(secrets)` from `verify` rather than throwing it: a signature that matches no
 * secret is the refusal a receiver meets most (every forgery), and throwing it cost a refused
 * request ≈ 1 µs, a sixth of its CPU (`npm run bench -- sdkCpu`).
 */
export function secretIndexOf(secrets: readonly string[], matches: (secret: string) => boolean): number {
  for (let index = 0; index < secrets.length; index++) {
    if (matches(secrets[index]!)) return index;
  }
  return -1;
}

/** INVALID_SIGNATURE: no configured secret produces the received signature. */
export function signatureMismatch(secrets: readonly string[]): WebhookError {
  return new WebhookError('INVALID_SIGNATURE', 'No signature matches any configured secret', { details: { secretsTried: secrets.length } });
}

/** Checks a signed UNIX timestamp (seconds) in both directions. */
export function assertTimestampWithinTolerance(timestamp: number, nowSeconds: number, toleranceSeconds: number): void {
  if (!Number.isSafeInteger(timestamp)) {
    throw new WebhookError('MALFORMED_SIGNATURE', 'Timestamp is not an integer');
  }
  const skew = nowSeconds - timestamp;
  if (Math.abs(skew) > toleranceSeconds) {
    throw new WebhookError('TIMESTAMP_OUT_OF_TOLERANCE', skew > 0 ? 'Timestamp is too old' : 'Timestamp is in the future', {
      details: { skewSeconds: skew, toleranceSeconds },
    });
  }
}

/** Strict decimal integer parse (no signs, no exponents, no whitespace). */
export function parseUnixSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/** `2019-11-16T10:11:12.634234626Z`: an RFC 3339 date-time, up to nanoseconds, `Z` or a numeric offset. */
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Whole UNIX seconds of a signed RFC 3339 date-time (Box, Twitch), the fraction dropped as Box's SDK
 * floors it, or undefined when the text is not one. A strict pattern and a calendar check, so
 * `Date.parse`'s lenient formats (and its rounding of nanoseconds, which differs across engines)
 * never decide what a signed timestamp means. A year before 1970 is refused, as a negative number is
 * by `parseUnixSeconds`.
 */
export function parseRfc3339Seconds(text: string): number | undefined {
  const match = RFC_3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [zulu, sign, offsetHours = '0', offsetMinutes = '0'] = match.slice(7);
  if (year < 1970 || hour > 23 || minute > 59 || second > 59 || Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 30 February over into March and month 13 into the next year: a date that does not
  // come back unchanged does not exist.
  const date = new Date(utc);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const offsetSeconds = zulu === undefined ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60 : 0;
  return utc / 1000 - offsetSeconds;
}

/** Parses a signed UNIX-milliseconds timestamp (HubSpot, WorkOS), or MALFORMED_SIGNATURE. */
export function requireUnixMilliseconds(value: string | undefined, name: string): number {
  if (value === undefined || !/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new WebhookError('MALFORMED_SIGNATURE', `${name} is not a UNIX timestamp in milliseconds`);
  }
  return Number(value);
}

/**
 * Checks a signed UNIX timestamp in milliseconds in both directions, to the millisecond, as the
 * senders' SDKs compare them (`Math.abs(Date.now() - ts) > 60000`): converting it to whole seconds
 * first would let up to 999 ms more through on the future side.
 */
export function assertMillisecondsWithinTolerance(timestampMs: number, nowSeconds: number, toleranceSeconds: number): void {
  if (!Number.isFinite(timestampMs)) {
    throw new WebhookError('MALFORMED_SIGNATURE', 'Timestamp is not a number of milliseconds');
  }
  const skewMs = nowSeconds * 1000 - timestampMs;
  if (Math.abs(skewMs) > toleranceSeconds * 1000) {
    throw new WebhookError('TIMESTAMP_OUT_OF_TOLERANCE', skewMs > 0 ? 'Timestamp is too old' : 'Timestamp is in the future', {
      details: { skewSeconds: skewMs / 1000, toleranceSeconds },
    });
  }
}

/**
 * The body as the hash functions take it: the adapter's text when it has one (a string is hashed as
 * its UTF-8 encoding: the bytes of `rawBody`, without building them), else the bytes.
 */
export function signedBody(request: Pick<WebhookRequest, 'rawBody' | 'bodyText'>): string | Buffer {
  return request.bodyText ?? request.rawBody;
}

/**
 * The body's size in bytes if it is larger than `limit`, else undefined. A text body plainly within
 * the limit is not counted (a UTF-16 code unit encodes to at most 3 bytes).
 */
export function bodyBytesOver(request: Pick<WebhookRequest, 'rawBody' | 'bodyText'>, limit: number): number | undefined {
  const text = request.bodyText;
  if (text !== undefined && text.length * 3 <= limit) return undefined;
  const bytes = text === undefined ? request.rawBody.length : Buffer.byteLength(text, 'utf8');
  return bytes > limit ? bytes : undefined;
}

/** The body's size in bytes (for logs). */
export function bodyByteLength(request: Pick<WebhookRequest, 'rawBody' | 'bodyText'>): number {
  return request.bodyText === undefined ? request.rawBody.length : Buffer.byteLength(request.bodyText, 'utf8');
}

/**
 * The body as text: the adapter's own string when it has one (`WebhookRequest.bodyText`), else the
 * bytes decoded. A body that is not valid UTF-8 is refused (INVALID_PAYLOAD) rather than decoded
 * with replacement characters, which would publish different bytes from the ones signed.
 */
export function bodyText(body: Pick<WebhookRequest, 'rawBody' | 'bodyText'>): string {
  if (body.bodyText !== undefined) return body.bodyText;
  if (!isUtf8(body.rawBody)) throw new WebhookError('INVALID_PAYLOAD', 'Body is not valid UTF-8');
  return body.rawBody.toString('utf8');
}

/** A JSON body: its parsed value and its exact text. */
export interface JsonBody {
  readonly value: unknown;
  readonly text: string;
}

/** Parses the (already verified) body as JSON; JSON is UTF-8 (RFC 8259), see `bodyText`. */
export function parseJsonBody(body: Pick<WebhookRequest, 'rawBody' | 'bodyText'>): JsonBody {
  const text = bodyText(body);
  try {
    return { value: JSON.parse(text), text };
  } catch (cause) {
    throw new WebhookError('INVALID_PAYLOAD', 'Body is not valid JSON', { cause });
  }
}

/** A single-event JSON sender's event: the payload is the whole body, published as sent. */
export function jsonEvent(id: string, type: string, body: JsonBody, key?: string): WebhookEvent {
  return { id, type, payload: body.value, payloadJson: body.text, ...(key === undefined ? {} : { contentKey: key }) };
}

/**
 * `WebhookEvent.contentKey` for schemes that sign neither the id nor a timestamp: SHA-256 over the
 * event type (length-prefixed, so type and content cannot trade characters) and the signed content.
 */
export function contentKey(type: string, ...signedContent: ReadonlyArray<string | Buffer>): string {
  return sha256Hex(`${type.length}:${type}\n`, ...signedContent);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string field of a JSON object, or INVALID_PAYLOAD naming the field. */
export function requireStringField(value: unknown, path: readonly string[]): string {
  let current: unknown = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  if (typeof current !== 'string' || current.length === 0) {
    throw new WebhookError('INVALID_PAYLOAD', `Payload has no string field "${path.join('.')}"`);
  }
  return current;
}

/** Providers without options use this as `parseOptions`. */
export function noOptions(raw: unknown): undefined {
  if (raw !== undefined && !(isRecord(raw) && Object.keys(raw).length === 0)) {
    throw new Error('this provider takes no options');
  }
  return undefined;
}
