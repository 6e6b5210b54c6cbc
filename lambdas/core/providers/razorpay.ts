import { sha256Hex } from '../crypto';
import {
  contentKey,
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { header } from '../request';
import { compactJson, randomId } from '../samples';
import { bodyHmacSecretIndex, signBodyHmac, type HmacSignatureFormat } from '../schemes';

/** `X-Razorpay-Signature: <hex>`, HMAC-SHA256 of the body. */
const SIGNATURE: HmacSignatureFormat = { header: 'X-Razorpay-Signature', algorithm: 'sha256', encoding: 'hex' };
const EVENT_ID_HEADER = 'X-Razorpay-Event-Id';

// --- Samples for `npm run send` --------------------------------------------------------------

const ACCOUNT_ID = 'acc_HookrelayDev01';
const CUSTOMER = { email: 'zoe@example.com', contact: '+919876543210' };

/** Razorpay's event envelope: `payload.<entity>.entity` for each entity the event `contains`. */
function razorpayEvent(event: string, entities: Record<string, Record<string, unknown>>, context: SampleContext): string {
  return compactJson({
    entity: 'event',
    account_id: ACCOUNT_ID,
    event,
    contains: Object.keys(entities),
    payload: Object.fromEntries(Object.entries(entities).map(([name, entity]) => [name, { entity }])),
    created_at: context.nowSeconds,
  });
}

function payment(status: 'authorized' | 'captured' | 'failed', context: SampleContext, orderId = randomId('order_', 14)): Record<string, unknown> {
  const failed = status === 'failed';
  return {
    id: randomId('pay_', 14),
    entity: 'payment',
    amount: 49900,
    currency: 'INR',
    base_amount: 49900,
    status,
    order_id: orderId,
    invoice_id: null,
    international: false,
    method: 'upi',
    amount_refunded: 0,
    refund_status: null,
    captured: status === 'captured',
    description: 'Café crème ☕ subscription',
    card_id: null,
    bank: null,
    wallet: null,
    vpa: 'zoe@okhdfcbank',
    ...CUSTOMER,
    notes: { order_ref: 'hookrelay-42' },
    fee: status === 'captured' ? 1178 : null,
    tax: status === 'captured' ? 180 : null,
    error_code: failed ? 'BAD_REQUEST_ERROR' : null,
    error_description: failed ? 'Payment was unsuccessful as the UPI app did not respond.' : null,
    error_source: failed ? 'customer' : null,
    error_step: failed ? 'payment_authorization' : null,
    error_reason: failed ? 'payment_timed_out' : null,
    acquirer_data: { rrn: String(context.nowSeconds).padStart(12, '3') },
    created_at: context.nowSeconds - 20,
  };
}

function order(context: SampleContext, id: string): Record<string, unknown> {
  return {
    id,
    entity: 'order',
    amount: 49900,
    amount_paid: 49900,
    amount_due: 0,
    currency: 'INR',
    receipt: 'receipt#42',
    offer_id: null,
    status: 'paid',
    attempts: 1,
    notes: [],
    created_at: context.nowSeconds - 60,
  };
}

function refund(context: SampleContext): Record<string, unknown> {
  return {
    id: randomId('rfnd_', 14),
    entity: 'refund',
    amount: 49900,
    currency: 'INR',
    payment_id: randomId('pay_', 14),
    notes: { reason: 'Order cancelled' },
    receipt: null,
    acquirer_data: { rrn: null },
    created_at: context.nowSeconds,
    batch_id: null,
    status: 'processed',
    speed_processed: 'normal',
    speed_requested: 'normal',
  };
}

function orderPaid(context: SampleContext): string {
  const orderId = randomId('order_', 14);
  return razorpayEvent('order.paid', { payment: payment('captured', context, orderId), order: order(context, orderId) }, context);
}

/**
 * Razorpay: `X-Razorpay-Signature: <hex>`, HMAC-SHA256 of the raw body with the webhook secret (not
 * the API key secret), as `razorpay`'s `validateWebhookSignature` computes it. No timestamp is
 * signed, and the event id comes in the unsigned `X-Razorpay-Event-Id` header: deduplication uses
 * the signed body and the event type (`contentKey`), so a captured delivery sent again with a fresh
 * event id is a repeat. The type is the body's `event`.
 */
export const razorpay: WebhookProvider = {
  name: 'razorpay',
  defaultToleranceSeconds: 0,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    const secretIndex = bodyHmacSecretIndex(request, secrets, SIGNATURE);
    if (secretIndex < 0) return signatureMismatch(secrets);

    const body = parseJsonBody(request);
    const type = requireStringField(body.value, ['event']);
    // The header names the event as Razorpay knows it; a body hash stands in when it is absent, as
    // deduplication rests on the signed content either way.
    const id = header(request, EVENT_ID_HEADER)?.trim() || sha256Hex(signedBody(request));
    return { secretIndex, events: [jsonEvent(id, type, body, contentKey(type, signedBody(request)))] };
  },

  sign(request, { secret }) {
    return signBodyHmac(request, secret, SIGNATURE);
  },

  samples: {
    defaultType: 'payment.captured',
    types: {
      'payment.authorized': (c) => razorpayEvent('payment.authorized', { payment: payment('authorized', c) }, c),
      'payment.captured': (c) => razorpayEvent('payment.captured', { payment: payment('captured', c) }, c),
      'payment.failed': (c) => razorpayEvent('payment.failed', { payment: payment('failed', c) }, c),
      'order.paid': orderPaid,
      'refund.processed': (c) => razorpayEvent('refund.processed', { refund: refund(c) }, c),
    },
    request: (body, _type, context) => jsonPost(body, context, { [EVENT_ID_HEADER]: randomId('', 14), 'User-Agent': 'Razorpay-Webhook/v1' }),
  },

  development: { secret: 'hookrelay-development-razorpay-webhook-secret' },

  docs: {
    title: 'Razorpay',
    signatureHeaders: '`X-Razorpay-Signature: <hex>`',
    signedContent: 'HMAC-SHA256 of `{body}`',
    timestamp: 'none',
    eventId: '`X-Razorpay-Event-Id`, else the SHA-256 hex of the body',
    eventType: '`event`',
    secret: 'the webhook secret you set (not the API key secret)',
    secretLocation: 'Dashboard → Account & Settings → Webhooks → the webhook → *Secret*',
    notSigned: '`X-Razorpay-Event-Id` (the envelope `id`)',
    replayProtection: 'the signed body and the event type: the same body is accepted once per idempotency window, whatever event id comes with it',
    oracle: '`razorpay` (`Razorpay.validateWebhookSignature`); Razorpay ships no signer, so `sign` is checked by its verifier',
    notes: [
      'Razorpay signs no timestamp of sending; the body’s `created_at` is when the event happened, so it cannot bound a replay. A captured delivery is recognised as a repeat by its signed content for as long as the idempotency record lives.',
    ],
  },
};
