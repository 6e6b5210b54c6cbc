import type { JsonObject } from '../json';

/**
 * Razorpay webhooks: hookrelay publishes the body Razorpay posts, typed by `event`. Fields as
 * documented in https://razorpay.com/docs/webhooks/payloads/. Each entity keeps an index signature
 * for fields Razorpay adds. Amounts are integers in the currency's smallest unit (paise).
 */
export interface RazorpayWebhookEvent<TEvent extends string, TPayload> {
  readonly entity: 'event';
  readonly account_id: string;
  readonly event: TEvent;
  /** The entity names present in `payload`. */
  readonly contains: readonly string[];
  readonly payload: TPayload;
  /** UNIX seconds: when the event happened. */
  readonly created_at: number;
}

export interface RazorpayPayment {
  readonly id: string;
  readonly entity: 'payment';
  readonly amount: number;
  readonly currency: string;
  readonly status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  readonly order_id: string | null;
  readonly invoice_id: string | null;
  readonly international: boolean;
  readonly method: 'card' | 'netbanking' | 'wallet' | 'emi' | 'upi' | (string & {});
  readonly amount_refunded: number;
  readonly refund_status: 'partial' | 'full' | null;
  readonly captured: boolean;
  readonly description: string | null;
  readonly email: string;
  readonly contact: string;
  readonly notes: JsonObject | readonly never[];
  readonly fee: number | null;
  readonly tax: number | null;
  readonly error_code: string | null;
  readonly error_description: string | null;
  readonly created_at: number;
  readonly [field: string]: unknown;
}

export interface RazorpayOrder {
  readonly id: string;
  readonly entity: 'order';
  readonly amount: number;
  readonly amount_paid: number;
  readonly amount_due: number;
  readonly currency: string;
  readonly receipt: string | null;
  readonly status: 'created' | 'attempted' | 'paid';
  readonly attempts: number;
  readonly notes: JsonObject | readonly never[];
  readonly created_at: number;
  readonly [field: string]: unknown;
}

export interface RazorpayRefund {
  readonly id: string;
  readonly entity: 'refund';
  readonly amount: number;
  readonly currency: string;
  readonly payment_id: string;
  readonly status: 'pending' | 'processed' | 'failed';
  readonly speed_processed?: 'normal' | 'optimum' | 'instant';
  readonly notes: JsonObject | readonly never[];
  readonly created_at: number;
  readonly [field: string]: unknown;
}

type Wrapped<T> = { readonly entity: T };

export interface RazorpayEventMap {
  readonly 'payment.authorized': RazorpayWebhookEvent<'payment.authorized', { readonly payment: Wrapped<RazorpayPayment> }>;
  readonly 'payment.captured': RazorpayWebhookEvent<'payment.captured', { readonly payment: Wrapped<RazorpayPayment> }>;
  readonly 'payment.failed': RazorpayWebhookEvent<'payment.failed', { readonly payment: Wrapped<RazorpayPayment> }>;
  readonly 'order.paid': RazorpayWebhookEvent<'order.paid', { readonly payment: Wrapped<RazorpayPayment>; readonly order: Wrapped<RazorpayOrder> }>;
  readonly 'refund.created': RazorpayWebhookEvent<'refund.created', { readonly refund: Wrapped<RazorpayRefund>; readonly payment?: Wrapped<RazorpayPayment> }>;
  readonly 'refund.processed': RazorpayWebhookEvent<'refund.processed', { readonly refund: Wrapped<RazorpayRefund>; readonly payment?: Wrapped<RazorpayPayment> }>;
  readonly 'refund.failed': RazorpayWebhookEvent<'refund.failed', { readonly refund: Wrapped<RazorpayRefund>; readonly payment?: Wrapped<RazorpayPayment> }>;
}

/** Every other event (subscriptions, invoices, disputes, payment links, …): the payload as JSON. */
export type RazorpayOtherEvent = RazorpayWebhookEvent<string, JsonObject>;
