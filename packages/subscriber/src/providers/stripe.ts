// Type-only: erased at build time. `stripe` is an optional peer dependency; without it the import
// resolves to `any`, and Stripe events are typed by `StripeEventFallback` instead.
// @ts-ignore -- optional peer dependency
import type Stripe from 'stripe';
import type { IsAny, JsonObject } from '../json';

/** The shape every Stripe event shares, for projects without the `stripe` package installed. */
export interface StripeEventFallback {
  readonly id: string;
  readonly object: 'event';
  readonly type: string;
  readonly api_version: string | null;
  readonly created: number;
  readonly livemode: boolean;
  readonly pending_webhooks: number;
  readonly account?: string;
  readonly data: { readonly object: JsonObject; readonly previous_attributes?: JsonObject };
  readonly request: { readonly id: string | null; readonly idempotency_key: string | null } | null;
}

type WithoutStripePackage = IsAny<Stripe.Event>;

/** Every `Stripe.Event` by its `type`: `invoice.paid` → `Stripe.InvoicePaidEvent`. */
export type StripeEventMap = WithoutStripePackage extends true ? {} : { [E in Stripe.Event as E['type']]: E };

/** Stripe events are a closed set with the `stripe` package (its version names every type it knows). */
export type StripeOtherEvent = WithoutStripePackage extends true ? StripeEventFallback : never;
