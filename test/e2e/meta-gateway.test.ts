import { meta } from '../../lambdas/core/providers/meta';
import type { LocalHookrelay } from '../../local/hookrelay-local';
import { META_BATCH_BODY, META_BATCH_PAYLOADS, META_SECRET, META_VERIFY_TOKEN } from '../fixtures/meta';
import { routesWithSecrets, startTestGateway } from '../helpers/local-hookrelay';
import { waitFor } from '../helpers/wait';

/**
 * Meta through the local gateway, which answers as the deployed API does: the GET endpoint
 * verification (right token → the challenge as text/plain; wrong token → 403 without it; GET on a
 * POST-only route → 405) and a batch published as one envelope per change, once.
 */
let gateway: LocalHookrelay;
const CHALLENGE = '1158201444';

beforeAll(async () => {
  gateway = await startTestGateway({
    routes: routesWithSecrets({ github: ['e2e-meta-github-secret'] }, { meta: { provider: 'meta', secrets: [META_SECRET], verifyTokens: ['a-newer-verify-token', META_VERIFY_TOKEN] } }),
  });
});
afterAll(async () => {
  await gateway.stop();
});

const challengeUrl = (route: string, token: string) =>
  `${gateway.url}/webhooks/${route}?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': CHALLENGE })}`;

describe('Meta through the local gateway', () => {
  it('answers the GET verification with a configured verify token: 200 text/plain, exactly the challenge', async () => {
    // Act
    const response = await fetch(challengeUrl('meta', META_VERIFY_TOKEN));

    // Assess
    expect({ status: response.status, contentType: response.headers.get('content-type'), body: await response.text() }).toEqual({
      status: 200,
      contentType: 'text/plain',
      body: CHALLENGE,
    });
  });

  it('refuses the GET verification with a wrong verify token: 403 VERIFICATION_FAILED, the challenge not echoed', async () => {
    // Act
    const response = await fetch(challengeUrl('meta', 'a-guessed-token'));
    const body = await response.text();

    // Assess
    expect(response.status).toBe(403);
    expect(JSON.parse(body)).toEqual({ error: expect.any(String), code: 'VERIFICATION_FAILED' });
    expect(body).not.toContain(CHALLENGE);
  });

  it('answers a GET to a POST-only route 405', async () => {
    // Act
    const response = await fetch(challengeUrl('github', META_VERIFY_TOKEN));

    // Assess
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: expect.any(String), code: 'METHOD_NOT_ALLOWED' });
  });

  it('publishes a batch once, one envelope per change carrying its composed payload; a resend is replayed and publishes nothing', async () => {
    // Prepare
    const url = `${gateway.url}/webhooks/meta`;
    const sent = meta.sign({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: META_BATCH_BODY }, { secret: META_SECRET, nowSeconds: 0, options: undefined });
    const post = () => fetch(url, { method: 'POST', headers: sent.headers, body: META_BATCH_BODY });
    const idOf = (entry: { message: unknown }) => (entry.message as { id: string }).id;

    // Act
    const first = await post();
    const firstBody = (await first.json()) as { received: boolean; eventId: string; eventIds: string[] };
    const mine = () => gateway.published.list().filter((entry) => firstBody.eventIds.includes(idOf(entry)));
    await waitFor("the batch's three events to be published", () => (mine().length >= 3 ? true : undefined));
    const repeat = await post();

    // Assess
    expect(first.status).toBe(200);
    expect(firstBody).toEqual({
      received: true,
      eventId: firstBody.eventIds[0],
      eventIds: [expect.stringMatching(/^[0-9a-f]{32}:0:0$/), expect.stringMatching(/^[0-9a-f]{32}:0:1$/), expect.stringMatching(/^[0-9a-f]{32}:1:0$/)],
    });
    expect({ status: repeat.status, replayed: repeat.headers.get('idempotent-replayed'), body: await repeat.json() }).toEqual({ status: 200, replayed: 'true', body: firstBody });
    // The repeat was answered from the idempotency records without enqueueing: no further publish can follow it.
    const published = mine();
    expect(published.map(idOf).sort()).toEqual([...firstBody.eventIds].sort());
    // Each change is its own envelope, typed <object>.<field>, its payload as Meta wrote it (the 64-bit integer keeps its digits).
    const types = ['page.feed', 'page.feed', 'page.mention'];
    for (const [index, id] of firstBody.eventIds.entries()) {
      const entry = published.find((candidate) => idOf(candidate) === id)!;
      expect(entry.attributes).toEqual({ provider: 'meta', source: 'meta', eventType: types[index] });
      expect(entry.text).toContain(`"payload":${META_BATCH_PAYLOADS[index]}}`);
    }
  });
});
