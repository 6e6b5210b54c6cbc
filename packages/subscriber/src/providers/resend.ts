// Type-only; `resend` is an optional peer dependency (see ./stripe.ts).
// @ts-ignore -- optional peer dependency
import type { WebhookEventPayload } from 'resend';
import type { IsAny, JsonObject } from '../json';

/** The envelope every Resend webhook shares, for projects without the `resend` package installed. */
export interface ResendWebhookEventFallback {
  readonly type: string;
  /** ISO-8601. */
  readonly created_at: string;
  readonly data: JsonObject;
}

type WithoutResendPackage = IsAny<WebhookEventPayload>;

/** Resend events by `type`, each the `resend` package's own member: `email.bounced` → `EmailBouncedEvent`. */
export type ResendEventMap = WithoutResendPackage extends true ? {} : { [E in WebhookEventPayload as E['type']]: E };

/** Closed with the `resend` package (its version names every type it knows); loose without it. */
export type ResendOtherEvent = WithoutResendPackage extends true ? ResendWebhookEventFallback : never;
