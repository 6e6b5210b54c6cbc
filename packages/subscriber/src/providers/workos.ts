import type { JsonObject } from '../json';

/**
 * WorkOS events: hookrelay publishes the body WorkOS posts, typed by `event`. Fields as documented
 * in https://workos.com/docs/events (snake_case, as on the wire; `@workos-inc/node` deserialises
 * them to camelCase, so its types do not describe this payload). Each object keeps an index
 * signature for fields WorkOS adds.
 */
export interface WorkOSWebhookEvent<TEvent extends string, TData> {
  readonly id: string;
  readonly event: TEvent;
  readonly data: TData;
  readonly created_at: string;
  readonly context?: JsonObject;
}

export interface WorkOSUser {
  readonly object: 'user';
  readonly id: string;
  readonly email: string;
  readonly email_verified: boolean;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly profile_picture_url: string | null;
  readonly last_sign_in_at: string | null;
  readonly external_id: string | null;
  readonly metadata: { readonly [key: string]: string };
  readonly created_at: string;
  readonly updated_at: string;
  readonly [field: string]: unknown;
}

export interface WorkOSOrganization {
  readonly object: 'organization';
  readonly id: string;
  readonly name: string;
  readonly allow_profiles_outside_organization: boolean;
  readonly domains: ReadonlyArray<{
    readonly object: 'organization_domain';
    readonly id: string;
    readonly domain: string;
    readonly state?: 'pending' | 'verified' | 'failed' | 'legacy_verified';
    readonly [field: string]: unknown;
  }>;
  readonly external_id: string | null;
  readonly metadata: { readonly [key: string]: string };
  readonly created_at: string;
  readonly updated_at: string;
  readonly [field: string]: unknown;
}

export interface WorkOSDirectoryUser {
  readonly object: 'directory_user';
  readonly id: string;
  readonly directory_id: string;
  readonly organization_id: string;
  readonly idp_id: string;
  readonly email: string | null;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly state: 'active' | 'inactive';
  readonly custom_attributes: JsonObject;
  readonly raw_attributes: JsonObject;
  readonly created_at: string;
  readonly updated_at: string;
  readonly [field: string]: unknown;
}

/** `authentication.<method>_succeeded` / `_failed`. */
export interface WorkOSAuthenticationEventData {
  readonly type: 'sso' | 'password' | 'oauth' | 'magic_auth' | 'email_verification' | 'mfa' | 'passkey' | (string & {});
  readonly status: 'succeeded' | 'failed';
  readonly user_id: string | null;
  readonly email: string | null;
  readonly ip_address: string | null;
  readonly user_agent: string | null;
  readonly error?: { readonly code: string; readonly message: string };
  readonly [field: string]: unknown;
}

type Events<TEvents extends string, TData> = { readonly [E in TEvents]: WorkOSWebhookEvent<E, TData> };

export type WorkOSEventMap = Events<'user.created' | 'user.updated' | 'user.deleted', WorkOSUser> &
  Events<'organization.created' | 'organization.updated' | 'organization.deleted', WorkOSOrganization> &
  Events<'dsync.user.created' | 'dsync.user.updated' | 'dsync.user.deleted', WorkOSDirectoryUser> &
  Events<`authentication.${'sso' | 'password' | 'oauth' | 'magic_auth' | 'email_verification' | 'mfa' | 'passkey'}_${'succeeded' | 'failed'}`, WorkOSAuthenticationEventData>;

/** Every other event (connections, directories, groups, sessions, invitations, …): `data` as JSON. */
export type WorkOSOtherEvent = WorkOSWebhookEvent<string, JsonObject>;
