/**
 * @hookrelay/subscriber: consume hookrelay topics from AWS Lambda.
 *
 * ```ts
 * import { createSubscriber } from '@hookrelay/subscriber';
 *
 * const subscriber = createSubscriber({ idempotency: { tableName: process.env.IDEMPOTENCY_TABLE_NAME! } })
 *   .on('stripe', 'invoice.paid', async (event) => {
 *     event.payload.data.object.amount_paid; // Stripe.InvoicePaidEvent
 *   });
 * export const handler = subscriber.handler;
 * ```
 */
export {
  createSubscriber,
  type DeliveryContext,
  type EventHandler,
  type HandlerOptions,
  type PartialBatchResponse,
  type Subscriber,
  type SubscriberHandler,
  type SubscriberOptions,
} from './subscriber';
export type {
  AnyHookrelayEvent,
  EventFor,
  EventPattern,
  GlobTemplate,
  HookrelayEvent,
  KnownEventType,
  MatchingEventType,
  ProviderEventMaps,
  ProviderEvents,
  ProviderName,
} from './event-types';
export type { IdempotencyOptions } from './deduplication';
export type { S3ClientLike } from './claim-check';
export type { SubscriberLogger } from './logger';
export { jsonLineLogger } from './logger';
export { compileTypePattern } from './patterns';
export { REPLAY_ATTRIBUTE, REPLAY_EXCLUSION, subscriptionFilterPolicy, type FilterPolicy, type SubscriptionFilterOptions } from './filter-policy';
export { rawMemberText } from './raw-json';
export {
  InvalidEnvelopeError,
  InvalidPatternError,
  PayloadUnavailableError,
  SubscriberError,
  UnsupportedEventError,
  type SubscriberErrorCode,
} from './errors';
export type { JsonObject, JsonValue } from './json';
export type * from './providers/clerk';
export type * from './providers/github';
export type * from './providers/gitlab';
export type * from './providers/meta';
export type * from './providers/pagerduty';
export type * from './providers/resend';
export type * from './providers/box';
export type * from './providers/hubspot';
export type * from './providers/linear';
export type * from './providers/paddle';
export type * from './providers/razorpay';
export type * from './providers/adyen';
export type * from './providers/discord';
export type * from './providers/mailgun';
export type * from './providers/okta';
export type * from './providers/sendgrid';
export type * from './providers/sentry';
export type * from './providers/shopify';
export type * from './providers/slack';
export type * from './providers/square';
export type * from './providers/standard';
export type * from './providers/stripe';
export type * from './providers/twilio';
export type * from './providers/typeform';
export type * from './providers/workos';
export type * from './providers/twitch';
export type * from './providers/zoom';
