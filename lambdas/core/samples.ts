import { randomBytes, randomInt } from 'node:crypto';

/**
 * Helpers for the providers' sample events (`ProviderSamples`): realistic ids, timestamps and
 * encodings, fresh on every call so repeated sends are never deduplicated.
 */

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix` + `length` random letters and digits, the shape of Stripe's `evt_…` and Slack's `Ev…` ids. */
export function randomId(prefix: string, length = 24): string {
  // 62 does not divide 256: the slight bias is irrelevant for sample ids.
  return prefix + Array.from(randomBytes(length), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

/** Crockford's base 32, the alphabet of ULIDs. */
const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * `{prefix}_01` and 24 random ULID characters: the shape of Paddle's ids (`txn_01h8…`, lower case)
 * and WorkOS's (`user_01E4ZCR3C56J083X43JQXF3JK5`, upper case).
 */
export function prefixedUlid(prefix: string, letterCase: 'lower' | 'upper'): string {
  const ulid = Array.from(randomBytes(24), (byte) => ULID_ALPHABET[byte % ULID_ALPHABET.length]).join('');
  return `${prefix}_01${letterCase === 'lower' ? ulid.toLowerCase() : ulid}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A 13–14 digit number, the shape of Shopify's resource ids (kept below 2^53 so JSON round-trips it). */
export function randomNumericId(): number {
  return randomInt(10 ** 12, 10 ** 14);
}

/** ISO-8601 time of a UNIX timestamp in seconds. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Pretty-printed, as Stripe and GitHub send their bodies. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function compactJson(value: unknown): string {
  return JSON.stringify(value);
}

/** `application/x-www-form-urlencoded`, as Twilio posts its callbacks. */
export function formBody(params: Readonly<Record<string, string | readonly string[]>>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const item of typeof value === 'string' ? [value] : value) form.append(key, item);
  return form.toString();
}
