// Type-only; `@slack/types` is an optional peer dependency (see ./stripe.ts).
// @ts-ignore -- optional peer dependency
import type { SlackEvent } from '@slack/types';
import type { IsAny, JsonObject } from '../json';

/** One entry of `authorizations`: who the app acts for in this event. */
export interface SlackAuthorization {
  readonly enterprise_id: string | null;
  readonly team_id: string | null;
  readonly user_id: string;
  readonly is_bot: boolean;
  readonly is_enterprise_install?: boolean;
}

/**
 * The Events API body Slack posts and hookrelay publishes as the payload: the event itself is in
 * `event`; hookrelay's type is `event.type`.
 * See https://api.slack.com/apis/events-api#callback-field
 */
export interface SlackEventCallback<TEvent> {
  readonly type: 'event_callback';
  readonly token: string;
  readonly team_id: string;
  readonly api_app_id: string;
  readonly event: TEvent;
  readonly event_id: string;
  readonly event_time: number;
  readonly event_context?: string;
  readonly authorizations?: readonly SlackAuthorization[];
  readonly is_ext_shared_channel?: boolean;
  readonly context_team_id?: string | null;
  readonly context_enterprise_id?: string | null;
  readonly enterprise_id?: string;
}

type WithoutSlackTypes = IsAny<SlackEvent>;

/** Slack events by `event.type`; `message` is the union of every message subtype. */
export type SlackEventMap = WithoutSlackTypes extends true ? {} : { [E in SlackEvent as E['type']]: SlackEventCallback<E> };

/** Slack adds event types before `@slack/types` knows them: those arrive typed loosely. */
export type SlackOtherEvent = SlackEventCallback<{ readonly type: string } & JsonObject>;
