import { WebhookError } from '../errors';
import {
  contentKey,
  signatureMismatch,
  jsonEvent,
  noOptions,
  parseJsonBody,
  jsonPost,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { header } from '../request';
import { randomUUID } from 'node:crypto';
import { isoTime, prettyJson, randomHex, randomNumericId } from '../samples';
import { bodyHmacSecretIndex, refuseLegacySignatureAlone, signBodyHmac, type HmacSignatureFormat } from '../schemes';

/** `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body. */
const SIGNATURE: HmacSignatureFormat = { header: 'X-Hub-Signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' };

// --- Samples for `npm run send` --------------------------------------------------------------

// GitHub names the event and the delivery in headers (see the signer); bodies carry no event id.
const REPOSITORY = {
  id: 700000001,
  node_id: 'R_kgDOKhookrelay',
  name: 'hookrelay',
  full_name: 'octo-org/hookrelay',
  private: false,
  html_url: 'https://github.com/octo-org/hookrelay',
  default_branch: 'main',
  owner: { login: 'octo-org', id: 9000001, type: 'Organization' },
};
const SENDER = { login: 'octocat', id: 583231, type: 'User', html_url: 'https://github.com/octocat' };

function push(context: SampleContext): string {
  const before = randomHex(20);
  const after = randomHex(20);
  const commit = {
    id: after,
    tree_id: randomHex(20),
    distinct: true,
    message: 'Fix the retry delay 🐛',
    timestamp: isoTime(context.nowSeconds),
    url: `${REPOSITORY.html_url}/commit/${after}`,
    author: { name: 'Mona Lisa Octocat', email: 'octocat@github.com', username: 'octocat' },
    committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
    added: [],
    removed: [],
    modified: ['lambdas/core/retry.ts'],
  };
  return prettyJson({
    ref: 'refs/heads/main',
    before,
    after,
    repository: { ...REPOSITORY, pushed_at: context.nowSeconds },
    pusher: { name: 'octocat', email: 'octocat@github.com' },
    sender: SENDER,
    created: false,
    deleted: false,
    forced: false,
    compare: `${REPOSITORY.html_url}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: [commit],
    head_commit: commit,
  });
}

function ping(): string {
  return prettyJson({
    zen: 'Keep it logically awesome.',
    hook_id: 470000001,
    hook: { type: 'Repository', id: 470000001, active: true, events: ['push', 'pull_request', 'issues'], config: { content_type: 'json', insecure_ssl: '0' } },
    repository: REPOSITORY,
    sender: SENDER,
  });
}

function pullRequest(context: SampleContext): string {
  const number = 1 + (randomNumericId() % 5000);
  return prettyJson({
    action: 'opened',
    number,
    pull_request: {
      id: randomNumericId(),
      number,
      state: 'open',
      title: 'Add npm run send',
      user: SENDER,
      body: 'Signs sample events like the providers do.',
      created_at: isoTime(context.nowSeconds),
      updated_at: isoTime(context.nowSeconds),
      head: { ref: 'feature/send', sha: randomHex(20) },
      base: { ref: 'main', sha: randomHex(20) },
      html_url: `${REPOSITORY.html_url}/pull/${number}`,
      draft: false,
      merged: false,
    },
    repository: REPOSITORY,
    sender: SENDER,
  });
}

function issues(context: SampleContext): string {
  const number = 1 + (randomNumericId() % 5000);
  return prettyJson({
    action: 'opened',
    issue: {
      id: randomNumericId(),
      number,
      title: 'Webhooks from Zoë’s shop time out ⏱',
      state: 'open',
      user: SENDER,
      labels: [{ name: 'bug' }],
      created_at: isoTime(context.nowSeconds),
      html_url: `${REPOSITORY.html_url}/issues/${number}`,
    },
    repository: REPOSITORY,
    sender: SENDER,
  });
}

function release(context: SampleContext): string {
  return prettyJson({
    action: 'published',
    release: {
      id: randomNumericId(),
      tag_name: 'v0.2.0',
      name: 'v0.2.0',
      draft: false,
      prerelease: false,
      created_at: isoTime(context.nowSeconds),
      published_at: isoTime(context.nowSeconds),
      author: SENDER,
      html_url: `${REPOSITORY.html_url}/releases/tag/v0.2.0`,
    },
    repository: REPOSITORY,
    sender: SENDER,
  });
}

function workflowRun(context: SampleContext): string {
  const id = randomNumericId();
  return prettyJson({
    action: 'completed',
    workflow_run: {
      id,
      name: 'CI',
      head_branch: 'main',
      head_sha: randomHex(20),
      event: 'push',
      status: 'completed',
      conclusion: 'success',
      run_number: 1 + (id % 1000),
      created_at: isoTime(context.nowSeconds),
      updated_at: isoTime(context.nowSeconds),
      html_url: `${REPOSITORY.html_url}/actions/runs/${id}`,
    },
    repository: REPOSITORY,
    sender: SENDER,
  });
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256 over the raw body. The legacy SHA-1
 * `X-Hub-Signature` alone is refused: SHA-1 signatures are only kept by GitHub for old clients.
 * GitHub signs no timestamp, and neither `X-GitHub-Delivery` nor `X-GitHub-Event`: deduplication
 * uses the signed body and the event type (`contentKey`), so a captured delivery sent again with a
 * fresh delivery id is a repeat. The event type stays unsigned: subscribers should check that a
 * payload has the shape its `eventType` promises.
 */
export const github: WebhookProvider = {
  name: 'github',
  defaultToleranceSeconds: 0,
  // GitHub caps payloads at 25 MB; 4 MiB is the most a Lambda-backed route can take once API
  // Gateway has base64-encoded the body (6 MB invocation limit).
  defaultMaxBodyBytes: 4 * 1024 * 1024,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    refuseLegacySignatureAlone(request, SIGNATURE.header, 'X-Hub-Signature', 'SHA-1');
    const secretIndex = bodyHmacSecretIndex(request, secrets, SIGNATURE);
    if (secretIndex < 0) return signatureMismatch(secrets);

    const deliveryId = header(request, 'x-github-delivery');
    const eventType = header(request, 'x-github-event');
    if (!deliveryId || !eventType) {
      throw new WebhookError('INVALID_PAYLOAD', 'X-GitHub-Delivery or X-GitHub-Event header is missing');
    }
    const body = parseJsonBody(request);
    return { secretIndex, events: [jsonEvent(deliveryId, eventType, body, contentKey(eventType, signedBody(request)))] };
  },

  sign(request, { secret }) {
    return signBodyHmac(request, secret, SIGNATURE);
  },

  samples: {
    defaultType: 'push',
    types: { push, ping, pull_request: pullRequest, issues, release, workflow_run: workflowRun },
    request: (body, type, context) =>
      jsonPost(body, context, {
        'X-GitHub-Event': type,
        'X-GitHub-Delivery': randomUUID(),
        'X-GitHub-Hook-ID': '470000001',
        'User-Agent': 'GitHub-Hookshot/hookrelay-send',
      }),
  },

  development: { secret: 'hookrelay-development-github-secret' },

  docs: {
    title: 'GitHub',
    signatureHeaders: '`X-Hub-Signature-256: sha256=<hex>` (the SHA-1 `X-Hub-Signature` alone is refused)',
    signedContent: 'HMAC-SHA256 of `{body}`',
    timestamp: 'none',
    eventId: '`X-GitHub-Delivery`',
    eventType: '`X-GitHub-Event` (`ping` is accepted as an event)',
    secret: 'any string you choose',
    secretLocation: 'Repository/organisation → Settings → Webhooks → *Secret* (GitHub App: app settings → *Webhook secret*)',
    notSigned:
      '`X-GitHub-Delivery` (the envelope `id`) and `X-GitHub-Event` (the envelope `type`): someone holding one genuine delivery can present its body under another event type, which is then a distinct event. Subscribers should check that a payload has the shape its type promises',
    replayProtection: 'the signed body and the event type: the same body with the same type is accepted once per idempotency window, whatever delivery id comes with it',
    oracle: '`@octokit/webhooks-methods` (`sign`, `verify`)',
  },
};
