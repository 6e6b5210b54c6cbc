import type { JsonValue } from '../json';

/**
 * Meta (Graph API webhooks): hookrelay publishes one event per `entry[i].changes[j]` of Meta's
 * batch, typed `<object>.<field>`, its payload composed from the signed body:
 * `{ object, entry: { id, time? }, change: { field, value } }`. Meta publishes no TypeScript types
 * for webhook bodies; the values below are the fields of Meta's reference pages a subscriber
 * commonly reads (https://developers.facebook.com/docs/graph-api/webhooks/reference), with every
 * other field still present at run time.
 */
export interface MetaChangeEvent<TObject extends string = string, TField extends string = string, TValue = JsonValue> {
  /** `page`, `instagram`, `whatsapp_business_account`, `user`, … */
  readonly object: TObject;
  readonly entry: {
    /** The object's id (the Page, the Instagram account, the WhatsApp Business Account). */
    readonly id: string;
    /** UNIX seconds of the batch entry; absent from WhatsApp entries. */
    readonly time?: number;
  };
  readonly change: { readonly field: TField; readonly value: TValue };
}

export interface MetaActor {
  readonly id: string;
  readonly name?: string;
}

/** `page.feed`: a post, comment, reaction… on the Page's feed. */
export interface MetaPageFeedValue {
  /** `status`, `post`, `comment`, `reaction`, `photo`, `video`, `share`, … */
  readonly item: string;
  readonly verb: 'add' | 'edited' | 'edit' | 'remove' | 'hide' | 'unhide' | (string & {});
  readonly post_id?: string;
  readonly comment_id?: string;
  readonly parent_id?: string;
  readonly message?: string;
  readonly reaction_type?: string;
  readonly published?: 0 | 1;
  /** UNIX seconds. */
  readonly created_time: number;
  readonly from?: MetaActor;
  readonly [field: string]: unknown;
}

/** `page.leadgen`: a lead form was submitted; fetch the lead with `leadgen_id`. */
export interface MetaLeadgenValue {
  readonly leadgen_id: string;
  readonly form_id: string;
  readonly page_id: string;
  readonly ad_id?: string;
  readonly adgroup_id?: string;
  /** UNIX seconds. */
  readonly created_time: number;
}

/** `instagram.comments`: a comment on the account's media. */
export interface InstagramCommentValue {
  readonly id: string;
  readonly text: string;
  readonly from: { readonly id: string; readonly username: string };
  readonly media: { readonly id: string; readonly media_product_type: 'FEED' | 'REELS' | 'AD' | (string & {}) };
  readonly parent_id?: string;
}

export interface WhatsAppMessage {
  readonly from: string;
  readonly id: string;
  /** UNIX seconds, as a string. */
  readonly timestamp: string;
  readonly type: 'text' | 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contacts' | 'interactive' | 'button' | 'reaction' | 'order' | 'system' | 'unsupported' | (string & {});
  readonly text?: { readonly body: string };
  readonly context?: { readonly from: string; readonly id: string };
  readonly [field: string]: unknown;
}

export interface WhatsAppStatus {
  readonly id: string;
  readonly status: 'sent' | 'delivered' | 'read' | 'failed' | (string & {});
  /** UNIX seconds, as a string. */
  readonly timestamp: string;
  readonly recipient_id: string;
  readonly conversation?: { readonly id: string; readonly expiration_timestamp?: string; readonly origin: { readonly type: string } };
  readonly pricing?: { readonly billable: boolean; readonly pricing_model: string; readonly category: string };
  readonly errors?: ReadonlyArray<{ readonly code: number; readonly title: string; readonly message?: string }>;
}

/** `whatsapp_business_account.messages`: incoming messages and the statuses of sent ones. */
export interface WhatsAppMessagesValue {
  readonly messaging_product: 'whatsapp';
  readonly metadata: { readonly display_phone_number: string; readonly phone_number_id: string };
  readonly contacts?: ReadonlyArray<{ readonly profile: { readonly name: string }; readonly wa_id: string }>;
  readonly messages?: readonly WhatsAppMessage[];
  readonly statuses?: readonly WhatsAppStatus[];
  readonly errors?: ReadonlyArray<{ readonly code: number; readonly title: string; readonly message?: string }>;
}

export interface MetaEventMap {
  readonly 'page.feed': MetaChangeEvent<'page', 'feed', MetaPageFeedValue>;
  readonly 'page.leadgen': MetaChangeEvent<'page', 'leadgen', MetaLeadgenValue>;
  readonly 'instagram.comments': MetaChangeEvent<'instagram', 'comments', InstagramCommentValue>;
  readonly 'whatsapp_business_account.messages': MetaChangeEvent<'whatsapp_business_account', 'messages', WhatsAppMessagesValue>;
}

/** Meta has hundreds of object/field pairs: the others arrive with their value as JSON. */
export type MetaOtherEvent = MetaChangeEvent;
