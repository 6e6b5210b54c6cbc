import { WebhookError } from '../errors';
import {
  contentKey,
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  jsonEvent,
  noOptions,
  parseJsonBody,
  signatureHeaderEntries,
  jsonPost,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { header, type WebhookRequest } from '../request';
import { randomUUID } from 'node:crypto';
import { compactJson, isoTime, randomNumericId } from '../samples';
import { receivedMacs, secretIndexOfHmac, signBodyHmac, type HmacSignatureFormat } from '../schemes';

/** `X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body. */
const SIGNATURE: HmacSignatureFormat = { header: 'X-Shopify-Hmac-Sha256', algorithm: 'sha256', encoding: 'base64' };

/**
 * Shopify's webhooks send `X-Shopify-*` headers; its newer event subscriptions send the same
 * headers without the prefix (`shopify-hmac-sha256`, `shopify-topic`, …), and `@shopify/shopify-api`
 * reads either. The prefixed name wins when both are present.
 */
function shopifyHeader(request: Pick<WebhookRequest, 'headers'>, name: string): string | undefined {
  return header(request, `x-shopify-${name}`) || header(request, `shopify-${name}`) || undefined;
}

// --- Samples for `npm run send` --------------------------------------------------------------

// Shopify names the topic and the delivery in headers (see the signer); bodies are the resource.
const SHOP = 'hookrelay-dev.myshopify.com';
const CUSTOMER = { email: 'zoe@example.com', first_name: 'Zoë', last_name: 'Martin', phone: '+33612345678' };

function order(context: SampleContext, overrides: Record<string, unknown> = {}): string {
  const id = randomNumericId();
  return compactJson({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${1000 + (id % 9000)}`,
    order_number: 1000 + (id % 9000),
    email: CUSTOMER.email,
    created_at: isoTime(context.nowSeconds),
    updated_at: isoTime(context.nowSeconds),
    currency: 'EUR',
    total_price: '42.00',
    subtotal_price: '35.00',
    total_tax: '7.00',
    financial_status: 'pending',
    fulfillment_status: null,
    cancelled_at: null,
    note: 'Gift 🎁 — fragile',
    customer: { id: randomNumericId(), ...CUSTOMER },
    line_items: [
      { id: randomNumericId(), product_id: randomNumericId(), title: 'Crème brûlée torch', quantity: 1, price: '35.00', sku: 'TORCH-01' },
    ],
    shipping_address: { first_name: 'Zoë', last_name: 'Martin', address1: '1 rue de la Paix', city: 'Paris', zip: '75002', country_code: 'FR' },
    ...overrides,
  });
}

function product(context: SampleContext): string {
  const id = randomNumericId();
  return compactJson({
    id,
    admin_graphql_api_id: `gid://shopify/Product/${id}`,
    title: 'Crème brûlée torch',
    handle: 'creme-brulee-torch',
    status: 'active',
    vendor: 'hookrelay',
    product_type: 'Kitchen',
    updated_at: isoTime(context.nowSeconds),
    variants: [{ id: randomNumericId(), product_id: id, title: 'Default Title', price: '35.00', sku: 'TORCH-01', inventory_quantity: 12 }],
  });
}

function customer(context: SampleContext): string {
  const id = randomNumericId();
  return compactJson({
    id,
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
    ...CUSTOMER,
    created_at: isoTime(context.nowSeconds),
    updated_at: isoTime(context.nowSeconds),
    state: 'enabled',
    verified_email: true,
    orders_count: 0,
  });
}

function appUninstalled(): string {
  return compactJson({ id: randomNumericId(), name: 'hookrelay dev', email: 'owner@example.com', domain: SHOP, myshopify_domain: SHOP });
}

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>` HMAC-SHA256 over the raw body, keyed with the app's
 * client secret (or, for webhooks created in the store admin, the key shown under Notifications).
 * Shopify signs no timestamp, and not the id or topic headers (as with GitHub): they are read only
 * after the signature passes, and deduplication uses the signed body and the topic (`contentKey`),
 * so a captured delivery sent again with a fresh id is a repeat, while one order sent both as
 * `orders/create` and `orders/updated` stays two events.
 */
export const shopify: WebhookProvider = {
  name: 'shopify',
  defaultToleranceSeconds: 0,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    const signatureHeader = header(request, SIGNATURE.header) === undefined && header(request, 'shopify-hmac-sha256') !== undefined
      ? 'shopify-hmac-sha256'
      : SIGNATURE.header;
    const received = receivedMacs(signatureHeaderEntries(request, signatureHeader), SIGNATURE);
    const secretIndex = secretIndexOfHmac(secrets, received, SIGNATURE.algorithm, signedBody(request));
    if (secretIndex < 0) return signatureMismatch(secrets);

    // X-Shopify-Webhook-Id is unique per delivery and stable across retries; X-Shopify-Event-Id
    // (the triggering event, shared by every subscription) is the fallback.
    const id = shopifyHeader(request, 'webhook-id') ?? shopifyHeader(request, 'event-id');
    const topic = shopifyHeader(request, 'topic');
    if (!id || !topic) {
      throw new WebhookError('INVALID_PAYLOAD', 'X-Shopify-Webhook-Id or X-Shopify-Topic header is missing');
    }
    const body = parseJsonBody(request);
    return { secretIndex, events: [jsonEvent(id, topic, body, contentKey(topic, signedBody(request)))] };
  },

  sign(request, { secret }) {
    return signBodyHmac(request, secret, SIGNATURE);
  },

  samples: {
    defaultType: 'orders/create',
    types: {
      'orders/create': (c) => order(c),
      'orders/paid': (c) => order(c, { financial_status: 'paid' }),
      'orders/cancelled': (c) => order(c, { cancelled_at: isoTime(c.nowSeconds), cancel_reason: 'customer', financial_status: 'refunded' }),
      'orders/fulfilled': (c) => order(c, { financial_status: 'paid', fulfillment_status: 'fulfilled' }),
      'products/update': product,
      'customers/create': customer,
      'app/uninstalled': appUninstalled,
    },
    request: (body, type, context) =>
      jsonPost(body, context, {
        'X-Shopify-Topic': type,
        'X-Shopify-Webhook-Id': randomUUID(),
        // The triggering event's id: shared by every subscription, so a different value from the delivery's.
        'X-Shopify-Event-Id': randomUUID(),
        'X-Shopify-Shop-Domain': SHOP,
        'X-Shopify-API-Version': '2025-01',
        'X-Shopify-Triggered-At': isoTime(context.nowSeconds),
      }),
  },

  development: { secret: 'hookrelay-development-shopify-secret' },

  docs: {
    title: 'Shopify',
    signatureHeaders: '`X-Shopify-Hmac-Sha256: <base64>` (or `shopify-hmac-sha256`: every header is also read without its `X-Shopify-` prefix)',
    signedContent: 'HMAC-SHA256 of `{body}`',
    timestamp: 'none',
    eventId: '`X-Shopify-Webhook-Id`, else `X-Shopify-Event-Id`',
    eventType: '`X-Shopify-Topic` (e.g. `orders/create`)',
    secret: "the app's client secret",
    secretLocation:
      'Dev Dashboard / Partner Dashboard → your app → *Client credentials* → *Client secret*; webhooks made in the store admin: Settings → Notifications → Webhooks (“signed with …” key)',
    notSigned:
      'the id, topic and shop-domain headers: as with GitHub, the topic is the sender’s word (one order is legitimately sent as both `orders/create` and `orders/updated`, so the body alone cannot identify an event)',
    replayProtection: 'the signed body and the topic',
    oracle: 'none installable on Node 20 (`@shopify/shopify-api` needs Node 22): a known answer computed as Shopify’s docs describe',
  },
};
