import { createHash, createHmac, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

export function hmac(algorithm: HmacAlgorithm, secret: string | Buffer, ...parts: ReadonlyArray<string | Buffer>): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** SHA-256 of the concatenated parts, lower-case hex (derived event ids, Twilio's `bodySHA256`). */
export function sha256Hex(...parts: ReadonlyArray<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/**
 * Constant-time equality of two byte strings. Lengths are compared first (length is not secret:
 * it is fixed by the algorithm), then `timingSafeEqual` compares the contents.
 */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * SHA-256 of a static credential (a token, a `user:password` pair; a string is hashed as UTF-8), taken
 * before a constant-time comparison: digests all have one length, so comparing them takes the same
 * time whatever the credentials' lengths, where `constantTimeEqual` on the raw values would return
 * early on a length mismatch and tell a prober the credential's length.
 */
export function tokenDigest(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Constant-time equality of a received credential and a configured one, for senders that send a
 * static token instead of a signature (GitLab's `X-Gitlab-Token`, Meta's verify token), compared
 * through their `tokenDigest`s.
 */
export function constantTimeTokenEqual(received: string, expected: string): boolean {
  return timingSafeEqual(tokenDigest(received), tokenDigest(expected));
}

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a received signature strictly. Returns undefined on any malformed input instead of
 * letting `Buffer.from` silently drop characters, so a malformed signature never "matches".
 */
export function decodeSignature(value: string, encoding: SignatureEncoding): Buffer | undefined {
  if (value.length === 0) return undefined;
  if (encoding === 'hex') {
    return value.length % 2 === 0 && HEX.test(value) ? Buffer.from(value, 'hex') : undefined;
  }
  return value.length % 4 === 0 && BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

/**
 * Base64 of key material, with or without its `=` padding (the Standard Webhooks reference libraries
 * accept both, and dashboards show secrets either way), decoded strictly; undefined when it does not
 * decode or is empty (an empty key protects nothing).
 */
export function decodeBase64Key(value: string): Buffer | undefined {
  const padded = value.length % 4 === 0 ? value : value + '='.repeat(4 - (value.length % 4));
  const key = decodeSignature(padded, 'base64');
  return key !== undefined && key.length > 0 ? key : undefined;
}

/** DER SubjectPublicKeyInfo header of an Ed25519 key (RFC 8410); the raw 32 bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * An Ed25519 public key from its raw 32 bytes, the form Discord and Standard Webhooks (`whpk_`) publish
 * keys in; undefined for anything else.
 */
export function ed25519PublicKey(raw: Buffer | undefined): KeyObject | undefined {
  if (raw?.length !== 32) return undefined;
  try {
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/**
 * True when any received candidate equals `expected`, each compared in constant time. The MAC is
 * computed once per secret by the caller, so trying several candidates costs comparisons only.
 */
export function matchesAny(candidates: readonly Buffer[], expected: Buffer): boolean {
  return candidates.some((candidate) => constantTimeEqual(candidate, expected));
}

/**
 * Memoises a parse of secret material (a public key, a decoded HMAC key) per secret string. Parsing
 * a public key (`createPublicKey`) measured 180–300 µs, more than the verification itself; secrets
 * change only on rotation, so a handful of entries serve every request. Bounded, oldest evicted.
 */
export function memoizeSecretParse<T>(parse: (secret: string) => T, maxEntries = 32): (secret: string) => T {
  const cache = new Map<string, T>();
  return (secret) => {
    if (cache.has(secret)) return cache.get(secret) as T;
    const parsed = parse(secret);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(secret, parsed);
    return parsed;
  };
}
