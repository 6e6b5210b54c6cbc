import { randomUUID } from 'node:crypto';
import { constantTimeTokenEqual } from '../crypto';
import { WebhookError } from '../errors';
import {
  contentKey,
  secretIndexOf,
  signatureMismatch,
  isRecord,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireHeader,
  withSentHeaders,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { header, type WebhookRequest } from '../request';
import { isoTime, randomHex, randomNumericId } from '../samples';

const TOKEN_HEADER = 'X-Gitlab-Token';
/** Hex digits of the content fingerprint that qualify an `X-Gitlab-Event-UUID` used as the id. */
const FALLBACK_ID_FINGERPRINT_HEX_DIGITS = 16;

/** Body `object_kind`, else `event_name` (system hooks), else the `X-Gitlab-Event` header (custom templates). */
function eventTypeOf(payload: unknown, request: WebhookRequest): string {
  if (isRecord(payload)) {
    for (const field of ['object_kind', 'event_name']) {
      const value = payload[field];
      if (typeof value === 'string' && value !== '') return value;
    }
  }
  const named = header(request, 'x-gitlab-event')?.trim();
  if (named) return named;
  throw new WebhookError('INVALID_PAYLOAD', 'GitLab payload has no "object_kind" or "event_name", and no X-Gitlab-Event header was sent');
}

// --- Samples for `npm run send` --------------------------------------------------------------

// Shapes as in GitLab's "Webhook events" reference; the type is the body's `object_kind`, the
// X-Gitlab-Event header names the hook (see `request` below).
const PROJECT = {
  id: 4242,
  name: 'hookrelay',
  description: 'Webhooks, verified once',
  web_url: 'https://gitlab.example.com/bakery/hookrelay',
  git_ssh_url: 'git@gitlab.example.com:bakery/hookrelay.git',
  git_http_url: 'https://gitlab.example.com/bakery/hookrelay.git',
  namespace: 'Bakery',
  visibility_level: 0,
  path_with_namespace: 'bakery/hookrelay',
  default_branch: 'main',
};
const USER = { id: 17, name: 'Zoë Martin', username: 'zoe', avatar_url: null, email: '[REDACTED]' };
const HOOK_NAMES: Readonly<Record<string, string>> = {
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  issue: 'Issue Hook',
  merge_request: 'Merge Request Hook',
  note: 'Note Hook',
  pipeline: 'Pipeline Hook',
};

function push(context: SampleContext): string {
  const after = randomHex(20);
  return JSON.stringify({
    object_kind: 'push',
    event_name: 'push',
    before: randomHex(20),
    after,
    ref: 'refs/heads/main',
    ref_protected: true,
    checkout_sha: after,
    user_id: USER.id,
    user_name: USER.name,
    user_username: USER.username,
    user_email: '',
    user_avatar: null,
    project_id: PROJECT.id,
    project: PROJECT,
    commits: [
      {
        id: after,
        message: 'Réessayer plus tard 🐛\n',
        title: 'Réessayer plus tard 🐛',
        timestamp: isoTime(context.nowSeconds),
        url: `${PROJECT.web_url}/-/commit/${after}`,
        author: { name: USER.name, email: 'zoe@example.com' },
        added: [],
        modified: ['lambdas/core/retry.ts'],
        removed: [],
      },
    ],
    total_commits_count: 1,
    repository: { name: PROJECT.name, url: PROJECT.git_ssh_url, description: PROJECT.description, homepage: PROJECT.web_url, visibility_level: 0 },
  });
}

function issue(context: SampleContext): string {
  const iid = 1 + (randomNumericId() % 500);
  return JSON.stringify({
    object_kind: 'issue',
    event_type: 'issue',
    user: USER,
    project: PROJECT,
    object_attributes: {
      id: randomNumericId(),
      iid,
      title: 'Les webhooks de Zoë expirent ⏱',
      description: 'Depuis ce matin.',
      state: 'opened',
      action: 'open',
      created_at: isoTime(context.nowSeconds),
      updated_at: isoTime(context.nowSeconds),
      url: `${PROJECT.web_url}/-/issues/${iid}`,
      labels: [],
    },
    labels: [],
    changes: {},
    repository: { name: PROJECT.name, url: PROJECT.git_ssh_url, description: PROJECT.description, homepage: PROJECT.web_url },
  });
}

function mergeRequest(context: SampleContext): string {
  const iid = 1 + (randomNumericId() % 500);
  const sha = randomHex(20);
  return JSON.stringify({
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: USER,
    project: PROJECT,
    object_attributes: {
      id: randomNumericId(),
      iid,
      title: 'Add npm run send',
      state: 'opened',
      action: 'open',
      merge_status: 'checking',
      source_branch: 'feature/send',
      target_branch: 'main',
      created_at: isoTime(context.nowSeconds),
      updated_at: isoTime(context.nowSeconds),
      url: `${PROJECT.web_url}/-/merge_requests/${iid}`,
      last_commit: { id: sha, message: 'Add npm run send\n', title: 'Add npm run send', timestamp: isoTime(context.nowSeconds) },
      draft: false,
    },
    labels: [],
    changes: {},
    repository: { name: PROJECT.name, url: PROJECT.git_ssh_url, description: PROJECT.description, homepage: PROJECT.web_url },
  });
}

function note(context: SampleContext): string {
  const iid = 1 + (randomNumericId() % 500);
  return JSON.stringify({
    object_kind: 'note',
    event_type: 'note',
    user: USER,
    project_id: PROJECT.id,
    project: PROJECT,
    object_attributes: {
      id: randomNumericId(),
      note: 'Bien vu, merci ! 👍',
      noteable_type: 'Issue',
      author_id: USER.id,
      created_at: isoTime(context.nowSeconds),
      updated_at: isoTime(context.nowSeconds),
      project_id: PROJECT.id,
      url: `${PROJECT.web_url}/-/issues/${iid}#note_${randomNumericId()}`,
    },
    issue: { id: randomNumericId(), iid, title: 'Les webhooks de Zoë expirent ⏱', state: 'opened' },
  });
}

function pipeline(context: SampleContext): string {
  const id = randomNumericId();
  return JSON.stringify({
    object_kind: 'pipeline',
    object_attributes: {
      id,
      iid: 1 + (id % 1000),
      name: null,
      ref: 'main',
      tag: false,
      sha: randomHex(20),
      source: 'push',
      status: 'success',
      detailed_status: 'passed',
      stages: ['test', 'deploy'],
      created_at: isoTime(context.nowSeconds - 120),
      finished_at: isoTime(context.nowSeconds),
      duration: 118,
      url: `${PROJECT.web_url}/-/pipelines/${id}`,
    },
    user: USER,
    project: PROJECT,
    builds: [],
  });
}

/**
 * GitLab: no signature. `X-Gitlab-Token` carries the webhook's secret token as is, compared in
 * constant time with each configured secret: a bearer credential, so whoever sees one request holds
 * it and can send anything. The id is `Idempotency-Key` (GitLab ≥ 17.4: one per event, kept across
 * retries and resends); without it, `X-Gitlab-Event-UUID` qualified by a fingerprint of the type and
 * body, which then also deduplicates (see `docs.notes`). The type is the body's `object_kind`, else
 * `event_name`, else `X-Gitlab-Event`. GitLab's Standard Webhooks signing token is not handled here.
 */
export const gitlab: WebhookProvider = {
  name: 'gitlab',
  defaultToleranceSeconds: 0,
  // GitLab sends up to 25 MB; 4 MiB is the most a Lambda-backed route can take once API Gateway has
  // base64-encoded the body (6 MB invocation limit).
  defaultMaxBodyBytes: 4 * 1024 * 1024,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    // Only the first value counts: a request carrying many tokens gets one guess, not many.
    const token = requireHeader(request, TOKEN_HEADER);
    const secretIndex = secretIndexOf(secrets, (secret) => constantTimeTokenEqual(token, secret));
    if (secretIndex < 0) return signatureMismatch(secrets);

    const body = parseJsonBody(request);
    const type = eventTypeOf(body.value, request);
    const idempotencyKey = header(request, 'idempotency-key')?.trim();
    // No content key here: nothing is signed, so a fingerprint would stop no holder of the token
    // (one changed byte defeats it), while it would merge distinct events whose bodies are equal
    // (a custom webhook template that renders the same text twice).
    if (idempotencyKey) return { secretIndex, events: [jsonEvent(idempotencyKey, type, body)] };

    const eventUuid = header(request, 'x-gitlab-event-uuid')?.trim();
    if (!eventUuid) throw new WebhookError('INVALID_PAYLOAD', 'Neither Idempotency-Key nor X-Gitlab-Event-UUID was sent');
    const key = contentKey(type, signedBody(request));
    return { secretIndex, events: [jsonEvent(`${eventUuid}:${key.slice(0, FALLBACK_ID_FINGERPRINT_HEX_DIGITS)}`, type, body, key)] };
  },

  sign(request, { secret }) {
    return withSentHeaders(request, { [TOKEN_HEADER]: secret });
  },

  samples: {
    defaultType: 'push',
    types: { push, issue, merge_request: mergeRequest, note, pipeline },
    request: (body, type, context) =>
      jsonPost(body, context, {
        'User-Agent': 'GitLab/17.11.0',
        'X-Gitlab-Event': HOOK_NAMES[type] ?? 'System Hook',
        'X-Gitlab-Instance': 'https://gitlab.example.com',
        'X-Gitlab-Webhook-UUID': randomUUID(),
        'X-Gitlab-Event-UUID': randomUUID(),
        'Idempotency-Key': randomUUID(),
      }),
  },

  development: { secret: 'hookrelay-development-gitlab-token' },

  docs: {
    title: 'GitLab',
    signatureHeaders: '`X-Gitlab-Token: <token>` (no signature)',
    signedContent: 'nothing: the token is compared in constant time with the configured one',
    timestamp: 'none',
    eventId: '`Idempotency-Key` (GitLab ≥ 17.4); else `<X-Gitlab-Event-UUID>:<16 hex digits of SHA-256 over type and body>`; neither → `400 INVALID_PAYLOAD`',
    eventType: 'body `object_kind`, else `event_name` (system hooks), else the `X-Gitlab-Event` header (`Push Hook`: custom webhook templates)',
    secret: 'the webhook’s secret token (any string)',
    secretLocation: 'Project or group → Settings → Webhooks → your webhook → *Secret token* (system hooks: Admin → System hooks)',
    notSigned:
      'everything. The token is a bearer credential sent as is with every request: anyone who sees one request (a proxy or load-balancer log, a receiver that echoes headers) holds it and can send any body, id and type until the token is rotated. Keep the path HTTPS end to end, and rotate the token if a request may have been seen',
    replayProtection:
      'none against a holder of the token, who can forge anything. GitLab’s own repeats are deduplicated: `Idempotency-Key` is kept across retries and resends; without it (GitLab < 17.4), on the type and the body',
    oracle: 'none (a token comparison); bodies from GitLab’s webhook events reference, the content fingerprint checked against an `openssl dgst` known answer',
    notes: [
      '`X-Gitlab-Event-UUID` is GitLab’s recursion-detection UUID (`lib/gitlab/web_hooks/recursion_detection/uuid.rb`): one per webhook and job, but reused for every webhook fired while handling a request that carried it, and a manual resend gets a new one. So when it stands in for `Idempotency-Key`, it is qualified with a fingerprint of the type and the body, and that fingerprint deduplicates: distinct events sharing the UUID stay distinct, a resend with a new UUID is a repeat.',
      'GitLab’s Standard Webhooks signing token (behind a feature flag) is not supported by this route.',
    ],
  },
};
