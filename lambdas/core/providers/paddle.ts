import { randomUUID } from 'node:crypto';
import { hmac } from '../crypto';
import {
  assertTimestampWithinTolerance,
  bodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  requireUnixSeconds,
  withSentHeaders,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { compactJson, isoTime, prefixedUlid } from '../samples';
import { requireTimestampedMacs, secretIndexOfHmac, timestampedMacHeader, type TimestampedMacFormat } from '../schemes';

/**
 * `Paddle-Signature: ts=<unix seconds>;h1=<hex>[;h1=<hex>…]`, HMAC-SHA256 of `{ts}:{body}`. The
 * header "contains at least one" `h1` (one per active secret); exactly one `ts`.
 */
const SIGNATURE: TimestampedMacFormat = { header: 'Paddle-Signature', separator: ';', timestampKey: 'ts', macKey: 'h1', algorithm: 'sha256', encoding: 'hex' };

// --- Samples for `npm run send` --------------------------------------------------------------

/** Paddle's ids: a prefix and a lower-case ULID (`txn_01h8…`). */
const paddleId = (prefix: string) => prefixedUlid(prefix, 'lower');

const CUSTOMER = { name: 'Zoë Martin', email: 'zoe@example.com' };
const PRICE = {
  id: 'pri_01hookrelaypro0monthly00000',
  product_id: 'pro_01hookrelaypro000000000000',
  description: 'Pro — monthly',
  name: 'Pro',
  billing_cycle: { interval: 'month', frequency: 1 },
  unit_price: { amount: '2900', currency_code: 'EUR' },
  tax_mode: 'account_setting',
  status: 'active',
};

/** Paddle's notification envelope around `data`: a new `evt_…` and `ntf_…` on every call. */
function paddleEvent(type: string, data: Record<string, unknown>, context: SampleContext): string {
  return compactJson({
    event_id: paddleId('evt'),
    event_type: type,
    occurred_at: isoTime(context.nowSeconds),
    notification_id: paddleId('ntf'),
    data,
  });
}

function transaction(status: 'completed' | 'paid' | 'past_due', context: SampleContext): Record<string, unknown> {
  const now = isoTime(context.nowSeconds);
  const paid = status !== 'past_due';
  return {
    id: paddleId('txn'),
    status,
    customer_id: paddleId('ctm'),
    address_id: paddleId('add'),
    business_id: null,
    custom_data: { order_ref: 'café-42' },
    origin: 'subscription_recurring',
    collection_mode: 'automatic',
    subscription_id: paddleId('sub'),
    invoice_number: paid ? '325-10566' : null,
    currency_code: 'EUR',
    discount_id: null,
    created_at: now,
    updated_at: now,
    billed_at: now,
    billing_period: { starts_at: now, ends_at: isoTime(context.nowSeconds + 30 * 86_400) },
    items: [{ price: PRICE, quantity: 1 }],
    details: {
      totals: { subtotal: '2900', tax: '551', discount: '0', total: '3451', grand_total: '3451', fee: paid ? '223' : null, earnings: paid ? '2677' : null, currency_code: 'EUR' },
    },
    payments: [
      {
        payment_attempt_id: randomUUID(),
        amount: '3451',
        status: paid ? 'captured' : 'error',
        error_code: paid ? null : 'declined',
        method_details: { type: 'card', card: { type: 'visa', last4: '4242', expiry_month: 12, expiry_year: 2030, cardholder_name: CUSTOMER.name } },
        created_at: now,
        captured_at: paid ? now : null,
      },
    ],
  };
}

function subscription(status: 'active' | 'canceled' | 'past_due', context: SampleContext): Record<string, unknown> {
  const now = isoTime(context.nowSeconds);
  const period = { starts_at: now, ends_at: isoTime(context.nowSeconds + 30 * 86_400) };
  return {
    id: paddleId('sub'),
    status,
    customer_id: paddleId('ctm'),
    address_id: paddleId('add'),
    business_id: null,
    currency_code: 'EUR',
    created_at: now,
    updated_at: now,
    started_at: now,
    first_billed_at: now,
    next_billed_at: status === 'canceled' ? null : period.ends_at,
    paused_at: null,
    canceled_at: status === 'canceled' ? now : null,
    collection_mode: 'automatic',
    billing_cycle: { interval: 'month', frequency: 1 },
    current_billing_period: status === 'canceled' ? null : period,
    scheduled_change: null,
    items: [{ status: status === 'canceled' ? 'inactive' : 'active', quantity: 1, recurring: true, created_at: now, updated_at: now, price: PRICE }],
    custom_data: null,
  };
}

function customer(context: SampleContext): Record<string, unknown> {
  const now = isoTime(context.nowSeconds);
  return { id: paddleId('ctm'), ...CUSTOMER, marketing_consent: false, status: 'active', custom_data: null, locale: 'fr', created_at: now, updated_at: now, import_meta: null };
}

/**
 * Paddle Billing: `Paddle-Signature: ts=<unix seconds>;h1=<hex>`, HMAC-SHA256 keyed with the
 * notification destination's secret key over `{ts}:{body}`. Paddle's SDK
 * (`WebhooksValidator.MAX_VALID_TIME_DIFFERENCE = 5`) refuses a `ts` more than 5 s old: Paddle
 * signs each delivery attempt afresh, so that is the default tolerance here too, in both directions.
 * The event id (`event_id`) and type (`event_type`) are in the signed body.
 */
export const paddle: WebhookProvider = {
  name: 'paddle',
  defaultToleranceSeconds: 5,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const { timestampText, macs } = requireTimestampedMacs(request, SIGNATURE);
    const timestamp = requireUnixSeconds(timestampText, 'Paddle-Signature ts');
    // Signature before timestamp, as Paddle's SDK: a forgery is reported as invalid, never as stale.
    const secretIndex = secretIndexOfHmac(secrets, macs, SIGNATURE.algorithm, `${timestampText}:`, signedBody(request));
    if (secretIndex < 0) return signatureMismatch(secrets);
    assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request);
    return {
      secretIndex,
      events: [jsonEvent(requireStringField(body.value, ['event_id']), requireStringField(body.value, ['event_type']), body)],
    };
  },

  sign(request, { secret, nowSeconds }) {
    const timestampText = String(nowSeconds);
    const mac = hmac(SIGNATURE.algorithm, secret, `${timestampText}:`, bodyBytes(request));
    return withSentHeaders(request, { [SIGNATURE.header]: timestampedMacHeader(SIGNATURE, timestampText, [mac]) });
  },

  samples: {
    defaultType: 'transaction.completed',
    types: {
      'transaction.completed': (c) => paddleEvent('transaction.completed', transaction('completed', c), c),
      'transaction.paid': (c) => paddleEvent('transaction.paid', transaction('paid', c), c),
      'transaction.past_due': (c) => paddleEvent('transaction.past_due', transaction('past_due', c), c),
      'subscription.created': (c) => paddleEvent('subscription.created', subscription('active', c), c),
      'subscription.past_due': (c) => paddleEvent('subscription.past_due', subscription('past_due', c), c),
      'subscription.canceled': (c) => paddleEvent('subscription.canceled', subscription('canceled', c), c),
      'customer.created': (c) => paddleEvent('customer.created', customer(c), c),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'Paddle' }),
  },

  development: { secret: 'pdl_ntfset_01hookrelaydevelopment0paddle_hookrelayDevelopmentOnlyKey00' },

  docs: {
    title: 'Paddle',
    signatureHeaders: '`Paddle-Signature: ts=<unix>;h1=<hex>` (one `h1` per active secret)',
    signedContent: 'HMAC-SHA256 of `{ts}:{body}`',
    timestamp: '`ts`, seconds; 5 s either way (Paddle’s SDK: 5 s, old side only)',
    eventId: '`event_id`',
    eventType: '`event_type`',
    secret: 'endpoint secret key (`pdl_ntfset_…`)',
    secretLocation: 'Paddle → Developer tools → Notifications → a destination’s ⋯ → *Edit destination* → *Secret key*',
    notSigned: 'nothing the envelopes use',
    replayProtection: 'the signed timestamp (5 s), then the signed `event_id`',
    oracle: '`@paddle/paddle-node-sdk` (`webhooks.isSignatureValid`, `webhooks.unmarshal`); Paddle ships no signer, so `sign` is checked by its verifier',
    notes: [
      'Paddle’s 5 s window leaves little room for clock skew between Paddle and the verifier; widen the route’s `toleranceSeconds` if deliveries are refused as `TIMESTAMP_OUT_OF_TOLERANCE` while the clocks are in sync. The `event_id` stays the same across Paddle’s retries, so a wider window does not weaken deduplication.',
    ],
  },
};
