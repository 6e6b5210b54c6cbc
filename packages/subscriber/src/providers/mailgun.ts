import type { JsonObject, JsonValue } from '../json';

/**
 * Mailgun webhooks as hookrelay publishes them: the whole body, typed by `event-data.event`.
 * Mailgun signs only `signature.timestamp` and `signature.token`: `event-data` is Mailgun's word as
 * far as the transport is trusted (see docs/providers.md). Fields as documented in
 * https://documentation.mailgun.com/docs/mailgun/user-manual/events/
 */
export interface MailgunSignature {
  readonly token: string;
  /** UNIX seconds, as a string. */
  readonly timestamp: string;
  readonly signature: string;
  /** Subaccounts: the same signature under the primary account's key. */
  readonly 'parent-signature'?: string;
}

export interface MailgunEventData<TEvent extends string> {
  readonly id: string;
  readonly event: TEvent;
  /** UNIX seconds with microseconds. */
  readonly timestamp: number;
  readonly 'log-level': 'info' | 'warn' | 'error';
  readonly recipient: string;
  readonly 'recipient-domain'?: string;
  readonly tags?: readonly string[];
  readonly campaigns?: readonly JsonObject[];
  readonly 'user-variables'?: { readonly [name: string]: JsonValue };
  readonly message?: {
    readonly headers: { readonly 'message-id': string; readonly to?: string; readonly from?: string; readonly subject?: string };
    readonly attachments?: readonly JsonObject[];
    readonly size?: number;
  };
  readonly envelope?: { readonly transport?: string; readonly sender?: string; readonly targets?: string; readonly 'sending-ip'?: string };
  readonly flags?: { readonly [flag: string]: boolean };
  readonly storage?: { readonly url: string; readonly key: string };
}

export interface MailgunDeliveryStatus {
  readonly code: number;
  readonly message: string;
  readonly description: string;
  readonly 'attempt-no'?: number;
  readonly tls?: boolean;
  readonly 'mx-host'?: string;
  readonly 'session-seconds'?: number;
  readonly 'certificate-verified'?: boolean;
  readonly utf8?: boolean;
}

interface MailgunEngagement {
  readonly ip: string;
  readonly geolocation?: { readonly country: string; readonly region: string; readonly city: string };
  readonly 'client-info'?: { readonly [field: string]: string };
}

export interface MailgunWebhook<TEvent extends string, TDetails extends object = {}> {
  readonly signature: MailgunSignature;
  readonly 'event-data': MailgunEventData<TEvent> & TDetails;
}

export interface MailgunEventMap {
  readonly accepted: MailgunWebhook<'accepted', { readonly method?: string }>;
  readonly delivered: MailgunWebhook<'delivered', { readonly 'delivery-status': MailgunDeliveryStatus }>;
  readonly failed: MailgunWebhook<'failed', { readonly severity: 'permanent' | 'temporary'; readonly reason: string; readonly 'delivery-status': MailgunDeliveryStatus }>;
  readonly opened: MailgunWebhook<'opened', MailgunEngagement>;
  readonly clicked: MailgunWebhook<'clicked', MailgunEngagement & { readonly url: string }>;
  readonly unsubscribed: MailgunWebhook<'unsubscribed', Partial<MailgunEngagement>>;
  readonly complained: MailgunWebhook<'complained'>;
}

/** Other events (`rejected`, `stored`, list events…) arrive typed loosely. */
export type MailgunOtherEvent = MailgunWebhook<string, JsonObject>;
