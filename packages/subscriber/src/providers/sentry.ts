import type { JsonObject } from '../json';

/**
 * Sentry integration-platform webhooks, typed `<Sentry-Hook-Resource>.<action>` (the type hookrelay
 * publishes). Sentry publishes no TypeScript types for them; these follow its webhook pages
 * (https://docs.sentry.io/organization/integrations/integration-platform/webhooks/), every other
 * field still present at run time. The resource header is not signed: check that a payload has the
 * shape its type promises before acting on it.
 */
export interface SentryActor {
  readonly type: 'user' | 'application';
  readonly id: string | number;
  readonly name: string;
}

export interface SentryWebhook<TAction extends string, TData> {
  readonly action: TAction;
  readonly installation: { readonly uuid: string };
  readonly data: TData;
  readonly actor: SentryActor;
}

export interface SentryIssue {
  readonly id: string;
  readonly shortId: string;
  readonly title: string;
  readonly culprit: string | null;
  readonly level: 'fatal' | 'error' | 'warning' | 'info' | 'debug' | (string & {});
  readonly status: 'unresolved' | 'resolved' | 'ignored' | (string & {});
  readonly project: { readonly id: string; readonly name: string; readonly slug: string; readonly platform?: string | null };
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** A decimal string. */
  readonly count: string;
  readonly userCount: number;
  readonly url: string;
  readonly web_url: string;
  readonly project_url: string;
  readonly [field: string]: unknown;
}

export interface SentryErrorEvent {
  readonly event_id: string;
  readonly issue_id: string;
  readonly project: number;
  readonly level: string;
  readonly title: string;
  readonly datetime: string;
  readonly url: string;
  readonly web_url: string;
  readonly issue_url: string;
  readonly [field: string]: unknown;
}

export interface SentryComment {
  readonly comment_id: string;
  readonly issue_id: string;
  readonly project_slug: string;
  readonly timestamp: string;
  readonly comment: string;
}

export interface SentryMetricAlert {
  readonly metric_alert: JsonObject;
  readonly description_text: string;
  readonly description_title: string;
  readonly web_url: string;
}

type IssueAction = 'created' | 'resolved' | 'assigned' | 'archived' | 'unresolved';
type MetricAlertAction = 'critical' | 'warning' | 'resolved';
type CommentAction = 'created' | 'updated' | 'deleted';

export type SentryEventMap = { readonly [A in IssueAction as `issue.${A}`]: SentryWebhook<A, { readonly issue: SentryIssue }> } & {
  readonly [A in MetricAlertAction as `metric_alert.${A}`]: SentryWebhook<A, SentryMetricAlert>;
} & { readonly [A in CommentAction as `comment.${A}`]: SentryWebhook<A, SentryComment> } & {
  readonly 'error.created': SentryWebhook<'created', { readonly error: SentryErrorEvent }>;
  readonly 'event_alert.triggered': SentryWebhook<'triggered', { readonly event: SentryErrorEvent; readonly triggered_rule: string }>;
  readonly 'installation.created': SentryWebhook<'created', { readonly installation: JsonObject }>;
  readonly 'installation.deleted': SentryWebhook<'deleted', { readonly installation: JsonObject }>;
};

/** Sentry adds resources over time: those arrive with JSON data. */
export type SentryOtherEvent = SentryWebhook<string, JsonObject>;
