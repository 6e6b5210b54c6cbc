import { randomUUID } from 'node:crypto';
import {
  bodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  withSentHeaders,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { compactJson, isoTime, randomId } from '../samples';
import { hmacSignature, refuseLegacySignatureAlone, requireMacs, secretIndexOfHmac, type HmacSignatureFormat } from '../schemes';

/**
 * `x-square-hmacsha256-signature: <base64>`, HMAC-SHA256 of the URL and the body; spelled as Square
 * documents it (lookup is case-insensitive).
 */
const SIGNATURE: HmacSignatureFormat = { header: 'x-square-hmacsha256-signature', algorithm: 'sha256', encoding: 'base64' };
/** The HMAC-SHA1 signature Square still sends for old receivers. */
const LEGACY_SIGNATURE_HEADER = 'x-square-signature';

// --- Samples for `npm run send` --------------------------------------------------------------

const MERCHANT_ID = 'MLHOOKRELAY0DEV';
const LOCATION_ID = 'LHOOKRELAY0SANDBOX';

/** Square's notification envelope: a new `event_id` on every call, `data.object` keyed by the object type. */
function squareEvent(type: string, objectType: string, object: Record<string, unknown>, context: SampleContext): string {
  return compactJson({
    merchant_id: MERCHANT_ID,
    type,
    event_id: randomUUID(),
    created_at: isoTime(context.nowSeconds),
    data: { type: objectType, id: object['id'], object: { [objectType]: object } },
  });
}

const money = (amount: number) => ({ amount, currency: 'EUR' });

function payment(status: 'APPROVED' | 'COMPLETED', version: number, context: SampleContext): Record<string, unknown> {
  const id = randomId('', 29);
  return {
    id,
    created_at: isoTime(context.nowSeconds - 5),
    updated_at: isoTime(context.nowSeconds),
    amount_money: money(2000),
    approved_money: money(2000),
    total_money: money(2000),
    status,
    source_type: 'CARD',
    card_details: {
      status: status === 'COMPLETED' ? 'CAPTURED' : 'AUTHORIZED',
      card: { card_brand: 'VISA', last_4: '1111', exp_month: 11, exp_year: 2030, fingerprint: `sq-1-${randomId('', 40)}`, card_type: 'CREDIT' },
      entry_method: 'KEYED',
      cvv_status: 'CVV_ACCEPTED',
      avs_status: 'AVS_ACCEPTED',
    },
    location_id: LOCATION_ID,
    order_id: randomId('', 29),
    note: 'Café crème ☕',
    receipt_number: id.slice(0, 4),
    receipt_url: `https://squareupsandbox.com/receipt/preview/${id}`,
    version,
  };
}

function refund(context: SampleContext): Record<string, unknown> {
  const paymentId = randomId('', 29);
  return {
    id: `${paymentId}_${randomId('', 22)}`,
    status: 'PENDING',
    amount_money: money(2000),
    payment_id: paymentId,
    order_id: randomId('', 29),
    location_id: LOCATION_ID,
    reason: 'Cancelled order',
    created_at: isoTime(context.nowSeconds),
    updated_at: isoTime(context.nowSeconds),
    version: 1,
  };
}

function customer(context: SampleContext): Record<string, unknown> {
  return {
    id: randomId('', 26).toUpperCase(),
    created_at: isoTime(context.nowSeconds),
    updated_at: isoTime(context.nowSeconds),
    given_name: 'Zoë',
    family_name: 'Martin',
    email_address: 'zoe@example.com',
    preferences: { email_unsubscribed: false },
    creation_source: 'THIRD_PARTY',
    version: 0,
  };
}

/**
 * Square: `x-square-hmacsha256-signature: <base64>`, HMAC-SHA256 keyed with the subscription's
 * signature key over the notification URL followed by the raw body, as `square`'s
 * `WebhooksHelper.verifySignature` computes it. `request.url` must be the URL configured in the
 * subscription, byte for byte (the route's `signedUrl` deployed; locally, the URL as received).
 * No timestamp is signed; the event id (`event_id`) is in the signed body.
 */
export const square: WebhookProvider = {
  name: 'square',
  defaultToleranceSeconds: 0,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    refuseLegacySignatureAlone(request, SIGNATURE.header, LEGACY_SIGNATURE_HEADER, 'HMAC-SHA1');
    const secretIndex = secretIndexOfHmac(secrets, requireMacs(request, SIGNATURE), SIGNATURE.algorithm, request.url, signedBody(request));
    if (secretIndex < 0) return signatureMismatch(secrets);

    const body = parseJsonBody(request);
    return { secretIndex, events: [jsonEvent(requireStringField(body.value, ['event_id']), requireStringField(body.value, ['type']), body)] };
  },

  sign(request, { secret }) {
    return withSentHeaders(request, { [SIGNATURE.header]: hmacSignature(SIGNATURE, secret, request.url, bodyBytes(request)) });
  },

  samples: {
    defaultType: 'payment.updated',
    types: {
      'payment.created': (c) => squareEvent('payment.created', 'payment', payment('APPROVED', 1, c), c),
      'payment.updated': (c) => squareEvent('payment.updated', 'payment', payment('COMPLETED', 3, c), c),
      'refund.created': (c) => squareEvent('refund.created', 'refund', refund(c), c),
      'customer.created': (c) => squareEvent('customer.created', 'customer', customer(c), c),
    },
    request: (body, _type, context) =>
      jsonPost(body, context, {
        'Square-Environment': 'Sandbox',
        'Square-Initial-Delivery-Timestamp': isoTime(context.nowSeconds),
        'User-Agent': 'Square Connect v2',
      }),
  },

  development: { secret: 'hookrelay-development-square-signature-key' },

  docs: {
    title: 'Square',
    signatureHeaders: '`x-square-hmacsha256-signature: <base64>` (the SHA-1 `x-square-signature` alone is refused)',
    signedContent: 'HMAC-SHA256 of `{url}{body}`, the URL exactly as configured in the subscription',
    timestamp: 'none',
    eventId: '`event_id`',
    eventType: '`type`',
    secret: 'the subscription’s signature key',
    secretLocation: 'Developer Console → your application → Webhooks → Subscriptions → the subscription → *Signature key*',
    notSigned: 'the `square-*` delivery headers (retry number, initial delivery time)',
    replayProtection: 'the signed `event_id`: a captured notification sent again is a repeat while its idempotency record lives (no timestamp is signed)',
    oracle: '`square` (`WebhooksHelper.verifySignature`); Square ships no signer, so `sign` is checked by its verifier',
    notes: [
      'The signature covers the notification URL, so the route must know it exactly: deployed, set the route’s `signedUrl` to the URL configured in the subscription (API Gateway’s own URL is not what Square signs behind a custom domain); locally, the URL each request was sent to is used as received, or `WEBHOOK_SIGNED_URL_SQUARE`. No variants are tried, as Square’s SDK tries none.',
    ],
  },
};
