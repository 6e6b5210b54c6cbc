import { compactJson, randomNumericId, type SampleContext, type SampleSet } from './sample';

// Shopify names the topic and the delivery in headers (see the signer); bodies are the resource.
const SHOP = 'hookrelay-dev.myshopify.com';
const CUSTOMER = { email: 'zoe@example.com', first_name: 'Zoë', last_name: 'Martin', phone: '+33612345678' };

function order({ now }: SampleContext, overrides: Record<string, unknown> = {}): string {
  const id = randomNumericId();
  return compactJson({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${1000 + (id % 9000)}`,
    order_number: 1000 + (id % 9000),
    email: CUSTOMER.email,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
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

function product({ now }: SampleContext): string {
  const id = randomNumericId();
  return compactJson({
    id,
    admin_graphql_api_id: `gid://shopify/Product/${id}`,
    title: 'Crème brûlée torch',
    handle: 'creme-brulee-torch',
    status: 'active',
    vendor: 'hookrelay',
    product_type: 'Kitchen',
    updated_at: now.toISOString(),
    variants: [{ id: randomNumericId(), product_id: id, title: 'Default Title', price: '35.00', sku: 'TORCH-01', inventory_quantity: 12 }],
  });
}

function customer({ now }: SampleContext): string {
  const id = randomNumericId();
  return compactJson({
    id,
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
    ...CUSTOMER,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    state: 'enabled',
    verified_email: true,
    orders_count: 0,
  });
}

function appUninstalled(): string {
  return compactJson({ id: randomNumericId(), name: 'hookrelay dev', email: 'owner@example.com', domain: SHOP, myshopify_domain: SHOP });
}

export const shopifySamples: SampleSet = {
  defaultType: 'orders/create',
  types: {
    'orders/create': (c) => order(c),
    'orders/paid': (c) => order(c, { financial_status: 'paid' }),
    'orders/cancelled': (c) => order(c, { cancelled_at: c.now.toISOString(), cancel_reason: 'customer', financial_status: 'refunded' }),
    'orders/fulfilled': (c) => order(c, { financial_status: 'paid', fulfillment_status: 'fulfilled' }),
    'products/update': product,
    'customers/create': customer,
    'app/uninstalled': appUninstalled,
  },
};
