import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

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
 * Constant-time equality of a received credential and a configured one, for senders that send a
 * static token instead of a signature (GitLab's `X-Gitlab-Token`, Meta's verify token). Both are
 * hashed first, so the comparison takes the same time whatever the lengths: `constantTimeEqual` on
 * the raw strings would return early on a length mismatch and tell a prober the token's length.
 */
export function constantTimeTokenEqual(received: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(received, 'utf8').digest(), createHash('sha256').update(expected, 'utf8').digest());
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
