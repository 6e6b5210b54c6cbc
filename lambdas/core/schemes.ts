import { decodeSignature, hmac, matchesAny, type HmacAlgorithm, type SignatureEncoding } from './crypto';
import { WebhookError } from './errors';
import {
  assertTimestampWithinTolerance,
  bodyBytes,
  requireHeader,
  requireUnixSeconds,
  signatureHeaderEntries,
  signedBody,
  withSentHeaders,
  type OutgoingRequest,
  type SignContext,
  type VerifyContext,
} from './provider';
import { header, type WebhookRequest } from './request';

/**
 * Pieces of signature schemes that several senders share: how an HMAC is written in a header, the
 * search for the secret that produced it, `key=value` signature headers, Slack's `v0` scheme. Each
 * provider module still states what its sender signs; these functions only do it the same way
 * everywhere. Pure, like the rest of the core, and written for the per-request path: no closures
 * built per request, formats are module constants.
 */

/** Length in bytes of an HMAC digest. */
export const MAC_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/**
 * How a sender writes an HMAC in a header, e.g. `X-Slack-Signature: v0=<hex>` or
 * `Typeform-Signature: sha256=<base64>`. The same description signs (`hmacSignature`) and verifies
 * (`receivedMacs`), so the sender's side and the receiver's cannot drift apart.
 */
export interface HmacSignatureFormat {
  /** The header as the sender spells it: looked up case-insensitively, named in refusals. */
  readonly header: string;
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
  /** What precedes the MAC in each entry (`v0=`, `sha256=`); entries without it are skipped. @default '' */
  readonly prefix?: string;
}

/** `text` decoded strictly as a MAC of `algorithm` (a digest's length exactly), else undefined. */
export function decodeMac(text: string, algorithm: HmacAlgorithm, encoding: SignatureEncoding): Buffer | undefined {
  const decoded = decodeSignature(text, encoding);
  return decoded?.length === MAC_BYTES[algorithm] ? decoded : undefined;
}

/** How refusals describe a valid entry: `64 hex digits`, `"v0=<64 hex digits>"`, `a base64 HMAC-SHA256`. */
export function macShape(format: HmacSignatureFormat): string {
  const prefix = format.prefix ?? '';
  if (format.encoding === 'hex') {
    const digits = `${MAC_BYTES[format.algorithm] * 2} hex digits`;
    return prefix === '' ? digits : `"${prefix}<${digits}>"`;
  }
  return prefix === '' ? `a base64 HMAC-${format.algorithm.toUpperCase()}` : `"${prefix}<base64>"`;
}

/**
 * The MACs among a signature header's `entries` (see `signatureHeaderEntries`): entries without the
 * prefix, not in the encoding, or not a digest's length are skipped, as the senders' own verifiers
 * skip signatures of other versions. MALFORMED_SIGNATURE, naming the expected shape, when none is left.
 */
export function receivedMacs(entries: readonly string[], format: HmacSignatureFormat): Buffer[] {
  const prefix = format.prefix ?? '';
  const macs: Buffer[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const mac = decodeMac(prefix === '' ? entry : entry.slice(prefix.length), format.algorithm, format.encoding);
    if (mac !== undefined) macs.push(mac);
  }
  if (macs.length === 0) throw new WebhookError('MALFORMED_SIGNATURE', `${format.header} is not ${macShape(format)}`);
  return macs;
}

/**
 * The MACs of the format's header: MISSING_SIGNATURE without one, MALFORMED_SIGNATURE with more than
 * MAX_SIGNATURE_CANDIDATES entries or none of the format's shape.
 */
export function requireMacs(request: Pick<WebhookRequest, 'headers'>, format: HmacSignatureFormat): Buffer[] {
  return receivedMacs(signatureHeaderEntries(request, format.header), format);
}

/** The header value the sender sends: the prefix, then the HMAC of `signed` (concatenated) in the encoding. */
export function hmacSignature(format: HmacSignatureFormat, secret: string | Buffer, ...signed: ReadonlyArray<string | Buffer>): string {
  return (format.prefix ?? '') + hmac(format.algorithm, secret, ...signed).toString(format.encoding);
}

/**
 * The index of the first secret whose HMAC of `signed` (concatenated) equals any of `received`, each
 * compared in constant time, or -1 (the caller returns `signatureMismatch`). One HMAC per secret
 * whatever the number of candidates.
 */
export function secretIndexOfHmac(
  secrets: readonly string[],
  received: readonly Buffer[],
  algorithm: HmacAlgorithm,
  ...signed: ReadonlyArray<string | Buffer>
): number {
  for (let index = 0; index < secrets.length; index++) {
    if (matchesAny(received, hmac(algorithm, secrets[index]!, ...signed))) return index;
  }
  return -1;
}

/**
 * The most common scheme: the HMAC of the raw body alone in one header (GitHub, Razorpay, Sentry,
 * PagerDuty, Typeform, Linear, Meta). The index of the matching secret, or -1.
 */
export function bodyHmacSecretIndex(request: WebhookRequest, secrets: readonly string[], format: HmacSignatureFormat): number {
  return secretIndexOfHmac(secrets, requireMacs(request, format), format.algorithm, signedBody(request));
}

/** Signs as a body-HMAC sender does (the other half of `bodyHmacSecretIndex`): the format's header, set. */
export function signBodyHmac(request: OutgoingRequest, secret: string, format: HmacSignatureFormat): OutgoingRequest {
  return withSentHeaders(request, { [format.header]: hmacSignature(format, secret, bodyBytes(request)) });
}

/**
 * MISSING_SIGNATURE that names both headers when a request carries only a sender's older, weaker
 * signature (GitHub's SHA-1 `X-Hub-Signature`, HubSpot's v1): it is never trusted on its own, and
 * saying which header is wanted helps more than "header is missing".
 */
export function refuseLegacySignatureAlone(request: Pick<WebhookRequest, 'headers'>, current: string, legacy: string, legacyKind: string): void {
  if (header(request, current) === undefined && header(request, legacy) !== undefined) {
    throw new WebhookError('MISSING_SIGNATURE', `Only the ${legacyKind} ${legacy} was sent; ${current} is required`);
  }
}

// ---------------------------------------------------------------------------------------------
// `key=value` signature headers with a signed timestamp: Paddle `ts=…;h1=…`, WorkOS `t=…, v1=…`.

/** A signature header of `key=value` entries carrying one timestamp and one or more MACs. */
export interface TimestampedMacFormat {
  /** The header as the sender spells it. */
  readonly header: string;
  /** What separates the entries (`;` for Paddle, `,` for WorkOS). */
  readonly separator: string;
  /** The key of the timestamp (`ts`, `t`). */
  readonly timestampKey: string;
  /** The key of each MAC (`h1`, `v1`): one entry per active secret during a rotation. */
  readonly macKey: string;
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
}

export interface TimestampedMacs {
  /** The timestamp exactly as sent: it is part of the signed content. */
  readonly timestampText: string;
  readonly macs: readonly Buffer[];
}

/**
 * The header value a `key=value` sender writes (the other half of `requireTimestampedMacs`): the
 * timestamp entry, then one MAC entry per MAC in the format's encoding, joined by `joiner` (the
 * separator, or the separator and a space as WorkOS writes it).
 */
export function timestampedMacHeader(format: TimestampedMacFormat, timestampText: string, macs: readonly Buffer[], joiner = format.separator): string {
  const entries = [`${format.timestampKey}=${timestampText}`, ...macs.map((mac) => `${format.macKey}=${mac.toString(format.encoding)}`)];
  return entries.join(joiner);
}

/**
 * The timestamp and MACs of a `key=value` signature header. Entries that are not `key=value` (spaces
 * around key and value are trimmed) or whose MAC does not decode are ignored; exactly one distinct
 * timestamp must remain, so a forged header cannot make the body be hashed once per timestamp, and
 * at least one MAC. Otherwise MALFORMED_SIGNATURE (MISSING_SIGNATURE without the header).
 */
export function requireTimestampedMacs(request: Pick<WebhookRequest, 'headers'>, format: TimestampedMacFormat): TimestampedMacs {
  const timestamps = new Set<string>();
  const macs: Buffer[] = [];
  for (const entry of signatureHeaderEntries(request, format.header, format.separator)) {
    const separator = entry.indexOf('=');
    if (separator < 0) continue;
    const key = entry.slice(0, separator).trim();
    const value = entry.slice(separator + 1).trim();
    if (key === format.timestampKey) timestamps.add(value);
    else if (key === format.macKey) {
      const mac = decodeMac(value, format.algorithm, format.encoding);
      if (mac !== undefined) macs.push(mac);
    }
  }
  const [timestampText] = timestamps;
  if (timestamps.size !== 1 || timestampText === undefined || macs.length === 0) {
    const shape = macShape({ header: format.header, algorithm: format.algorithm, encoding: format.encoding });
    throw new WebhookError('MALFORMED_SIGNATURE', `${format.header} needs one ${format.timestampKey} and at least one ${format.macKey} of ${shape}`);
  }
  return { timestampText, macs };
}

// ---------------------------------------------------------------------------------------------
// Slack's `v0` scheme, which Zoom uses too under its own header names.

/** Where a `v0` sender puts its signature (`v0=<hex>`) and its timestamp (UNIX seconds). */
export interface V0Scheme {
  readonly signature: HmacSignatureFormat;
  readonly timestampHeader: string;
}

const V0_PREFIX = 'v0=';

/** The `v0` scheme under a sender's header names. Build it once, at module load. */
export function v0Scheme(signatureHeader: string, timestampHeader: string): V0Scheme {
  return { signature: { header: signatureHeader, algorithm: 'sha256', encoding: 'hex', prefix: V0_PREFIX }, timestampHeader };
}

/**
 * Verifies `{signature}: v0=<hex>`, HMAC-SHA256 of `v0:{timestamp}:{body}`, with `{timestamp}` in UNIX
 * seconds. Headers are checked first (signature present, timestamp present and numeric, a `v0` MAC
 * among the entries), then the signature, and only for a request that matched a secret the
 * timestamp's tolerance: a forgery is reported as invalid, never as stale. The index of the matching
 * secret, or -1 (the caller returns `signatureMismatch`).
 */
export function verifyV0Signature(
  request: WebhookRequest,
  { secrets, nowSeconds, toleranceSeconds }: Pick<VerifyContext<unknown>, 'secrets' | 'nowSeconds' | 'toleranceSeconds'>,
  scheme: V0Scheme,
): number {
  const entries = signatureHeaderEntries(request, scheme.signature.header);
  const timestampText = requireHeader(request, scheme.timestampHeader);
  const timestamp = requireUnixSeconds(timestampText, scheme.timestampHeader);
  const received = receivedMacs(entries, scheme.signature);

  const secretIndex = secretIndexOfHmac(secrets, received, 'sha256', `v0:${timestampText}:`, signedBody(request));
  if (secretIndex >= 0) assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);
  return secretIndex;
}

/** Signs as a `v0` sender does: the signature and the timestamp header, now. */
export function signV0(request: OutgoingRequest, { secret, nowSeconds }: Pick<SignContext<unknown>, 'secret' | 'nowSeconds'>, scheme: V0Scheme): OutgoingRequest {
  return withSentHeaders(request, {
    [scheme.signature.header]: hmacSignature(scheme.signature, secret, `v0:${nowSeconds}:`, bodyBytes(request)),
    [scheme.timestampHeader]: String(nowSeconds),
  });
}
