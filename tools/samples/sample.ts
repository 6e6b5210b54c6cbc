import { randomBytes, randomInt } from 'node:crypto';

/**
 * Sample events for `npm run send`: realistic bodies for each provider's common event types, with
 * fresh ids and timestamps on every run so repeated sends are never deduplicated.
 */
export interface SampleContext {
  readonly now: Date;
}

/** Builds the exact body text to send (JSON, or form-encoded for Twilio). */
export type SampleBuilder = (context: SampleContext) => string;

export interface SampleSet {
  readonly defaultType: string;
  readonly types: Readonly<Record<string, SampleBuilder>>;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix` + `length` random letters and digits, the shape of Stripe's `evt_…` and Slack's `Ev…` ids. */
export function randomId(prefix: string, length = 24): string {
  // 62 does not divide 256: the slight bias is irrelevant for sample ids.
  return prefix + Array.from(randomBytes(length), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A 13–14 digit number, the shape of Shopify's resource ids (kept below 2^53 so JSON round-trips it). */
export function randomNumericId(): number {
  return randomInt(10 ** 12, 10 ** 14);
}

export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Pretty-printed, as Stripe and GitHub send their bodies. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function compactJson(value: unknown): string {
  return JSON.stringify(value);
}

/** `application/x-www-form-urlencoded`, as Twilio posts its callbacks. */
export function formBody(params: Readonly<Record<string, string>>): string {
  return new URLSearchParams(params).toString();
}
