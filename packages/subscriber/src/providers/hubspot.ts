/**
 * HubSpot webhooks: HubSpot posts a JSON array of events; hookrelay publishes each item as its own
 * event, typed by `subscriptionType`. Fields as documented in
 * https://developers.hubspot.com/docs/api/webhooks. Ids are numbers; an id above 2^53 loses digits
 * in `JSON.parse`, so read it from `rawPayload` when that matters (the envelope `id` keeps the
 * digits as written: `<portalId>:<subscriptionId>:<eventId>`).
 */
export interface HubSpotWebhookEventBase<TType extends string> {
  readonly eventId: number;
  readonly subscriptionId: number;
  readonly portalId: number;
  readonly appId: number;
  /** UNIX milliseconds. */
  readonly occurredAt: number;
  readonly subscriptionType: TType;
  /** 0 on the first attempt; HubSpot retries a batch up to 10 times. */
  readonly attemptNumber: number;
  readonly changeSource?: string;
  readonly sourceId?: string;
  readonly [field: string]: unknown;
}

/** `<object>.creation`, `.deletion`, `.restore`; `contact.privacyDeletion`. */
export interface HubSpotObjectEvent<TType extends string> extends HubSpotWebhookEventBase<TType> {
  readonly objectId: number;
  readonly changeFlag?: 'NEW' | 'DELETED' | 'CREATED' | 'RESTORED' | 'PRIVACY_DELETED' | (string & {});
}

/** `<object>.propertyChange`: one event per changed property. */
export interface HubSpotPropertyChangeEvent<TType extends string> extends HubSpotWebhookEventBase<TType> {
  readonly objectId: number;
  readonly propertyName: string;
  readonly propertyValue: string;
}

/** `<object>.merge`. */
export interface HubSpotMergeEvent<TType extends string> extends HubSpotWebhookEventBase<TType> {
  readonly objectId: number;
  readonly primaryObjectId: number;
  readonly mergedObjectIds: readonly number[];
  readonly newObjectId: number;
  readonly numberOfPropertiesMoved: number;
}

/** `<object>.associationChange`. */
export interface HubSpotAssociationChangeEvent<TType extends string> extends HubSpotWebhookEventBase<TType> {
  readonly associationType: string;
  readonly fromObjectId: number;
  readonly toObjectId: number;
  readonly associationRemoved: boolean;
  readonly isPrimaryAssociation: boolean;
}

type HubSpotObject = 'contact' | 'company' | 'deal' | 'ticket' | 'product' | 'line_item';

type ObjectEvents<O extends HubSpotObject> = {
  readonly [T in `${O}.${'creation' | 'deletion' | 'restore'}`]: HubSpotObjectEvent<T>;
} & { readonly [T in `${O}.propertyChange`]: HubSpotPropertyChangeEvent<T> } & {
  readonly [T in `${O}.merge`]: HubSpotMergeEvent<T>;
} & { readonly [T in `${O}.associationChange`]: HubSpotAssociationChangeEvent<T> };

/** The CRM object subscriptions, by `subscriptionType`. */
export type HubSpotEventMap = ObjectEvents<HubSpotObject> & { readonly 'contact.privacyDeletion': HubSpotObjectEvent<'contact.privacyDeletion'> };

/** Every other subscription (conversations, custom objects' `p<portal>_<object>.*`, …). */
export type HubSpotOtherEvent = HubSpotWebhookEventBase<string>;
