import type { Signer } from './signer';
import { unixSeconds } from './signer';

/**
 * Stripe: `Stripe-Signature: t=…,v1=…` from Stripe's own SDK (`webhooks.generateTestHeaderString`).
 * The SDK is loaded on first use: it is the slowest package to import, and a run signs for one provider.
 */
export const stripeSigner: Signer = {
  async sign({ body, secret, now }) {
    const { default: Stripe } = await import('stripe');
    // The API key is never used: signing makes no request.
    const stripe = new Stripe('sk_test_hookrelay_send');
    const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: unixSeconds(now) });
    return {
      headers: { 'Stripe-Signature': signature, 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
      body,
      contentType: 'application/json; charset=utf-8',
    };
  },
};
