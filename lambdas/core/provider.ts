import { isUtf8 } from 'node:buffer';
import { sha256Hex } from './crypto';
import { WebhookError } from './errors';
import { headerValues, type WebhookRequest } from './request';

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

/** An answer the provider expects instead of (or besides) the usual acknowledgement. */
export interface DirectReply {
  readonly statusCode: number;
  readonly body: unknown;
}

export interface VerifiedWebhook {
  /** Events to enqueue, usually one; a batch sender (SendGrid) yields one per item. */
  readonly events: readonly WebhookEvent[];
  /** Handshakes (Slack `url_verification`) are answered directly and nothing is enqueued. */
  readonly reply?: DirectReply;
  /** Index of the secret that matched, for rotation diagnostics. Never the secret itself. */
  readonly secretIndex: number;
}

export interface VerifyContext<TOptions = undefined> {
  /** Active secrets, newest first; any match passes (zero-downtime rotation). */
  readonly secrets: readonly string[];
  /** Current time in whole seconds since the epoch. The core never reads the clock itself. */
  readonly nowSeconds: number;
  /** Maximum allowed skew of a signed timestamp, in either direction. */
  readonly toleranceSeconds: number;
  /** Provider-specific options, already validated by the provider's `parseOptions`. */
  readonly options: TOptions;
}

/**
 * A sender's signature scheme. Implementations are pure: no I/O, no clock, no environment.
 * They throw `WebhookError` for every refusal and never anything else.
 */
export interface WebhookProvider<TOptions = undefined> {
  /** Route name: `POST /webhooks/{name}`. */
  readonly name: string;
  /** Timestamp tolerance the provider's own SDK uses, in seconds. */
  readonly defaultToleranceSeconds: number;
  /**
   * Largest body accepted when the route sets no limit: what the sender really sends, with room.
   * Checked before any other work, so a forged request costs at most a hash of this many bytes.
   */
  readonly defaultMaxBodyBytes: number;
  /** Validates provider-specific options from configuration; throws with a readable message. */
  parseOptions(raw: unknown): TOptions;
  verify(request: WebhookRequest, context: VerifyContext<TOptions>): VerifiedWebhook;
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
  const entries = headerValues(request, name)
    .flatMap((value) => (separator === null ? [value] : value.split(separator)))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
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

/** Returns the index of the first secret for which `matches` is true, or throws INVALID_SIGNATURE. */
export function findMatchingSecret(secrets: readonly string[], matches: (secret: string) => boolean): number {
  for (let index = 0; index < secrets.length; index++) {
    if (matches(secrets[index]!)) return index;
  }
  throw new WebhookError('INVALID_SIGNATURE', 'No signature matches any configured secret', {
    details: { secretsTried: secrets.length },
  });
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

/** A JSON body: its parsed value and its exact text. */
export interface JsonBody {
  readonly value: unknown;
  readonly text: string;
}

/**
 * Parses the (already verified) body as JSON. JSON is UTF-8 (RFC 8259): a body that is not valid
 * UTF-8 is refused rather than decoded with replacement characters, which would publish different
 * bytes from the ones signed.
 */
export function parseJsonBody(rawBody: Buffer): JsonBody {
  if (!isUtf8(rawBody)) throw new WebhookError('INVALID_PAYLOAD', 'Body is not valid UTF-8');
  const text = rawBody.toString('utf8');
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
