import { createHmac, randomUUID } from 'node:crypto';
import type { Signer } from './signer';

/**
 * Shopify: base64 HMAC-SHA256 of the body keyed with the app's client secret, as Shopify's docs
 * describe ("Verify webhooks"); Shopify ships no signer for Node. Topic and ids travel in headers.
 */
export const shopifySigner: Signer = {
  async sign({ body, secret, now, eventType, deliveryId }) {
    return {
      headers: {
        'X-Shopify-Hmac-Sha256': createHmac('sha256', secret).update(body, 'utf8').digest('base64'),
        'X-Shopify-Topic': eventType,
        'X-Shopify-Webhook-Id': deliveryId,
        // The triggering event's id: shared by every subscription, so a different value from the delivery's.
        'X-Shopify-Event-Id': randomUUID(),
        'X-Shopify-Shop-Domain': 'hookrelay-dev.myshopify.com',
        'X-Shopify-API-Version': '2025-01',
        'X-Shopify-Triggered-At': now.toISOString(),
      },
      body,
      contentType: 'application/json',
    };
  },
};
