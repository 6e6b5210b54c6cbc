import type { JsonObject, JsonValue } from '../json';

/**
 * Box webhooks (V2): hookrelay publishes the body Box posts, typed by `trigger`. Fields as
 * documented in https://developer.box.com/guides/webhooks/v2/ and the file, folder and comment
 * resources of https://developer.box.com/reference/. Each resource keeps an index signature for
 * the fields a webhook adds or omits.
 */
export interface BoxWebhookEvent<TTrigger extends string, TSource> {
  readonly type: 'webhook_event';
  readonly id: string;
  readonly created_at: string;
  readonly trigger: TTrigger;
  readonly webhook: { readonly id: string; readonly type: 'webhook' };
  readonly created_by: BoxUserMini;
  readonly source: TSource;
  readonly additional_info: readonly JsonValue[] | JsonObject;
}

export interface BoxUserMini {
  readonly type: 'user';
  readonly id: string;
  readonly name: string;
  readonly login: string;
}

export interface BoxFolderMini {
  readonly type: 'folder';
  readonly id: string;
  readonly sequence_id: string | null;
  readonly etag: string | null;
  readonly name: string;
}

export interface BoxFile {
  readonly type: 'file';
  readonly id: string;
  readonly name: string;
  readonly sha1: string;
  readonly size?: number;
  readonly sequence_id?: string;
  readonly etag?: string;
  readonly file_version?: { readonly type: 'file_version'; readonly id: string; readonly sha1: string };
  readonly path_collection?: { readonly total_count: number; readonly entries: readonly BoxFolderMini[] };
  readonly parent?: BoxFolderMini;
  readonly created_at?: string;
  readonly modified_at?: string;
  readonly trashed_at?: string | null;
  readonly item_status?: 'active' | 'trashed' | 'deleted';
  readonly [field: string]: unknown;
}

export interface BoxFolder {
  readonly type: 'folder';
  readonly id: string;
  readonly name: string;
  readonly sequence_id?: string | null;
  readonly etag?: string | null;
  readonly parent?: BoxFolderMini | null;
  readonly created_at?: string;
  readonly modified_at?: string;
  readonly item_status?: 'active' | 'trashed' | 'deleted';
  readonly [field: string]: unknown;
}

export interface BoxComment {
  readonly type: 'comment';
  readonly id: string;
  readonly message: string;
  readonly is_reply_comment?: boolean;
  readonly created_by?: BoxUserMini;
  readonly created_at?: string;
  readonly modified_at?: string;
  readonly item?: { readonly id: string; readonly type: 'file' | 'comment' };
  readonly [field: string]: unknown;
}

type Triggers<TTriggers extends string, TSource> = { readonly [T in TTriggers]: BoxWebhookEvent<T, TSource> };

export type BoxEventMap = Triggers<
  `FILE.${'UPLOADED' | 'PREVIEWED' | 'DOWNLOADED' | 'TRASHED' | 'DELETED' | 'RESTORED' | 'COPIED' | 'MOVED' | 'LOCKED' | 'UNLOCKED' | 'RENAMED'}`,
  BoxFile
> &
  Triggers<`FOLDER.${'CREATED' | 'RENAMED' | 'DOWNLOADED' | 'RESTORED' | 'DELETED' | 'COPIED' | 'MOVED' | 'TRASHED'}`, BoxFolder> &
  Triggers<`COMMENT.${'CREATED' | 'UPDATED' | 'DELETED'}`, BoxComment>;

/** Every other trigger (collaborations, shared links, tasks, metadata, sign requests, …). */
export type BoxOtherEvent = BoxWebhookEvent<string, JsonObject>;
