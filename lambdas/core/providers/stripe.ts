import { WebhookError } from '../errors';
import { hmac, matchesAny } from '../crypto';
import {
  assertTimestampWithinTolerance,
  DEFAULT_MAX_BODY_BYTES,
  secretIndexOf,
  signatureMismatch,
  jsonEvent,
  MAX_SIGNATURE_CANDIDATES,
  MAX_SIGNED_MESSAGES,
  noOptions,
  parseJsonBody,
  parseUnixSeconds,
  requireStringField,
  bodyBytes,
  jsonPost,
  withSentHeaders,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { headerValues } from '../request';
import { randomUUID } from 'node:crypto';
import { isoTime, prettyJson, randomId } from '../samples';
import { decodeMac, timestampedMacHeader, type TimestampedMacFormat } from '../schemes';

/** `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `{t}.{body}`. */
const SIGNATURE: TimestampedMacFormat = { header: 'Stripe-Signature', separator: ',', timestampKey: 't', macKey: 'v1', algorithm: 'sha256', encoding: 'hex' };

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
  for (const item of value.split(SIGNATURE.separator)) {
    const separator = item.indexOf('=');
    if (separator < 0) continue;
    const key = item.slice(0, separator).trim();
    const entry = item.slice(separator + 1).trim();
    if (key === SIGNATURE.timestampKey) text ??= entry;
    else if (key === SIGNATURE.macKey) {
      const mac = decodeMac(entry, SIGNATURE.algorithm, SIGNATURE.encoding);
      if (mac !== undefined) signatures.push(mac);
    }
  }
  const seconds = parseUnixSeconds(text);
  return text === undefined || seconds === undefined || signatures.length === 0 ? undefined : { text, seconds, signatures };
}

/**
 * Bounds the signatures compared: MAX_SIGNATURE_CANDIDATES in all. The timestamps, each one HMAC of
 * the body per secret, are bounded before: one per header value, at most MAX_SIGNED_MESSAGES values.
 */
function assertBounded(signed: readonly SignedTimestamp[]): void {
  const candidates = signed.reduce((sum, entry) => sum + entry.signatures.length, 0);
  if (candidates > MAX_SIGNATURE_CANDIDATES) {
    throw new WebhookError('MALFORMED_SIGNATURE', `${SIGNATURE.header} carries too many signatures`, {
      details: { signatures: candidates, max: MAX_SIGNATURE_CANDIDATES },
    });
  }
}

// --- Samples for `npm run send` --------------------------------------------------------------

const API_VERSION = '2025-03-31.basil';
const CUSTOMER = { email: 'zoe@example.com', name: 'Zoë Martin' };

/** Stripe's event envelope around `object`: a new `evt_…` id and `created` = now. */
function stripeEvent(type: string, object: Record<string, unknown>, context: SampleContext): string {
  return prettyJson({
    id: randomId('evt_'),
    object: 'event',
    api_version: API_VERSION,
    created: context.nowSeconds,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: randomId('req_', 14), idempotency_key: randomUUID() },
    type,
  });
}

function paymentIntent(status: string, context: SampleContext): Record<string, unknown> {
  return {
    id: randomId('pi_'),
    object: 'payment_intent',
    amount: 2000,
    amount_received: status === 'succeeded' ? 2000 : 0,
    currency: 'eur',
    customer: randomId('cus_', 14),
    created: context.nowSeconds,
    description: 'Café crème ☕',
    latest_charge: status === 'succeeded' ? randomId('ch_') : null,
    last_payment_error: status === 'succeeded' ? null : { code: 'card_declined', decline_code: 'insufficient_funds', type: 'card_error' },
    livemode: false,
    metadata: { order_id: randomId('order_', 10) },
    payment_method_types: ['card'],
    status,
  };
}

function charge(refunded: boolean, context: SampleContext): Record<string, unknown> {
  return {
    id: randomId('ch_'),
    object: 'charge',
    amount: 2000,
    amount_captured: 2000,
    amount_refunded: refunded ? 2000 : 0,
    currency: 'eur',
    created: context.nowSeconds,
    customer: randomId('cus_', 14),
    paid: true,
    payment_intent: randomId('pi_'),
    refunded,
    status: 'succeeded',
  };
}

function invoice(status: 'paid' | 'open', context: SampleContext): Record<string, unknown> {
  return {
    id: randomId('in_'),
    object: 'invoice',
    amount_due: 4900,
    amount_paid: status === 'paid' ? 4900 : 0,
    amount_remaining: status === 'paid' ? 0 : 4900,
    attempt_count: 1,
    billing_reason: 'subscription_cycle',
    created: context.nowSeconds,
    currency: 'eur',
    customer: randomId('cus_', 14),
    customer_email: CUSTOMER.email,
    number: `HR-${randomId('', 6).toUpperCase()}`,
    paid: status === 'paid',
    status,
  };
}

function subscription(status: 'active' | 'canceled', context: SampleContext): Record<string, unknown> {
  return {
    id: randomId('sub_'),
    object: 'subscription',
    customer: randomId('cus_', 14),
    created: context.nowSeconds,
    items: { object: 'list', data: [{ id: randomId('si_', 14), price: { id: 'price_hookrelay_pro', unit_amount: 4900, currency: 'eur' } }] },
    status,
    canceled_at: status === 'canceled' ? context.nowSeconds : null,
  };
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
    const values = headerValues(request, SIGNATURE.header).filter((value) => value.trim() !== '');
    if (values.length === 0) {
      throw new WebhookError('MISSING_SIGNATURE', `${SIGNATURE.header} header is missing`);
    }
    if (values.length > MAX_SIGNED_MESSAGES) {
      throw new WebhookError('MALFORMED_SIGNATURE', `${SIGNATURE.header} is repeated too often`, { details: { values: values.length } });
    }
    const signed = values.map(parseSignatureHeader).filter((entry): entry is SignedTimestamp => entry !== undefined);
    if (signed.length === 0) {
      throw new WebhookError('MALFORMED_SIGNATURE', `${SIGNATURE.header} has no timestamp or no v1 signature`);
    }
    assertBounded(signed);

    // Signature before timestamp: a stale but authentic delivery is reported as stale, a forged
    // one as invalid, matching Stripe's SDK and never revealing which check a forgery failed first.
    let matched: SignedTimestamp | undefined;
    const secretIndex = secretIndexOf(secrets, (secret) => {
      matched = signed.find((entry) => matchesAny(entry.signatures, hmac(SIGNATURE.algorithm, secret, `${entry.text}.`, signedBody(request))));
      return matched !== undefined;
    });
    if (secretIndex < 0) return signatureMismatch(secrets);
    assertTimestampWithinTolerance(matched!.seconds, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request);
    return {
      secretIndex,
      events: [jsonEvent(requireStringField(body.value, ['id']), requireStringField(body.value, ['type']), body)],
    };
  },

  sign(request, { secret, nowSeconds }) {
    const timestampText = String(nowSeconds);
    const mac = hmac(SIGNATURE.algorithm, secret, `${timestampText}.`, bodyBytes(request));
    return withSentHeaders(request, { [SIGNATURE.header]: timestampedMacHeader(SIGNATURE, timestampText, [mac]) });
  },

  samples: {
    defaultType: 'payment_intent.succeeded',
    types: {
      'payment_intent.succeeded': (c) => stripeEvent('payment_intent.succeeded', paymentIntent('succeeded', c), c),
      'payment_intent.payment_failed': (c) => stripeEvent('payment_intent.payment_failed', paymentIntent('requires_payment_method', c), c),
      'charge.succeeded': (c) => stripeEvent('charge.succeeded', charge(false, c), c),
      'charge.refunded': (c) => stripeEvent('charge.refunded', charge(true, c), c),
      'invoice.paid': (c) => stripeEvent('invoice.paid', invoice('paid', c), c),
      'invoice.payment_failed': (c) => stripeEvent('invoice.payment_failed', invoice('open', c), c),
      'customer.created': (c) =>
        stripeEvent('customer.created', { id: randomId('cus_', 14), object: 'customer', created: c.nowSeconds, ...CUSTOMER }, c),
      'customer.subscription.created': (c) => stripeEvent('customer.subscription.created', subscription('active', c), c),
      'customer.subscription.deleted': (c) => stripeEvent('customer.subscription.deleted', subscription('canceled', c), c),
      'checkout.session.completed': (c) =>
        stripeEvent(
          'checkout.session.completed',
          {
            id: randomId('cs_test_', 58),
            object: 'checkout.session',
            amount_total: 2000,
            currency: 'eur',
            customer_details: CUSTOMER,
            mode: 'payment',
            payment_intent: randomId('pi_'),
            payment_status: 'paid',
            status: 'complete',
          },
          c,
        ),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' }),
  },

  development: { secret: 'whsec_hookrelay_development_stripe_secret' },

  docs: {
    title: 'Stripe',
    signatureHeaders: '`Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>…]` (`v0` ignored)',
    signedContent: 'HMAC-SHA256 of `{t}.{body}`',
    timestamp: '`t`, seconds; 300 s either way',
    eventId: 'body `id`',
    eventType: 'body `type`',
    secret: '`whsec_…` signing secret',
    secretLocation: 'Dashboard → Developers → Webhooks (Workbench) → your endpoint → *Signing secret*',
    notSigned: 'nothing the envelope uses: id and type are in the signed body',
    replayProtection: 'the signed timestamp, then the event id',
    oracle: '`stripe` (`webhooks.generateTestHeaderString`, `webhooks.constructEvent`)',
    notes: [
      'Several `v1` entries appear while a secret is rolled in the dashboard; any may match. A repeated header is read value by value, each with its own `t`, at most two.',
    ],
  },
};
