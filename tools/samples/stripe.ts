import { randomUUID } from 'node:crypto';
import { prettyJson, randomId, unixSeconds, type SampleContext, type SampleSet } from './sample';

const API_VERSION = '2025-03-31.basil';
const CUSTOMER = { email: 'zoe@example.com', name: 'Zoë Martin' };

/** Stripe's event envelope around `object`: a new `evt_…` id and `created` = now. */
function stripeEvent(type: string, object: Record<string, unknown>, { now }: SampleContext): string {
  return prettyJson({
    id: randomId('evt_'),
    object: 'event',
    api_version: API_VERSION,
    created: unixSeconds(now),
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
    created: unixSeconds(context.now),
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
    created: unixSeconds(context.now),
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
    created: unixSeconds(context.now),
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
    created: unixSeconds(context.now),
    items: { object: 'list', data: [{ id: randomId('si_', 14), price: { id: 'price_hookrelay_pro', unit_amount: 4900, currency: 'eur' } }] },
    status,
    canceled_at: status === 'canceled' ? unixSeconds(context.now) : null,
  };
}

export const stripeSamples: SampleSet = {
  defaultType: 'payment_intent.succeeded',
  types: {
    'payment_intent.succeeded': (c) => stripeEvent('payment_intent.succeeded', paymentIntent('succeeded', c), c),
    'payment_intent.payment_failed': (c) => stripeEvent('payment_intent.payment_failed', paymentIntent('requires_payment_method', c), c),
    'charge.succeeded': (c) => stripeEvent('charge.succeeded', charge(false, c), c),
    'charge.refunded': (c) => stripeEvent('charge.refunded', charge(true, c), c),
    'invoice.paid': (c) => stripeEvent('invoice.paid', invoice('paid', c), c),
    'invoice.payment_failed': (c) => stripeEvent('invoice.payment_failed', invoice('open', c), c),
    'customer.created': (c) =>
      stripeEvent('customer.created', { id: randomId('cus_', 14), object: 'customer', created: unixSeconds(c.now), ...CUSTOMER }, c),
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
};
