import type { JsonObject } from '../json';

/**
 * Linear webhooks: hookrelay publishes the body Linear posts, typed by `<type>.<action>`
 * (`Issue.create`). Fields as documented in https://linear.app/developers/webhooks and typed by
 * `@linear/sdk` (`EntityWebhookPayload`, `IssueWebhookPayload`, …). Linear adds fields to its
 * entities over time: each keeps an index signature for them.
 */
export interface LinearWebhookPayload<TType extends string, TAction extends string, TData> {
  readonly action: TAction;
  readonly type: TType;
  readonly actor?: LinearActor;
  /** When the action took place (ISO-8601). */
  readonly createdAt: string;
  readonly data: TData;
  readonly url?: string;
  /** On `update`: the previous values of the fields that changed. */
  readonly updatedFrom?: JsonObject;
  readonly organizationId: string;
  /** Time of sending, UNIX milliseconds: the signed value hookrelay checks against its tolerance. */
  readonly webhookTimestamp: number;
  readonly webhookId: string;
}

export interface LinearActor {
  readonly id: string;
  readonly type: 'user' | 'OauthClient' | 'Integration' | (string & {});
  readonly name?: string;
  readonly email?: string;
  readonly url?: string;
}

export interface LinearTeamReference {
  readonly id: string;
  readonly key: string;
  readonly name: string;
}

export interface LinearIssueData {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly number: number;
  /** `ENG-42`. */
  readonly identifier: string;
  readonly title: string;
  readonly description?: string | null;
  /** 0 none, 1 urgent, 2 high, 3 medium, 4 low. */
  readonly priority: number;
  readonly priorityLabel: string;
  readonly estimate?: number | null;
  readonly url: string;
  readonly teamId: string;
  readonly team?: LinearTeamReference;
  readonly stateId: string;
  readonly state?: { readonly id: string; readonly name: string; readonly color: string; readonly type: 'triage' | 'backlog' | 'unstarted' | 'started' | 'completed' | 'canceled' };
  readonly assigneeId?: string | null;
  readonly creatorId?: string | null;
  readonly projectId?: string | null;
  readonly cycleId?: string | null;
  readonly parentId?: string | null;
  readonly labelIds: readonly string[];
  readonly subscriberIds?: readonly string[];
  readonly dueDate?: string | null;
  readonly completedAt?: string | null;
  readonly canceledAt?: string | null;
  readonly archivedAt?: string | null;
  readonly [field: string]: unknown;
}

export interface LinearCommentData {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly body: string;
  readonly issueId?: string | null;
  readonly userId?: string | null;
  readonly parentId?: string | null;
  readonly issue?: { readonly id: string; readonly identifier?: string; readonly title: string; readonly teamId?: string; readonly url?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

export interface LinearProjectData {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly name: string;
  readonly description?: string;
  readonly state?: string;
  readonly progress?: number;
  readonly targetDate?: string | null;
  readonly leadId?: string | null;
  readonly teamIds?: readonly string[];
  readonly url: string;
  readonly [field: string]: unknown;
}

export interface LinearIssueLabelData {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly name: string;
  readonly color: string;
  readonly teamId?: string | null;
  readonly parentId?: string | null;
  readonly [field: string]: unknown;
}

export interface LinearCycleData {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly number: number;
  readonly name?: string | null;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly teamId: string;
  readonly [field: string]: unknown;
}

type Actions<TType extends string, TData> = {
  readonly [A in 'create' | 'update' | 'remove' as `${TType}.${A}`]: LinearWebhookPayload<TType, A, TData>;
};

/** The entity webhooks with typed `data`, by `<type>.<action>`. */
export type LinearEventMap = Actions<'Issue', LinearIssueData> &
  Actions<'Comment', LinearCommentData> &
  Actions<'Project', LinearProjectData> &
  Actions<'IssueLabel', LinearIssueLabelData> &
  Actions<'Cycle', LinearCycleData>;

/**
 * Every other type (reactions, documents, OAuth app and agent-session webhooks, …): the fields
 * every Linear webhook carries; entity webhooks add `data`, the others their own fields.
 */
export interface LinearOtherEvent {
  readonly action: string;
  readonly type: string;
  readonly createdAt: string;
  readonly organizationId: string;
  readonly webhookTimestamp: number;
  readonly webhookId: string;
  readonly data?: JsonObject;
  readonly [field: string]: unknown;
}
