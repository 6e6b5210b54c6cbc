import type { JsonObject } from '../json';

/**
 * Square webhooks: hookrelay publishes the body Square posts, typed by `type`. Fields as documented
 * in https://developer.squareup.com/reference/square/webhooks (snake_case, as on the wire; the
 * `square` SDK's own types are camelCase conversions). Square adds fields over time: each object
 * keeps an index signature for them.
 */
export interface SquareWebhookEvent<TType extends string, TObjectType extends string, TObject> {
  readonly merchant_id: string;
  readonly type: TType;
  readonly event_id: string;
  readonly created_at: string;
  readonly data: {
    readonly type: TObjectType;
    readonly id: string;
    /** The object under its type's name: `{ payment: {…} }`. */
    readonly object: { readonly [K in TObjectType]: TObject };
    readonly deleted?: boolean;
  };
}

/** An amount in the currency's smallest unit. */
export interface SquareMoney {
  readonly amount: number;
  readonly currency: string;
}

export interface SquarePayment {
  readonly id: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly amount_money: SquareMoney;
  readonly tip_money?: SquareMoney;
  readonly total_money: SquareMoney;
  readonly approved_money?: SquareMoney;
  readonly refunded_money?: SquareMoney;
  readonly status: 'APPROVED' | 'PENDING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  readonly source_type: 'CARD' | 'BANK_ACCOUNT' | 'WALLET' | 'BUY_NOW_PAY_LATER' | 'SQUARE_ACCOUNT' | 'CASH' | 'EXTERNAL' | (string & {});
  readonly card_details?: JsonObject;
  readonly location_id: string;
  readonly order_id?: string;
  readonly customer_id?: string;
  readonly reference_id?: string;
  readonly note?: string;
  readonly receipt_number?: string;
  readonly receipt_url?: string;
  readonly version: number;
  readonly [field: string]: unknown;
}

export interface SquareRefund {
  readonly id: string;
  readonly status: 'PENDING' | 'COMPLETED' | 'REJECTED' | 'FAILED';
  readonly amount_money: SquareMoney;
  readonly payment_id: string;
  readonly order_id?: string;
  readonly location_id: string;
  readonly reason?: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly version: number;
  readonly [field: string]: unknown;
}

export interface SquareCustomer {
  readonly id: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly given_name?: string;
  readonly family_name?: string;
  readonly company_name?: string;
  readonly email_address?: string;
  readonly phone_number?: string;
  readonly reference_id?: string;
  readonly creation_source?: string;
  readonly version: number;
  readonly [field: string]: unknown;
}

export interface SquareEventMap {
  readonly 'payment.created': SquareWebhookEvent<'payment.created', 'payment', SquarePayment>;
  readonly 'payment.updated': SquareWebhookEvent<'payment.updated', 'payment', SquarePayment>;
  readonly 'refund.created': SquareWebhookEvent<'refund.created', 'refund', SquareRefund>;
  readonly 'refund.updated': SquareWebhookEvent<'refund.updated', 'refund', SquareRefund>;
  readonly 'customer.created': SquareWebhookEvent<'customer.created', 'customer', SquareCustomer>;
  readonly 'customer.updated': SquareWebhookEvent<'customer.updated', 'customer', SquareCustomer>;
  readonly 'customer.deleted': SquareWebhookEvent<'customer.deleted', 'customer', SquareCustomer>;
}

/** Every other type (orders, invoices, subscriptions, inventory, …): the object as JSON. */
export type SquareOtherEvent = SquareWebhookEvent<string, string, JsonObject>;
