import type { JsonObject } from '../json';

/**
 * GitLab webhooks, by the body's `object_kind` (the type hookrelay publishes). GitLab publishes no
 * TypeScript types; these are the fields of GitLab's "Webhook events" reference
 * (https://docs.gitlab.com/user/project/integrations/webhook_events/) a subscriber commonly reads,
 * with every other field still present at run time. The token GitLab sends signs nothing: check
 * that a payload has the shape its type promises before acting on it.
 */
export interface GitLabProject {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly web_url: string;
  readonly path_with_namespace: string;
  readonly default_branch: string;
  readonly namespace?: string;
  readonly visibility_level?: number;
  readonly [field: string]: unknown;
}

export interface GitLabUser {
  readonly id: number;
  readonly name: string;
  readonly username: string;
  readonly avatar_url?: string | null;
  readonly email?: string;
}

export interface GitLabCommit {
  readonly id: string;
  readonly message: string;
  readonly title?: string;
  readonly timestamp: string;
  readonly url: string;
  readonly author: { readonly name: string; readonly email: string };
  readonly added?: readonly string[];
  readonly modified?: readonly string[];
  readonly removed?: readonly string[];
}

interface GitLabPushBase<TKind extends 'push' | 'tag_push'> {
  readonly object_kind: TKind;
  readonly event_name: TKind;
  /** All zeros when the branch or tag was created. */
  readonly before: string;
  /** All zeros when the branch or tag was deleted. */
  readonly after: string;
  readonly ref: string;
  readonly ref_protected?: boolean;
  readonly checkout_sha: string | null;
  readonly user_id: number;
  readonly user_name: string;
  readonly user_username: string;
  readonly project_id: number;
  readonly project: GitLabProject;
  readonly commits: readonly GitLabCommit[];
  readonly total_commits_count: number;
  readonly [field: string]: unknown;
}
export type GitLabPushEvent = GitLabPushBase<'push'>;
export type GitLabTagPushEvent = GitLabPushBase<'tag_push'>;

interface GitLabObjectEvent<TKind extends string, TAttributes> {
  readonly object_kind: TKind;
  readonly event_type?: string;
  readonly user: GitLabUser;
  readonly project: GitLabProject;
  readonly object_attributes: TAttributes;
  readonly [field: string]: unknown;
}

export interface GitLabIssueAttributes {
  readonly id: number;
  readonly iid: number;
  readonly title: string;
  readonly description: string | null;
  readonly state: 'opened' | 'closed' | (string & {});
  readonly action?: 'open' | 'close' | 'reopen' | 'update' | (string & {});
  readonly created_at: string;
  readonly updated_at: string;
  readonly url: string;
  readonly [field: string]: unknown;
}
export type GitLabIssueEvent = GitLabObjectEvent<'issue', GitLabIssueAttributes>;

export interface GitLabMergeRequestAttributes {
  readonly id: number;
  readonly iid: number;
  readonly title: string;
  readonly state: 'opened' | 'closed' | 'locked' | 'merged' | (string & {});
  readonly action?: 'open' | 'close' | 'reopen' | 'update' | 'approved' | 'unapproved' | 'approval' | 'unapproval' | 'merge' | (string & {});
  readonly source_branch: string;
  readonly target_branch: string;
  readonly merge_status?: string;
  readonly draft?: boolean;
  readonly last_commit?: { readonly id: string; readonly message: string; readonly title?: string; readonly timestamp: string };
  readonly created_at: string;
  readonly updated_at: string;
  readonly url: string;
  readonly [field: string]: unknown;
}
export type GitLabMergeRequestEvent = GitLabObjectEvent<'merge_request', GitLabMergeRequestAttributes>;

export interface GitLabNoteAttributes {
  readonly id: number;
  readonly note: string;
  readonly noteable_type: 'Commit' | 'MergeRequest' | 'Issue' | 'Snippet' | (string & {});
  readonly author_id: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly url: string;
  readonly [field: string]: unknown;
}
export type GitLabNoteEvent = GitLabObjectEvent<'note', GitLabNoteAttributes>;

export interface GitLabPipelineAttributes {
  readonly id: number;
  readonly iid?: number;
  readonly ref: string;
  readonly tag: boolean;
  readonly sha: string;
  readonly source: string;
  readonly status: 'created' | 'waiting_for_resource' | 'preparing' | 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped' | 'manual' | 'scheduled' | (string & {});
  readonly detailed_status?: string;
  readonly stages: readonly string[];
  readonly created_at: string;
  readonly finished_at: string | null;
  readonly duration: number | null;
  readonly url?: string;
  readonly [field: string]: unknown;
}
export interface GitLabPipelineEvent extends GitLabObjectEvent<'pipeline', GitLabPipelineAttributes> {
  readonly builds?: readonly JsonObject[];
}

export interface GitLabEventMap {
  readonly push: GitLabPushEvent;
  readonly tag_push: GitLabTagPushEvent;
  readonly issue: GitLabIssueEvent;
  readonly merge_request: GitLabMergeRequestEvent;
  readonly note: GitLabNoteEvent;
  readonly pipeline: GitLabPipelineEvent;
}

/** Other kinds (`build`, `deployment`, `release`, system hooks, custom templates) arrive as JSON objects. */
export type GitLabOtherEvent = JsonObject;
