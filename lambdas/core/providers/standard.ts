import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { decodeBase64Key, decodeSignature, ed25519PublicKey, hmac, matchesAny, memoizeSecretParse } from '../crypto';
import { WebhookError } from '../errors';
import {
  assertTimestampWithinTolerance,
  DEFAULT_MAX_BODY_BYTES,
  secretIndexOf,
  signatureMismatch,
  jsonEvent,
  MAX_PUBLIC_KEY_SIGNATURES,
  MAX_SIGNATURE_CANDIDATES,
  noOptions,
  parseJsonBody,
  requireStringField,
  requireUnixSeconds,
  bodyBytes,
  jsonPost,
  sentHeader,
  withSentHeaders,
  signedBody,
  type OutgoingRequest,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { headerValues, type WebhookRequest } from '../request';
import { randomUUID } from 'node:crypto';
import { compactJson, isoTime, randomId } from '../samples';
import { decodeMac } from '../schemes';

/**
 * The unsigned request Svix posts on a sender's behalf (Clerk, Resend): a fresh `svix-id` of Svix's
 * shape and Svix's user agent; `sign` adds the timestamp and signature.
 */
export function svixRequest(body: string, _type: string, context: SampleContext): OutgoingRequest {
  return jsonPost(body, context, { 'svix-id': `msg_${randomUUID().replaceAll('-', '').slice(0, 27)}`, 'User-Agent': 'Svix-Webhooks/1.24.0' });
}

/** Symmetric secret prefix (`whsec_<base64 key>`). */
const SECRET_PREFIX = 'whsec_';
/** Asymmetric public key prefix (`whpk_<base64 raw 32-byte Ed25519 key>`). */
const PUBLIC_KEY_PREFIX = 'whpk_';
const ED25519_SIGNATURE_BYTES = 64;

type VerificationKey = { readonly kind: 'hmac'; readonly key: Buffer } | { readonly kind: 'ed25519'; readonly key: KeyObject };

/** `whsec_<base64>` (or bare base64, as the reference library accepts) / `whpk_<base64>`. */
export const parseStandardSecret = memoizeSecretParse(function parseStandardSecret(value: string): VerificationKey | undefined {
  const secret = value.trim();
  if (secret.startsWith(PUBLIC_KEY_PREFIX)) {
    const key = ed25519PublicKey(decodeBase64Key(secret.slice(PUBLIC_KEY_PREFIX.length)));
    return key === undefined ? undefined : { kind: 'ed25519', key };
  }
  const key = decodeBase64Key(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  return key === undefined ? undefined : { kind: 'hmac', key };
});

/** Where a Standard Webhooks sender puts its `id`, `timestamp` and `signature` headers. */
export type StandardHeaderPrefix = 'webhook-' | 'svix-';

/** The header under the first prefix that carries it; MISSING_SIGNATURE names it under the first prefix. */
function requireAliasedHeader(request: WebhookRequest, prefixes: readonly StandardHeaderPrefix[], suffix: string): readonly string[] {
  for (const prefix of prefixes) {
    const values = headerValues(request, prefix + suffix).filter((value) => value.trim() !== '');
    if (values.length > 0) return values;
  }
  throw new WebhookError('MISSING_SIGNATURE', `${prefixes[0]}${suffix} header is missing`);
}

/**
 * The Standard Webhooks scheme, verification and signing, under the header names a sender uses:
 * `verify` reads the three headers under each prefix in turn, `sign` writes them under the first.
 * The `standard` route accepts both spellings; a sender that is Standard Webhooks under Svix's header
 * names (Clerk, Resend) is a preset naming `['svix-']`, so the scheme exists once.
 *
 * `verify`: `{prefix}signature` is a space-separated list of `v1,<base64 HMAC-SHA256>` (symmetric,
 * secret `whsec_<base64>`) and `v1a,<base64 Ed25519>` (asymmetric, "secret" `whpk_<base64 public
 * key>`) entries over `{id}.{timestamp}.{body}`; unknown versions are ignored, any entry may match any
 * secret. The timestamp is checked against the route's tolerance both ways. Event id is `{prefix}id`,
 * type the body's `type`.
 */
export function standardWebhooksScheme(headerPrefixes: readonly [StandardHeaderPrefix, ...StandardHeaderPrefix[]]): Pick<WebhookProvider, 'verify' | 'sign'> {
  const [signedPrefix] = headerPrefixes;
  return {
    verify(request, { secrets, nowSeconds, toleranceSeconds }) {
      const [id = ''] = requireAliasedHeader(request, headerPrefixes, 'id');
      const [timestampText = ''] = requireAliasedHeader(request, headerPrefixes, 'timestamp');
      const entries = requireAliasedHeader(request, headerPrefixes, 'signature')
        .flatMap((value) => value.split(' '))
        .filter((entry) => entry !== '');
      if (entries.length > MAX_SIGNATURE_CANDIDATES) {
        throw new WebhookError('MALFORMED_SIGNATURE', `${signedPrefix}signature carries too many signatures`, {
          details: { signatures: entries.length, max: MAX_SIGNATURE_CANDIDATES },
        });
      }
      const messageId = id.trim();
      const timestamp = requireUnixSeconds(timestampText.trim(), `${signedPrefix}timestamp`);

      const macs: Buffer[] = [];
      const ed25519: Buffer[] = [];
      for (const entry of entries) {
        const separator = entry.indexOf(',');
        if (separator < 0) continue;
        const version = entry.slice(0, separator);
        const encoded = entry.slice(separator + 1);
        if (version === 'v1') {
          const mac = decodeMac(encoded, 'sha256', 'base64');
          if (mac !== undefined) macs.push(mac);
        } else if (version === 'v1a' && ed25519.length < MAX_PUBLIC_KEY_SIGNATURES) {
          const signature = decodeSignature(encoded, 'base64');
          if (signature?.length === ED25519_SIGNATURE_BYTES) ed25519.push(signature);
        }
      }
      if (macs.length === 0 && ed25519.length === 0) {
        throw new WebhookError('MALFORMED_SIGNATURE', `${signedPrefix}signature has no "v1,<base64>" or "v1a,<base64>" entry`);
      }

      const prefix = `${messageId}.${timestamp}.`;
      let signedContent: Buffer | undefined;
      const secretIndex = secretIndexOf(secrets, (secret) => {
        const key = parseStandardSecret(secret);
        if (key?.kind === 'hmac') return matchesAny(macs, hmac('sha256', key.key, prefix, signedBody(request)));
        if (key?.kind === 'ed25519' && ed25519.length > 0) {
          signedContent ??= Buffer.concat([Buffer.from(prefix, 'utf8'), request.rawBody]);
          const content = signedContent;
          return ed25519.some((signature) => verifySignature(null, content, key.key, signature));
        }
        return false;
      });
      if (secretIndex < 0) return signatureMismatch(secrets);
      assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

      const body = parseJsonBody(request);
      return { secretIndex, events: [jsonEvent(messageId, requireStringField(body.value, ['type']), body)] };
    },

    sign(request, { secret, nowSeconds }) {
      const key = parseStandardSecret(secret);
      if (key?.kind !== 'hmac') throw new Error('Standard Webhooks signs with a whsec_ secret (the v1a private key is not supported by sign)');
      const given = headerPrefixes.map((prefix) => sentHeader(request, `${prefix}id`)).find((value) => value !== undefined);
      const id = given ?? `msg_${randomUUID().replaceAll('-', '')}`;
      const mac = hmac('sha256', key.key, `${id}.${nowSeconds}.`, bodyBytes(request)).toString('base64');
      return withSentHeaders(request, {
        [`${signedPrefix}id`]: id,
        [`${signedPrefix}timestamp`]: String(nowSeconds),
        [`${signedPrefix}signature`]: `v1,${mac}`,
      });
    },
  };
}

// --- Samples for `npm run send` --------------------------------------------------------------

// The event id is the `webhook-id` header (see the signer); the body names the type.
function standardEvent(type: string, data: Record<string, unknown>, context: SampleContext): string {
  return compactJson({ type, timestamp: isoTime(context.nowSeconds), data });
}

function invoice(status: string, context: SampleContext): string {
  return standardEvent(
    `invoice.${status}`,
    { id: randomId('inv_', 16), customer_id: randomId('cust_', 16), amount: 4900, currency: 'EUR', status, issued_at: isoTime(context.nowSeconds) },
    context,
  );
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

  ...standardWebhooksScheme(['webhook-', 'svix-']),

  samples: {
    defaultType: 'invoice.paid',
    types: {
      'invoice.paid': (c) => invoice('paid', c),
      'invoice.created': (c) => invoice('created', c),
      'invoice.payment_failed': (c) => invoice('payment_failed', c),
      'customer.created': (c) => standardEvent('customer.created', { id: randomId('cust_', 16), email: 'zoe@example.com', name: 'Zoë Martin' }, c),
      'subscription.created': (c) =>
        standardEvent('subscription.created', { id: randomId('sub_', 16), customer_id: randomId('cust_', 16), plan: 'pro', status: 'active' }, c),
      'subscription.canceled': (c) =>
        standardEvent('subscription.canceled', { id: randomId('sub_', 16), customer_id: randomId('cust_', 16), plan: 'pro', status: 'canceled' }, c),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'webhook-id': `msg_${randomUUID().replaceAll('-', '')}` }),
  },

  development: { secret: 'whsec_aG9va3JlbGF5LWRldmVsb3BtZW50LXN0YW5kYXJkLXdo' },

  docs: {
    title: 'Standard Webhooks (Svix)',
    signatureHeaders: '`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> [v1a,<base64> …]` (`svix-*` aliases)',
    signedContent: '`v1`: HMAC-SHA256 of `{id}.{timestamp}.{body}`; `v1a`: Ed25519 of the same',
    timestamp: '`webhook-timestamp`, seconds; 300 s either way',
    eventId: '`webhook-id`',
    eventType: 'body `type`',
    secret: '`whsec_<base64 key>` (prefix and `=` padding optional); for `v1a`, `whpk_<base64 32-byte Ed25519 public key>`',
    secretLocation: 'the sender’s webhook portal (Svix App Portal: endpoint → *Signing Secret*)',
    notSigned: 'nothing the envelope uses',
    replayProtection: 'the signed timestamp, then the signed `webhook-id`',
    oracle: '`standardwebhooks` (`Webhook#sign`, `Webhook#verify`)',
    notes: ['Entries of unknown versions are ignored; any `v1`/`v1a` entry may match any configured secret, so both sides rotate without downtime.'],
  },
};
