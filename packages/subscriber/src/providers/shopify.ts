import type { JsonObject } from '../json';

/**
 * Shopify webhooks: the body is the REST resource named by the topic (`X-Shopify-Topic`, the type
 * hookrelay publishes). Shopify publishes no TypeScript types for webhook bodies; these are the
 * fields of https://shopify.dev/docs/api/webhooks (REST format) a subscriber commonly reads, with
 * every other field still present at run time. Prices are decimal strings, as Shopify sends them.
 */
interface ShopifyResource {
  readonly id: number;
  readonly admin_graphql_api_id: string;
  readonly [field: string]: unknown;
}

export interface ShopifyAddress {
  readonly first_name?: string | null;
  readonly last_name?: string | null;
  readonly company?: string | null;
  readonly address1?: string | null;
  readonly address2?: string | null;
  readonly city?: string | null;
  readonly province?: string | null;
  readonly province_code?: string | null;
  readonly zip?: string | null;
  readonly country?: string | null;
  readonly country_code?: string | null;
  readonly phone?: string | null;
}

export interface ShopifyCustomer extends ShopifyResource {
  readonly email: string | null;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly phone?: string | null;
  readonly state?: 'disabled' | 'invited' | 'enabled' | 'declined';
  readonly verified_email?: boolean;
  readonly orders_count?: number;
  readonly created_at?: string;
  readonly updated_at?: string;
  readonly tags?: string;
}

export interface ShopifyLineItem {
  readonly id: number;
  readonly product_id: number | null;
  readonly variant_id?: number | null;
  readonly title: string;
  readonly quantity: number;
  readonly price: string;
  readonly sku: string | null;
  readonly [field: string]: unknown;
}

export type ShopifyFinancialStatus = 'pending' | 'authorized' | 'partially_paid' | 'paid' | 'partially_refunded' | 'refunded' | 'voided';

export interface ShopifyOrder extends ShopifyResource {
  /** `#1001` */
  readonly name: string;
  readonly order_number: number;
  readonly email: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly currency: string;
  readonly total_price: string;
  readonly subtotal_price: string;
  readonly total_tax: string;
  readonly financial_status: ShopifyFinancialStatus | null;
  readonly fulfillment_status: 'fulfilled' | 'partial' | 'restocked' | null;
  readonly cancelled_at: string | null;
  readonly cancel_reason?: 'customer' | 'declined' | 'fraud' | 'inventory' | 'staff' | 'other' | null;
  readonly note?: string | null;
  readonly tags?: string;
  readonly test?: boolean;
  readonly customer?: ShopifyCustomer | null;
  readonly line_items: readonly ShopifyLineItem[];
  readonly shipping_address?: ShopifyAddress | null;
  readonly billing_address?: ShopifyAddress | null;
}

export interface ShopifyProductVariant {
  readonly id: number;
  readonly product_id: number;
  readonly title: string;
  readonly price: string;
  readonly sku: string | null;
  readonly inventory_quantity?: number;
  readonly [field: string]: unknown;
}

export interface ShopifyProduct extends ShopifyResource {
  readonly title: string;
  readonly handle: string;
  readonly status: 'active' | 'archived' | 'draft';
  readonly vendor: string;
  readonly product_type: string;
  readonly updated_at: string;
  readonly variants: readonly ShopifyProductVariant[];
}

/** `app/uninstalled`: the shop. */
export interface ShopifyShop {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly domain: string;
  readonly myshopify_domain: string;
  readonly [field: string]: unknown;
}

/** The delete topics (`orders/delete`, `products/delete`, …) carry only the id. */
export interface ShopifyDeletion {
  readonly id: number;
}

type OrderTopics = 'create' | 'updated' | 'paid' | 'cancelled' | 'fulfilled' | 'partially_fulfilled' | 'edited';

export type ShopifyEventMap = { readonly [T in OrderTopics as `orders/${T}`]: ShopifyOrder } & {
  readonly 'orders/delete': ShopifyDeletion;
  readonly 'products/create': ShopifyProduct;
  readonly 'products/update': ShopifyProduct;
  readonly 'products/delete': ShopifyDeletion;
  readonly 'customers/create': ShopifyCustomer;
  readonly 'customers/update': ShopifyCustomer;
  readonly 'customers/delete': ShopifyDeletion;
  readonly 'app/uninstalled': ShopifyShop;
};

/** Shopify has well over a hundred topics; the others arrive as their JSON resource. */
export type ShopifyOtherEvent = JsonObject;
