import type { ClerkEventMap, ClerkOtherEvent } from './providers/clerk';
import type { GitLabEventMap, GitLabOtherEvent } from './providers/gitlab';
import type { GitHubEventMap, GitHubOtherEvent } from './providers/github';
import type { MetaEventMap, MetaOtherEvent } from './providers/meta';
import type { PagerDutyEventMap, PagerDutyOtherEvent } from './providers/pagerduty';
import type { ResendEventMap, ResendOtherEvent } from './providers/resend';
import type { SentryEventMap, SentryOtherEvent } from './providers/sentry';
import type { BoxEventMap, BoxOtherEvent } from './providers/box';
import type { HubSpotEventMap, HubSpotOtherEvent } from './providers/hubspot';
import type { LinearEventMap, LinearOtherEvent } from './providers/linear';
import type { PaddleEventMap, PaddleOtherEvent } from './providers/paddle';
import type { RazorpayEventMap, RazorpayOtherEvent } from './providers/razorpay';
import type { AdyenEventMap, AdyenOtherEvent } from './providers/adyen';
import type { DiscordEventMap, DiscordOtherEvent } from './providers/discord';
import type { MailgunEventMap, MailgunOtherEvent } from './providers/mailgun';
import type { OktaEventMap, OktaOtherEvent } from './providers/okta';
import type { SendGridEventMap, SendGridOtherEvent } from './providers/sendgrid';
import type { ShopifyEventMap, ShopifyOtherEvent } from './providers/shopify';
import type { SlackEventMap, SlackOtherEvent } from './providers/slack';
import type { SquareEventMap, SquareOtherEvent } from './providers/square';
import type { StandardWebhookPayload } from './providers/standard';
import type { StripeEventMap, StripeOtherEvent } from './providers/stripe';
import type { TypeformEventMap, TypeformOtherEvent } from './providers/typeform';
import type { TwilioEventMap, TwilioOtherEvent } from './providers/twilio';
import type { WorkOSEventMap, WorkOSOtherEvent } from './providers/workos';
import type { TwitchEventMap, TwitchOtherEvent } from './providers/twitch';
import type { ZoomEventMap, ZoomOtherEvent } from './providers/zoom';

/**
 * A provider's payload types: `Known` maps each event type to its payload; `Other` types the
 * payload of any type `Known` does not list (`never`: the provider's types are a closed set, and a
 * handler for an unknown type does not compile).
 */
export interface ProviderEvents<Known extends object, Other = never> {
  readonly known: Known;
  readonly other: Other;
}

/**
 * Payload types per provider, one entry each. Describe your own sender (a `generic` or `standard`
 * route) by adding an entry with declaration merging:
 *
 * ```ts
 * declare module '@hookrelay/subscriber' {
 *   interface ProviderEventMaps {
 *     acme: ProviderEvents<{ 'order.created': AcmeOrder; 'order.shipped': AcmeShipment }>;
 *   }
 * }
 * ```
 */
export interface ProviderEventMaps {
  stripe: ProviderEvents<StripeEventMap, StripeOtherEvent>;
  github: ProviderEvents<GitHubEventMap, GitHubOtherEvent>;
  shopify: ProviderEvents<ShopifyEventMap, ShopifyOtherEvent>;
  slack: ProviderEvents<SlackEventMap, SlackOtherEvent>;
  twilio: ProviderEvents<TwilioEventMap, TwilioOtherEvent>;
  sendgrid: ProviderEvents<SendGridEventMap, SendGridOtherEvent>;
  standard: ProviderEvents<{}, StandardWebhookPayload>;
  meta: ProviderEvents<MetaEventMap, MetaOtherEvent>;
  clerk: ProviderEvents<ClerkEventMap, ClerkOtherEvent>;
  resend: ProviderEvents<ResendEventMap, ResendOtherEvent>;
  gitlab: ProviderEvents<GitLabEventMap, GitLabOtherEvent>;
  pagerduty: ProviderEvents<PagerDutyEventMap, PagerDutyOtherEvent>;
  typeform: ProviderEvents<TypeformEventMap, TypeformOtherEvent>;
  sentry: ProviderEvents<SentryEventMap, SentryOtherEvent>;
  discord: ProviderEvents<DiscordEventMap, DiscordOtherEvent>;
  zoom: ProviderEvents<ZoomEventMap, ZoomOtherEvent>;
  twitch: ProviderEvents<TwitchEventMap, TwitchOtherEvent>;
  adyen: ProviderEvents<AdyenEventMap, AdyenOtherEvent>;
  mailgun: ProviderEvents<MailgunEventMap, MailgunOtherEvent>;
  okta: ProviderEvents<OktaEventMap, OktaOtherEvent>;
  /** Anything the route's configuration accepts: validate it yourself. */
  generic: ProviderEvents<{}, unknown>;
  paddle: ProviderEvents<PaddleEventMap, PaddleOtherEvent>;
  linear: ProviderEvents<LinearEventMap, LinearOtherEvent>;
  square: ProviderEvents<SquareEventMap, SquareOtherEvent>;
  hubspot: ProviderEvents<HubSpotEventMap, HubSpotOtherEvent>;
  workos: ProviderEvents<WorkOSEventMap, WorkOSOtherEvent>;
  razorpay: ProviderEvents<RazorpayEventMap, RazorpayOtherEvent>;
  box: ProviderEvents<BoxEventMap, BoxOtherEvent>;
}

export type ProviderName = keyof ProviderEventMaps & string;

type KnownMap<P extends ProviderName> = ProviderEventMaps[P]['known'];
type OtherPayload<P extends ProviderName> = ProviderEventMaps[P]['other'];
type IsOpen<P extends ProviderName> = [OtherPayload<P>] extends [never] ? false : true;

/** The event types the provider's types name. */
export type KnownEventType<P extends ProviderName> = keyof KnownMap<P> & string;

/** A pattern with `*` in it, as a template literal: `invoice.*` → `invoice.${string}`. */
export type GlobTemplate<Pattern extends string> = Pattern extends `${infer Head}*${infer Tail}`
  ? `${Head}${string}${GlobTemplate<Tail>}`
  : Pattern;

/**
 * What `on(provider, pattern, …)` accepts: a known type (autocompleted), a glob, or — for a
 * provider whose types are open — any type.
 */
export type EventPattern<P extends ProviderName> =
  | KnownEventType<P>
  | `${string}*${string}`
  | (IsOpen<P> extends true ? string & {} : never);

/** The known types a pattern matches: `invoice.*` → `'invoice.paid' | 'invoice.created' | …`. */
export type MatchingEventType<P extends ProviderName, Pattern extends string> = Extract<KnownEventType<P>, GlobTemplate<Pattern>>;

/** One event as a handler receives it. */
export interface HookrelayEvent<P extends string = string, T extends string = string, TPayload = unknown> {
  /** The provider's event id; with `source`, what deliveries are deduplicated on. */
  readonly id: string;
  readonly provider: P;
  /** The route that received it (`stripe-eu`); the provider's name when the route is named after it. */
  readonly source: string;
  readonly type: T;
  /** When hookrelay accepted the event (ISO-8601); a replay keeps the original time. */
  readonly receivedAt: string;
  /** True when the message was re-published from the archive (only delivered with `includeReplays`). */
  readonly replay: boolean;
  /** The provider's payload, parsed (read from S3 first when it was claim-checked). */
  readonly payload: TPayload;
  /**
   * The payload's JSON text exactly as it travelled, computed on first read. Parse it yourself when
   * numbers must keep every digit: `JSON.parse` rounds integers above 2^53. A runtime with the TC39
   * "JSON.parse source text access" feature hands a reviver each number's text as `{ source }`
   * (Node.js 20 does not); otherwise use a parser that keeps big integers.
   */
  readonly rawPayload: string;
  /** `s3://bucket/key` when the payload was claim-checked; `payload` is already read from it. */
  readonly payloadLocation: string | undefined;
}

type KnownEvents<P extends ProviderName, T extends KnownEventType<P>> = T extends unknown
  ? HookrelayEvent<P, T, KnownMap<P>[T]>
  : never;

type OtherEvents<P extends ProviderName, Pattern extends string> =
  IsOpen<P> extends true
    ? Pattern extends KnownEventType<P>
      ? never
      : HookrelayEvent<P, GlobTemplate<Pattern>, OtherPayload<P>>
    : never;

/**
 * What a handler for `pattern` receives: a union, one member per matching type, so checking
 * `event.type` narrows `event.payload`.
 */
export type EventFor<P extends ProviderName, Pattern extends string> =
  | KnownEvents<P, MatchingEventType<P, Pattern>>
  | OtherEvents<P, Pattern>;

/** Any event of any provider. */
export type AnyHookrelayEvent = { [P in ProviderName]: EventFor<P, '*'> }[ProviderName];
