/**
 * SendGrid Event Webhook: hookrelay publishes each element of SendGrid's batch as its own event,
 * typed by its `event` field. Fields as documented in
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
 * Custom arguments (`unique_args`) arrive as extra top-level fields.
 */
interface SendGridEventBase<TEvent extends string> {
  readonly event: TEvent;
  readonly email: string;
  /** UNIX seconds. */
  readonly timestamp: number;
  readonly sg_event_id: string;
  readonly sg_message_id?: string;
  readonly 'smtp-id'?: string;
  readonly category?: string | readonly string[];
  readonly asm_group_id?: number;
  readonly marketing_campaign_id?: number;
  readonly marketing_campaign_name?: string;
  readonly [customArgument: string]: unknown;
}

export interface SendGridProcessedEvent extends SendGridEventBase<'processed'> {
  readonly pool?: { readonly name: string; readonly id: number };
  readonly send_at?: number;
}
export interface SendGridDroppedEvent extends SendGridEventBase<'dropped'> {
  readonly reason: string;
  readonly status?: string;
}
export interface SendGridDeliveredEvent extends SendGridEventBase<'delivered'> {
  readonly response: string;
  readonly ip?: string;
  readonly tls?: 0 | 1;
  readonly cert_err?: 0 | 1;
}
export interface SendGridDeferredEvent extends SendGridEventBase<'deferred'> {
  readonly response: string;
  readonly attempt: string;
  readonly ip?: string;
  readonly tls?: 0 | 1;
}
export interface SendGridBounceEvent extends SendGridEventBase<'bounce'> {
  /** `bounce`: the receiving server refused permanently; `blocked`: temporarily. */
  readonly type: 'bounce' | 'blocked';
  readonly reason: string;
  readonly status: string;
  readonly bounce_classification?: string;
  readonly ip?: string;
  readonly tls?: 0 | 1;
}
export interface SendGridOpenEvent extends SendGridEventBase<'open'> {
  readonly useragent: string;
  readonly ip: string;
  /** True when Apple Mail Privacy Protection (or similar) opened it, not the recipient. */
  readonly sg_machine_open?: boolean;
}
export interface SendGridClickEvent extends SendGridEventBase<'click'> {
  readonly url: string;
  readonly url_offset?: { readonly index: number; readonly type: 'html' | 'text' };
  readonly useragent: string;
  readonly ip: string;
}
export type SendGridSpamReportEvent = SendGridEventBase<'spamreport'>;
export type SendGridUnsubscribeEvent = SendGridEventBase<'unsubscribe'>;
export interface SendGridGroupUnsubscribeEvent extends SendGridEventBase<'group_unsubscribe'> {
  readonly asm_group_id: number;
  readonly useragent?: string;
  readonly ip?: string;
}
export interface SendGridGroupResubscribeEvent extends SendGridEventBase<'group_resubscribe'> {
  readonly asm_group_id: number;
  readonly useragent?: string;
  readonly ip?: string;
}

export interface SendGridEventMap {
  readonly processed: SendGridProcessedEvent;
  readonly dropped: SendGridDroppedEvent;
  readonly delivered: SendGridDeliveredEvent;
  readonly deferred: SendGridDeferredEvent;
  readonly bounce: SendGridBounceEvent;
  readonly open: SendGridOpenEvent;
  readonly click: SendGridClickEvent;
  readonly spamreport: SendGridSpamReportEvent;
  readonly unsubscribe: SendGridUnsubscribeEvent;
  readonly group_unsubscribe: SendGridGroupUnsubscribeEvent;
  readonly group_resubscribe: SendGridGroupResubscribeEvent;
}

/** SendGrid's event list is closed: every type it posts is above. */
export type SendGridOtherEvent = never;
