import type { JsonObject } from '../json';

/**
 * PagerDuty V3 webhooks: one `event` per body, typed by `event.event_type` (the type hookrelay
 * publishes), its `data` depending on the type. PagerDuty publishes no TypeScript types for them;
 * these follow the V3 overview of PagerDuty's developer documentation
 * (https://developer.pagerduty.com/docs/webhooks/), every other field still present at run time.
 */
export interface PagerDutyReference<TType extends string = string> {
  readonly id: string;
  readonly type: TType;
  readonly summary: string;
  readonly self: string | null;
  readonly html_url: string | null;
}

export interface PagerDutyWebhook<TEventType extends string, TResource extends string, TData> {
  readonly event: {
    readonly id: string;
    readonly event_type: TEventType;
    readonly resource_type: TResource;
    /** ISO-8601. */
    readonly occurred_at: string;
    /** Who or what caused the event (a user, a service, an integration), or null. */
    readonly agent: PagerDutyReference | null;
    readonly client: { readonly name: string } | null;
    readonly data: TData;
  };
}

export interface PagerDutyIncident {
  readonly id: string;
  readonly type: 'incident';
  readonly self: string;
  readonly html_url: string;
  readonly number: number;
  readonly status: 'triggered' | 'acknowledged' | 'resolved';
  readonly incident_key: string | null;
  readonly created_at: string;
  readonly title: string;
  readonly service: PagerDutyReference<'service_reference'>;
  readonly assignees: ReadonlyArray<PagerDutyReference<'user_reference'>>;
  readonly escalation_policy: PagerDutyReference<'escalation_policy_reference'>;
  readonly teams: ReadonlyArray<PagerDutyReference<'team_reference'>>;
  readonly priority: PagerDutyReference<'priority_reference'> | null;
  readonly urgency: 'high' | 'low';
  readonly conference_bridge: { readonly conference_number?: string; readonly conference_url?: string } | null;
  readonly resolve_reason: JsonObject | null;
  readonly [field: string]: unknown;
}

export interface PagerDutyIncidentNote {
  readonly id: string;
  readonly type: 'incident_note';
  readonly incident: PagerDutyReference<'incident_reference'>;
  readonly content: string;
  readonly trimmed: boolean;
}

export interface PagerDutyIncidentStatusUpdate {
  readonly id: string;
  readonly type: 'incident_status_update';
  readonly incident: PagerDutyReference<'incident_reference'>;
  readonly message: string;
  readonly trimmed: boolean;
}

export interface PagerDutyIncidentResponder {
  readonly type: 'incident_responder';
  readonly incident: PagerDutyReference<'incident_reference'>;
  readonly user: PagerDutyReference<'user_reference'>;
  readonly escalation_policy: PagerDutyReference<'escalation_policy_reference'> | null;
  readonly message: string;
  readonly state: 'pending' | 'joined' | 'declined' | (string & {});
}

export interface PagerDutyService {
  readonly id: string;
  readonly type: 'service';
  readonly self: string;
  readonly html_url: string;
  readonly summary: string;
  readonly alert_creation?: string;
  readonly teams?: ReadonlyArray<PagerDutyReference<'team_reference'>>;
  readonly [field: string]: unknown;
}

type IncidentEventType =
  | 'incident.acknowledged'
  | 'incident.delegated'
  | 'incident.escalated'
  | 'incident.priority_updated'
  | 'incident.reassigned'
  | 'incident.reopened'
  | 'incident.resolved'
  | 'incident.triggered'
  | 'incident.unacknowledged';
type ServiceEventType = 'service.created' | 'service.deleted' | 'service.updated';

export type PagerDutyEventMap = { readonly [T in IncidentEventType]: PagerDutyWebhook<T, 'incident', PagerDutyIncident> } & {
  readonly [T in ServiceEventType]: PagerDutyWebhook<T, 'service', PagerDutyService>;
} & {
  readonly 'incident.annotated': PagerDutyWebhook<'incident.annotated', 'incident', PagerDutyIncidentNote>;
  readonly 'incident.status_update_published': PagerDutyWebhook<'incident.status_update_published', 'incident', PagerDutyIncidentStatusUpdate>;
  readonly 'incident.responder.added': PagerDutyWebhook<'incident.responder.added', 'incident', PagerDutyIncidentResponder>;
  readonly 'incident.responder.replied': PagerDutyWebhook<'incident.responder.replied', 'incident', PagerDutyIncidentResponder>;
  /** Sent when a subscription is tested ("Send test notification"). */
  readonly 'pagey.ping': PagerDutyWebhook<'pagey.ping', 'pagey', { readonly message: string; readonly type: 'ping' }>;
};

/** PagerDuty adds event types over time (custom fields, workflows): those arrive with JSON data. */
export type PagerDutyOtherEvent = PagerDutyWebhook<string, string, JsonObject>;
