import type { JsonObject } from '../json';

/**
 * Twitch EventSub messages as hookrelay publishes them: the body Twitch posted, typed by the
 * subscription type (`channel.follow`, …), or `revocation` when Twitch ends a subscription. Fields as
 * documented in https://dev.twitch.tv/docs/eventsub/eventsub-reference/
 */
export interface TwitchSubscription<TType extends string = string> {
  readonly id: string;
  readonly status: string;
  readonly type: TType;
  readonly version: string;
  readonly cost: number;
  readonly condition: { readonly [key: string]: string };
  readonly transport: { readonly method: 'webhook'; readonly callback: string };
  readonly created_at: string;
}

export interface TwitchNotification<TType extends string, TEvent> {
  readonly subscription: TwitchSubscription<TType> & { readonly status: 'enabled' };
  readonly event: TEvent;
}

/** Twitch ended the subscription; `status` says why. Published with type `revocation`. */
export interface TwitchRevocation {
  readonly subscription: TwitchSubscription & {
    readonly status: 'authorization_revoked' | 'user_removed' | 'notification_failures_exceeded' | 'version_removed' | (string & {});
  };
}

interface TwitchBroadcaster {
  readonly broadcaster_user_id: string;
  readonly broadcaster_user_login: string;
  readonly broadcaster_user_name: string;
}
interface TwitchUser {
  readonly user_id: string;
  readonly user_login: string;
  readonly user_name: string;
}

export interface TwitchFollowEvent extends TwitchBroadcaster, TwitchUser {
  readonly followed_at: string;
}
export interface TwitchStreamOnlineEvent extends TwitchBroadcaster {
  readonly id: string;
  readonly type: 'live' | 'playlist' | 'watch_party' | 'premiere' | 'rerun';
  readonly started_at: string;
}
export type TwitchStreamOfflineEvent = TwitchBroadcaster;
export interface TwitchSubscribeEvent extends TwitchBroadcaster, TwitchUser {
  readonly tier: '1000' | '2000' | '3000';
  readonly is_gift: boolean;
}
/** `user_*` are null when the cheer is anonymous. */
export interface TwitchCheerEvent extends TwitchBroadcaster {
  readonly is_anonymous: boolean;
  readonly user_id: string | null;
  readonly user_login: string | null;
  readonly user_name: string | null;
  readonly message: string;
  readonly bits: number;
}

export interface TwitchEventMap {
  readonly 'channel.follow': TwitchNotification<'channel.follow', TwitchFollowEvent>;
  readonly 'stream.online': TwitchNotification<'stream.online', TwitchStreamOnlineEvent>;
  readonly 'stream.offline': TwitchNotification<'stream.offline', TwitchStreamOfflineEvent>;
  readonly 'channel.subscribe': TwitchNotification<'channel.subscribe', TwitchSubscribeEvent>;
  readonly 'channel.cheer': TwitchNotification<'channel.cheer', TwitchCheerEvent>;
  readonly revocation: TwitchRevocation;
}

/** EventSub has many more subscription types; those not above arrive typed loosely. */
export type TwitchOtherEvent = TwitchNotification<string, JsonObject>;
