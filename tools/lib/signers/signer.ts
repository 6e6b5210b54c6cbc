/**
 * One signer per provider: turns a body into the request the provider itself would send, signed
 * as the provider signs (with its official package where one exists). Used by `npm run send`.
 */
export interface SignInput {
  /** The exact text to send; signers sign these bytes and never re-serialise them. */
  readonly body: string;
  readonly secret: string;
  /** The exact URL being posted to, port and query included: Twilio signs it. */
  readonly url: string;
  readonly now: Date;
  /** For providers that name the type in a header (GitHub, Shopify); the others read the body. */
  readonly eventType: string;
  /**
   * A fresh UUID per run, for providers whose event id lives only in a header (GitHub, Shopify,
   * Standard Webhooks, Twilio): without it a resent file would be deduplicated.
   */
  readonly deliveryId: string;
}

export interface SignedRequest {
  /** Signature and metadata headers as the provider sends them (never printed). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly contentType: string;
  /** Only when signing changes the URL: Twilio puts a JSON body's hash in the query string. */
  readonly url?: string;
}

export interface Signer {
  sign(input: SignInput): Promise<SignedRequest>;
}

/**
 * The secret cannot sign (a SendGrid public key, say). Its message must never contain the secret.
 * `npm run send` reports it as a usage error.
 */
export class UnusableSecretError extends Error {
  override readonly name = 'UnusableSecretError';
}

export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
