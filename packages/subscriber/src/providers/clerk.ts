// Type-only; `@clerk/backend` is an optional peer dependency (see ./stripe.ts).
// @ts-ignore -- optional peer dependency
import type { WebhookEvent } from '@clerk/backend';
import type { IsAny, JsonObject } from '../json';

/** The envelope every Clerk webhook shares, for projects without `@clerk/backend` installed. */
export interface ClerkWebhookEventFallback {
  readonly type: string;
  readonly object: 'event';
  readonly data: JsonObject;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly instance_id: string;
  readonly event_attributes?: { readonly http_request: { readonly client_ip: string; readonly user_agent: string } };
}

type WithoutClerkBackend = IsAny<WebhookEvent>;

/**
 * `@clerk/backend`'s `WebhookEvent` member for one type, its `type` narrowed to that type: Clerk
 * declares some members for several types at once (`user.created | user.updated` → `UserJSON`).
 */
type ClerkEventOfType<T extends string> = WebhookEvent extends infer E
  ? E extends { readonly type: infer Types }
    ? T extends Types
      ? Omit<E, 'type'> & { readonly type: T }
      : never
    : never
  : never;

/** Clerk events by `type`: `user.created` → `{ type: 'user.created'; data: UserJSON; object: 'event'; … }`. */
export type ClerkEventMap = WithoutClerkBackend extends true ? {} : { [T in WebhookEvent['type']]: ClerkEventOfType<T> };

/** Closed with `@clerk/backend` (its version names every type it knows); loose without it. */
export type ClerkOtherEvent = WithoutClerkBackend extends true ? ClerkWebhookEventFallback : never;
