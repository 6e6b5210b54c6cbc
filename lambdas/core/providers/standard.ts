import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { decodeSignature, hmac, matchesAny, memoizeSecretParse } from '../crypto';
import { WebhookError } from '../errors';
import {
  assertTimestampWithinTolerance,
  DEFAULT_MAX_BODY_BYTES,
  findMatchingSecret,
  jsonEvent,
  MAX_PUBLIC_KEY_SIGNATURES,
  MAX_SIGNATURE_CANDIDATES,
  noOptions,
  parseJsonBody,
  requireStringField,
  requireUnixSeconds,
  type WebhookProvider,
} from '../provider';
import { headerValues, type WebhookRequest } from '../request';

/** Symmetric secret prefix (`whsec_<base64 key>`). */
const SECRET_PREFIX = 'whsec_';
/** Asymmetric public key prefix (`whpk_<base64 raw 32-byte Ed25519 key>`). */
const PUBLIC_KEY_PREFIX = 'whpk_';
/** DER SubjectPublicKeyInfo header of an Ed25519 key; the raw 32 bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

type VerificationKey = { readonly kind: 'hmac'; readonly key: Buffer } | { readonly kind: 'ed25519'; readonly key: KeyObject };

/**
 * Base64 of key material, with or without its `=` padding: the reference JavaScript and Python
 * libraries accept both, and dashboards show secrets either way.
 */
function decodeKeyBase64(value: string): Buffer | undefined {
  const padded = value.length % 4 === 0 ? value : value + '='.repeat(4 - (value.length % 4));
  return decodeSignature(padded, 'base64');
}

/** `whsec_<base64>` (or bare base64, as the reference library accepts) / `whpk_<base64>`. */
export const parseStandardSecret = memoizeSecretParse(function parseStandardSecret(value: string): VerificationKey | undefined {
  const secret = value.trim();
  if (secret.startsWith(PUBLIC_KEY_PREFIX)) {
    const raw = decodeKeyBase64(secret.slice(PUBLIC_KEY_PREFIX.length));
    if (raw?.length !== 32) return undefined;
    try {
      return { kind: 'ed25519', key: createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' }) };
    } catch {
      return undefined;
    }
  }
  const key = decodeKeyBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  return key === undefined || key.length === 0 ? undefined : { kind: 'hmac', key };
});

/** The `webhook-*` header, else its `svix-*` alias; MISSING_SIGNATURE names the standard one. */
function requireAliasedHeader(request: WebhookRequest, suffix: string): readonly string[] {
  for (const prefix of ['webhook-', 'svix-']) {
    const values = headerValues(request, prefix + suffix).filter((value) => value.trim() !== '');
    if (values.length > 0) return values;
  }
  throw new WebhookError('MISSING_SIGNATURE', `webhook-${suffix} header is missing`);
}

/**
 * Standard Webhooks (and Svix, whose `svix-*` headers are aliases): `webhook-signature` is a
 * space-separated list of `v1,<base64 HMAC-SHA256>` (symmetric, secret `whsec_<base64>`) and
 * `v1a,<base64 Ed25519>` (asymmetric, "secret" `whpk_<base64 public key>`) entries over
 * `{webhook-id}.{webhook-timestamp}.{body}`; unknown versions are ignored, any entry may match
 * (zero-downtime rotation). 300 s tolerance both ways, as the specification says. Event id is
 * `webhook-id` (the specification's idempotency key), type is the body's `type`.
 */
export const standard: WebhookProvider = {
  name: 'standard',
  defaultToleranceSeconds: 300,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const [id = ''] = requireAliasedHeader(request, 'id');
    const [timestampText = ''] = requireAliasedHeader(request, 'timestamp');
    const entries = requireAliasedHeader(request, 'signature')
      .flatMap((value) => value.split(' '))
      .filter((entry) => entry !== '');
    if (entries.length > MAX_SIGNATURE_CANDIDATES) {
      throw new WebhookError('MALFORMED_SIGNATURE', 'webhook-signature carries too many signatures', {
        details: { signatures: entries.length, max: MAX_SIGNATURE_CANDIDATES },
      });
    }
    const messageId = id.trim();
    const timestamp = requireUnixSeconds(timestampText.trim(), 'webhook-timestamp');

    const macs: Buffer[] = [];
    const ed25519: Buffer[] = [];
    for (const entry of entries) {
      const separator = entry.indexOf(',');
      if (separator < 0) continue;
      const version = entry.slice(0, separator);
      const decoded = decodeSignature(entry.slice(separator + 1), 'base64');
      if (version === 'v1' && decoded?.length === 32) macs.push(decoded);
      else if (version === 'v1a' && decoded?.length === 64 && ed25519.length < MAX_PUBLIC_KEY_SIGNATURES) ed25519.push(decoded);
    }
    if (macs.length === 0 && ed25519.length === 0) {
      throw new WebhookError('MALFORMED_SIGNATURE', 'webhook-signature has no "v1,<base64>" or "v1a,<base64>" entry');
    }

    const prefix = `${messageId}.${timestamp}.`;
    let signedContent: Buffer | undefined;
    const secretIndex = findMatchingSecret(secrets, (secret) => {
      const key = parseStandardSecret(secret);
      if (key?.kind === 'hmac') return matchesAny(macs, hmac('sha256', key.key, prefix, request.rawBody));
      if (key?.kind === 'ed25519' && ed25519.length > 0) {
        signedContent ??= Buffer.concat([Buffer.from(prefix, 'utf8'), request.rawBody]);
        const content = signedContent;
        return ed25519.some((signature) => verifySignature(null, content, key.key, signature));
      }
      return false;
    });
    assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request.rawBody);
    return { secretIndex, events: [jsonEvent(messageId, requireStringField(body.value, ['type']), body)] };
  },
};
