import { prettyJson, randomHex, randomNumericId, unixSeconds, type SampleContext, type SampleSet } from './sample';

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

function push({ now }: SampleContext): string {
  const before = randomHex(20);
  const after = randomHex(20);
  const commit = {
    id: after,
    tree_id: randomHex(20),
    distinct: true,
    message: 'Fix the retry delay 🐛',
    timestamp: now.toISOString(),
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
    repository: { ...REPOSITORY, pushed_at: unixSeconds(now) },
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

function pullRequest({ now }: SampleContext): string {
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
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
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

function issues({ now }: SampleContext): string {
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
      created_at: now.toISOString(),
      html_url: `${REPOSITORY.html_url}/issues/${number}`,
    },
    repository: REPOSITORY,
    sender: SENDER,
  });
}

function release({ now }: SampleContext): string {
  return prettyJson({
    action: 'published',
    release: {
      id: randomNumericId(),
      tag_name: 'v0.2.0',
      name: 'v0.2.0',
      draft: false,
      prerelease: false,
      created_at: now.toISOString(),
      published_at: now.toISOString(),
      author: SENDER,
      html_url: `${REPOSITORY.html_url}/releases/tag/v0.2.0`,
    },
    repository: REPOSITORY,
    sender: SENDER,
  });
}

function workflowRun({ now }: SampleContext): string {
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
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      html_url: `${REPOSITORY.html_url}/actions/runs/${id}`,
    },
    repository: REPOSITORY,
    sender: SENDER,
  });
}

export const githubSamples: SampleSet = {
  defaultType: 'push',
  types: { push, ping, pull_request: pullRequest, issues, release, workflow_run: workflowRun },
};
