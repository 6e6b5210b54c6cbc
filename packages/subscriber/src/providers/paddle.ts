import type { JsonObject } from '../json';

/**
 * Paddle Billing notifications: hookrelay publishes the body Paddle posts, typed by `event_type`.
 * Fields as documented in https://developer.paddle.com/webhooks/overview and the entity pages of
 * https://developer.paddle.com/api-reference/overview. The wire format is snake_case; the
 * `@paddle/paddle-node-sdk` entity classes are camelCase conversions of it, so they do not type
 * this payload. Amounts are strings in the currency's lowest denomination. Paddle adds fields to
 * its entities over time: each keeps an index signature for them.
 */
export interface PaddleNotification<TType extends string, TData> {
  readonly event_id: string;
  readonly event_type: TType;
  /** RFC 3339, microseconds. */
  readonly occurred_at: string;
  /** Unique per destination; stays the same across Paddle's retries. */
  readonly notification_id: string;
  readonly data: TData;
}

export interface PaddleMoney {
  readonly amount: string;
  readonly currency_code: string;
}

export interface PaddleTimePeriod {
  readonly starts_at: string;
  readonly ends_at: string;
}

export interface PaddleBillingCycle {
  readonly interval: 'day' | 'week' | 'month' | 'year';
  readonly frequency: number;
}

export interface PaddlePrice {
  readonly id: string;
  readonly product_id: string;
  readonly description: string;
  readonly name?: string | null;
  readonly billing_cycle: PaddleBillingCycle | null;
  readonly unit_price: PaddleMoney;
  readonly status: 'active' | 'archived';
  readonly [field: string]: unknown;
}

export type PaddleTransactionStatus = 'draft' | 'ready' | 'billed' | 'paid' | 'completed' | 'canceled' | 'past_due';

export interface PaddleTransactionTotals {
  readonly subtotal: string;
  readonly discount: string;
  readonly tax: string;
  readonly total: string;
  readonly grand_total: string;
  readonly fee: string | null;
  readonly earnings: string | null;
  readonly currency_code: string;
  readonly [field: string]: unknown;
}

export interface PaddlePaymentAttempt {
  readonly payment_attempt_id: string;
  readonly amount: string;
  readonly status: 'authorized' | 'authorized_flagged' | 'canceled' | 'captured' | 'error' | 'action_required' | 'pending_no_action_required' | 'created' | 'unknown' | 'dropped';
  readonly error_code: string | null;
  readonly method_details: { readonly type: string; readonly card?: { readonly type: string; readonly last4: string; readonly expiry_month: number; readonly expiry_year: number; readonly cardholder_name: string } | null } | null;
  readonly created_at: string;
  readonly captured_at: string | null;
  readonly [field: string]: unknown;
}

export interface PaddleTransaction {
  readonly id: string;
  readonly status: PaddleTransactionStatus;
  readonly customer_id: string | null;
  readonly address_id: string | null;
  readonly business_id: string | null;
  readonly custom_data: JsonObject | null;
  readonly origin: string;
  readonly collection_mode: 'automatic' | 'manual';
  readonly subscription_id: string | null;
  readonly invoice_number: string | null;
  readonly currency_code: string;
  readonly discount_id: string | null;
  readonly billing_period: PaddleTimePeriod | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly billed_at: string | null;
  readonly items: ReadonlyArray<{ readonly price: PaddlePrice; readonly quantity: number; readonly [field: string]: unknown }>;
  readonly details: { readonly totals: PaddleTransactionTotals; readonly [field: string]: unknown };
  readonly payments: readonly PaddlePaymentAttempt[];
  readonly [field: string]: unknown;
}

export type PaddleSubscriptionStatus = 'active' | 'canceled' | 'past_due' | 'paused' | 'trialing';

export interface PaddleSubscription {
  readonly id: string;
  readonly status: PaddleSubscriptionStatus;
  readonly customer_id: string;
  readonly address_id: string;
  readonly business_id: string | null;
  readonly currency_code: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly started_at: string | null;
  readonly first_billed_at: string | null;
  readonly next_billed_at: string | null;
  readonly paused_at: string | null;
  readonly canceled_at: string | null;
  readonly collection_mode: 'automatic' | 'manual';
  readonly billing_cycle: PaddleBillingCycle;
  readonly current_billing_period: PaddleTimePeriod | null;
  readonly scheduled_change: { readonly action: 'cancel' | 'pause' | 'resume'; readonly effective_at: string; readonly resume_at: string | null } | null;
  readonly items: ReadonlyArray<{
    readonly status: 'active' | 'inactive' | 'trialing';
    readonly quantity: number;
    readonly recurring: boolean;
    readonly price: PaddlePrice;
    readonly [field: string]: unknown;
  }>;
  readonly custom_data: JsonObject | null;
  readonly [field: string]: unknown;
}

export interface PaddleCustomer {
  readonly id: string;
  readonly name: string | null;
  readonly email: string;
  readonly marketing_consent: boolean;
  readonly status: 'active' | 'archived';
  readonly custom_data: JsonObject | null;
  readonly locale: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly [field: string]: unknown;
}

type Notifications<TTypes extends string, TData> = { readonly [T in TTypes]: PaddleNotification<T, TData> };

/** The transaction, subscription and customer notifications, each by `event_type`. */
export type PaddleEventMap = Notifications<
  | 'transaction.billed'
  | 'transaction.canceled'
  | 'transaction.completed'
  | 'transaction.created'
  | 'transaction.paid'
  | 'transaction.past_due'
  | 'transaction.payment_failed'
  | 'transaction.ready'
  | 'transaction.revised'
  | 'transaction.updated',
  PaddleTransaction
> &
  Notifications<
    | 'subscription.activated'
    | 'subscription.canceled'
    | 'subscription.created'
    | 'subscription.imported'
    | 'subscription.past_due'
    | 'subscription.paused'
    | 'subscription.resumed'
    | 'subscription.trialing'
    | 'subscription.updated',
    PaddleSubscription
  > &
  Notifications<'customer.created' | 'customer.imported' | 'customer.updated', PaddleCustomer>;

/** Every other notification (adjustments, payouts, reports, …): `data` as a JSON object. */
export type PaddleOtherEvent = PaddleNotification<string, JsonObject>;
