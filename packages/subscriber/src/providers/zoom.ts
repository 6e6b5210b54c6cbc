import type { JsonObject } from '../json';

/**
 * Zoom notifications as hookrelay publishes them: the body Zoom posted, typed by its `event`. The
 * event id is the SHA-256 hex of that body (Zoom sends none). Fields as documented in
 * https://developers.zoom.us/docs/api/meetings/events/
 */
export interface ZoomNotification<TEvent extends string, TObject> {
  readonly event: TEvent;
  /** When Zoom emitted the event, in milliseconds since the epoch. */
  readonly event_ts: number;
  readonly payload: {
    readonly account_id: string;
    readonly object: TObject;
    /** Recording events: the token to download the files with, valid 24 hours. */
    readonly download_token?: string;
    /** Events caused by a user carry who did it. */
    readonly operator?: string;
    readonly operator_id?: string;
  };
}

export interface ZoomMeeting {
  /** The meeting number. */
  readonly id: string | number;
  /** This instance of the meeting (a recurring meeting has one per occurrence). */
  readonly uuid: string;
  readonly host_id: string;
  readonly topic: string;
  /** 1 instant, 2 scheduled, 3 recurring without fixed time, 8 recurring with fixed time. */
  readonly type: number;
  readonly start_time?: string;
  readonly timezone?: string;
  /** Scheduled duration in minutes. */
  readonly duration?: number;
}

export interface ZoomParticipant {
  readonly user_id: string;
  readonly user_name: string;
  readonly id?: string;
  readonly email?: string;
  readonly join_time?: string;
  readonly leave_time?: string;
  readonly participant_uuid?: string;
}

export interface ZoomRecordingFile {
  readonly id: string;
  readonly file_type: string;
  readonly file_size: number;
  readonly recording_type: string;
  readonly status: string;
  readonly download_url?: string;
  readonly play_url?: string;
  readonly recording_start?: string;
  readonly recording_end?: string;
}

export interface ZoomEventMap {
  readonly 'meeting.started': ZoomNotification<'meeting.started', ZoomMeeting>;
  readonly 'meeting.ended': ZoomNotification<'meeting.ended', ZoomMeeting & { readonly end_time: string }>;
  readonly 'meeting.participant_joined': ZoomNotification<'meeting.participant_joined', ZoomMeeting & { readonly participant: ZoomParticipant }>;
  readonly 'meeting.participant_left': ZoomNotification<'meeting.participant_left', ZoomMeeting & { readonly participant: ZoomParticipant }>;
  readonly 'recording.completed': ZoomNotification<
    'recording.completed',
    ZoomMeeting & { readonly total_size: number; readonly recording_count: number; readonly share_url: string; readonly recording_files: readonly ZoomRecordingFile[] }
  >;
}

/** Zoom has hundreds of event types; those not above arrive typed loosely. */
export type ZoomOtherEvent = ZoomNotification<string, JsonObject>;
