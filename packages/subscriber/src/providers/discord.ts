import type { JsonObject } from '../json';

/**
 * Discord interactions as hookrelay publishes them: the interaction object Discord posted, typed by
 * hookrelay's name for its `type`. hookrelay has already answered Discord with a deferred response;
 * complete the interaction with the follow-up endpoints and `token` (valid 15 minutes).
 * Fields as documented in
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */
export interface DiscordUser {
  readonly id: string;
  readonly username: string;
  readonly discriminator: string;
  readonly global_name?: string | null;
  readonly avatar: string | null;
  readonly bot?: boolean;
  readonly public_flags?: number;
}

export interface DiscordGuildMember {
  /** Absent in the `resolved` data of options; present on the interaction's `member`. */
  readonly user?: DiscordUser;
  readonly nick?: string | null;
  readonly roles: readonly string[];
  readonly joined_at: string;
  /** The member's permissions in the channel, as a decimal bit set. */
  readonly permissions?: string;
  readonly deaf?: boolean;
  readonly mute?: boolean;
  readonly flags?: number;
}

/** One option of a slash command; sub-commands nest their own options. */
export interface DiscordCommandOption {
  readonly name: string;
  /** 1 sub-command, 2 group, 3 string, 4 integer, 5 boolean, 6 user, 7 channel, 8 role, 9 mentionable, 10 number, 11 attachment. */
  readonly type: number;
  readonly value?: string | number | boolean;
  readonly options?: readonly DiscordCommandOption[];
  /** Set on the option the user is typing in (autocomplete). */
  readonly focused?: boolean;
}

export interface DiscordApplicationCommandData {
  readonly id: string;
  readonly name: string;
  /** 1 slash command, 2 user context menu, 3 message context menu, 4 entry point. */
  readonly type: number;
  readonly options?: readonly DiscordCommandOption[];
  /** Users, members, roles, channels, messages and attachments the options refer to, by id. */
  readonly resolved?: JsonObject;
  readonly guild_id?: string;
  /** The user or message a context-menu command was used on. */
  readonly target_id?: string;
}

export interface DiscordMessageComponentData {
  readonly custom_id: string;
  /** 2 button, 3 string select, 5–8 user/role/mentionable/channel select. */
  readonly component_type: number;
  /** The selected values of a select menu. */
  readonly values?: readonly string[];
  readonly resolved?: JsonObject;
}

export interface DiscordModalSubmitData {
  readonly custom_id: string;
  /** Action rows holding the submitted text inputs (`custom_id`, `value`). */
  readonly components: readonly JsonObject[];
}

interface DiscordInteraction<TType extends number, TData> {
  readonly id: string;
  readonly application_id: string;
  readonly type: TType;
  readonly data: TData;
  /** The credential for the follow-up calls, valid 15 minutes. */
  readonly token: string;
  readonly version: 1;
  readonly guild_id?: string;
  readonly guild?: JsonObject;
  readonly channel_id?: string;
  readonly channel?: JsonObject;
  /** Set in a guild; `user` is set instead in a direct message. */
  readonly member?: DiscordGuildMember;
  readonly user?: DiscordUser;
  /** The message a component is attached to (message components only). */
  readonly message?: JsonObject;
  /** The app's permissions in the channel, as a decimal bit set. */
  readonly app_permissions: string;
  readonly locale?: string;
  readonly guild_locale?: string;
  readonly entitlements: readonly JsonObject[];
  readonly authorizing_integration_owners: { readonly [installationContext: string]: string };
  /** 0 guild, 1 bot DM, 2 private channel. */
  readonly context?: number;
}

export type DiscordApplicationCommand = DiscordInteraction<2, DiscordApplicationCommandData>;
export type DiscordMessageComponent = DiscordInteraction<3, DiscordMessageComponentData>;
export type DiscordAutocomplete = DiscordInteraction<4, DiscordApplicationCommandData>;
export type DiscordModalSubmit = DiscordInteraction<5, DiscordModalSubmitData>;

export interface DiscordEventMap {
  readonly application_command: DiscordApplicationCommand;
  readonly message_component: DiscordMessageComponent;
  readonly application_command_autocomplete: DiscordAutocomplete;
  readonly modal_submit: DiscordModalSubmit;
}

/** hookrelay publishes only the four interaction types above (PING is answered, never published). */
export type DiscordOtherEvent = never;
