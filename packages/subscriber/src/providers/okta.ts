import type { JsonObject } from '../json';

/**
 * Okta event hooks as hookrelay publishes them: one event per item of `data.events`, each a System
 * Log event exactly as Okta wrote it, typed by its `eventType`. Nothing Okta sends is signed: the
 * route checks a static `Authorization` value (see docs/providers.md). Fields as documented in
 * https://developer.okta.com/docs/reference/api/system-log/#logevent-object
 */
export interface OktaActor {
  readonly id: string;
  readonly type: string;
  readonly alternateId: string;
  readonly displayName: string;
  readonly detailEntry: JsonObject | null;
}

export interface OktaLogEvent<TType extends string = string> {
  readonly uuid: string;
  /** ISO-8601, when Okta logged it. */
  readonly published: string;
  readonly eventType: TType;
  readonly version: string;
  readonly displayMessage: string;
  readonly severity: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly actor: OktaActor;
  readonly outcome: { readonly result: 'SUCCESS' | 'FAILURE' | 'SKIPPED' | 'ALLOW' | 'DENY' | 'CHALLENGE' | 'UNKNOWN'; readonly reason: string | null } | null;
  readonly target: readonly OktaActor[] | null;
  readonly client: JsonObject | null;
  readonly device?: JsonObject | null;
  readonly transaction: { readonly type: string; readonly id: string; readonly detail: JsonObject } | null;
  readonly debugContext: { readonly debugData: JsonObject } | null;
  readonly authenticationContext: JsonObject | null;
  readonly securityContext: JsonObject | null;
  readonly legacyEventType: string | null;
  readonly insertionTimestamp: string | null;
}

/** Event types commonly delivered to event hooks; any other arrives with the same shape. */
export type OktaEventMap = {
  readonly [Type in
    | 'user.session.start'
    | 'user.session.end'
    | 'user.lifecycle.create'
    | 'user.lifecycle.activate'
    | 'user.lifecycle.deactivate'
    | 'user.lifecycle.suspend'
    | 'user.account.lock'
    | 'user.account.update_password'
    | 'group.user_membership.add'
    | 'group.user_membership.remove'
    | 'application.user_membership.add'
    | 'application.user_membership.remove']: OktaLogEvent<Type>;
};

export type OktaOtherEvent = OktaLogEvent;
