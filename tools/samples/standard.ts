import { compactJson, randomId, type SampleContext, type SampleSet } from './sample';

// The event id is the `webhook-id` header (see the signer); the body names the type.
function standardEvent(type: string, data: Record<string, unknown>, { now }: SampleContext): string {
  return compactJson({ type, timestamp: now.toISOString(), data });
}

function invoice(status: string, context: SampleContext): string {
  return standardEvent(
    `invoice.${status}`,
    { id: randomId('inv_', 16), customer_id: randomId('cust_', 16), amount: 4900, currency: 'EUR', status, issued_at: context.now.toISOString() },
    context,
  );
}

export const standardSamples: SampleSet = {
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
};
