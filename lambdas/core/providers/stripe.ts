import { WebhookError } from '../errors';
import { decodeSignature, hmac, matchesAny } from '../crypto';
import {
  assertTimestampWithinTolerance,
  DEFAULT_MAX_BODY_BYTES,
  findMatchingSecret,
  jsonEvent,
  MAX_SIGNATURE_CANDIDATES,
  MAX_SIGNED_MESSAGES,
  noOptions,
  parseJsonBody,
  parseUnixSeconds,
  requireStringField,
  type WebhookProvider,
} from '../provider';
import { headerValues } from '../request';

const SIGNATURE_HEADER = 'Stripe-Signature';

interface SignedTimestamp {
  /** The timestamp exactly as sent: it is part of the signed content. */
  readonly text: string;
  readonly seconds: number;
  readonly signatures: Buffer[];
}

/** One `t=…,v1=…[,v1=…]` header value; undefined when it has no timestamp or no v1 signature. */
function parseSignatureHeader(value: string): SignedTimestamp | undefined {
  let text: string | undefined;
  const signatures: Buffer[] = [];
  for (const item of value.split(',')) {
    const separator = item.indexOf('=');
    if (separator < 0) continue;
    const key = item.slice(0, separator).trim();
    const entry = item.slice(separator + 1).trim();
    if (key === 't') text ??= entry;
    else if (key === 'v1') {
      const decoded = decodeSignature(entry, 'hex');
      if (decoded?.length === 32) signatures.push(decoded);
    }
  }
  const seconds = parseUnixSeconds(text);
  return text === undefined || seconds === undefined || signatures.length === 0 ? undefined : { text, seconds, signatures };
}

/**
 * Bounds the work a forged header can cause before the signature is checked: at most
 * MAX_SIGNED_MESSAGES timestamps (each one HMAC of the body per secret) and MAX_SIGNATURE_CANDIDATES
 * signatures in all. Stripe sends one header value with one timestamp.
 */
function assertBounded(signed: readonly SignedTimestamp[]): void {
  const candidates = signed.reduce((sum, entry) => sum + entry.signatures.length, 0);
  if (signed.length > MAX_SIGNED_MESSAGES || candidates > MAX_SIGNATURE_CANDIDATES) {
    throw new WebhookError('MALFORMED_SIGNATURE', 'Stripe-Signature carries too many timestamps or signatures', {
      details: { timestamps: signed.length, signatures: candidates },
    });
  }
}

/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 over `{t}.{body}`.
 * Several `v1` entries appear while a secret is being rolled in the dashboard; any may match.
 * Other schemes (`v0` test-mode signatures) are ignored, as Stripe's SDK does. A repeated
 * header is parsed value by value, each with its own `t`.
 */
export const stripe: WebhookProvider = {
  name: 'stripe',
  defaultToleranceSeconds: 300,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const values = headerValues(request, SIGNATURE_HEADER).filter((value) => value.trim() !== '');
    if (values.length === 0) {
      throw new WebhookError('MISSING_SIGNATURE', 'Stripe-Signature header is missing');
    }
    if (values.length > MAX_SIGNED_MESSAGES) {
      throw new WebhookError('MALFORMED_SIGNATURE', 'Stripe-Signature is repeated too often', { details: { values: values.length } });
    }
    const signed = values.map(parseSignatureHeader).filter((entry): entry is SignedTimestamp => entry !== undefined);
    if (signed.length === 0) {
      throw new WebhookError('MALFORMED_SIGNATURE', 'Stripe-Signature has no timestamp or no v1 signature');
    }
    assertBounded(signed);

    // Signature before timestamp: a stale but authentic delivery is reported as stale, a forged
    // one as invalid, matching Stripe's SDK and never revealing which check a forgery failed first.
    let matched: SignedTimestamp | undefined;
    const secretIndex = findMatchingSecret(secrets, (secret) => {
      matched = signed.find((entry) => matchesAny(entry.signatures, hmac('sha256', secret, `${entry.text}.`, request.rawBody)));
      return matched !== undefined;
    });
    assertTimestampWithinTolerance(matched!.seconds, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request.rawBody);
    return {
      secretIndex,
      events: [jsonEvent(requireStringField(body.value, ['id']), requireStringField(body.value, ['type']), body)],
    };
  },
};
