// Type-only; `@octokit/webhooks-types` is an optional peer dependency (see ./stripe.ts).
// @ts-ignore -- optional peer dependency
import type { WebhookEventMap } from '@octokit/webhooks-types';
import type { IsAny, JsonObject } from '../json';

type WithoutOctokitTypes = IsAny<WebhookEventMap>;

/**
 * GitHub events by the `X-GitHub-Event` name hookrelay uses as the type (`push`, `issues`,
 * `pull_request`): each is the union of its actions, narrowed by `payload.action`.
 */
export type GitHubEventMap = WithoutOctokitTypes extends true ? {} : WebhookEventMap;

export type GitHubOtherEvent = WithoutOctokitTypes extends true ? JsonObject : never;
