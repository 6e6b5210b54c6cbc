import type { LocalHookrelay } from '../../local/hookrelay-local';
import { DISCORD_COMMAND, DISCORD_KEYS, DISCORD_PING, discordSignature } from '../fixtures/discord';
import { OKTA_CREDENTIAL, OKTA_OTHER_CREDENTIAL } from '../fixtures/okta';
import { routesWithSecrets, startTestGateway } from '../helpers/local-hookrelay';

/**
 * Senders that expect an answer of their own, over HTTP through the local gateway: Discord's PING
 * handshake and its deferred reply to an interaction (also on a repeat), and Okta's GET verification
 * with its refusals.
 */
let gateway: LocalHookrelay;

beforeAll(async () => {
  gateway = await startTestGateway({ routes: routesWithSecrets({ discord: [DISCORD_KEYS.publicKeyHex], okta: [OKTA_CREDENTIAL] }) });
});
afterAll(async () => {
  await gateway.stop();
});

/** What the caller sees: status, content type, replay header and body text. */
async function answerOf(response: Response) {
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    replayed: response.headers.get('idempotent-replayed'),
    body: await response.text(),
  };
}

function postInteraction(interaction: object, signature?: string): Promise<Response> {
  const body = JSON.stringify(interaction);
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(`${gateway.url}/webhooks/discord`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Signature-Ed25519': signature ?? discordSignature(body, timestamp), 'X-Signature-Timestamp': timestamp },
    body,
  });
}

function oktaVerification(headers: Record<string, string>): Promise<Response> {
  return fetch(`${gateway.url}/webhooks/okta`, { method: 'GET', headers });
}

const publishedIds = () => gateway.published.list().map((entry) => (entry.message as { id: string }).id);

describe('Synchronous replies through the local gateway', () => {
  it('Discord: PING is answered {"type":1} and not published; a command is answered {"type":5}, a repeat the same with Idempotent-Replayed, published once', async () => {
    // Prepare
    const ping = { ...DISCORD_PING, id: `${Date.now()}1` };
    const command = { ...DISCORD_COMMAND, id: `${Date.now()}2` };

    // Act
    const pong = await answerOf(await postInteraction(ping));
    const first = await answerOf(await postInteraction(command));
    const repeat = await answerOf(await postInteraction(command));
    await gateway.settled();

    // Assess
    expect(pong).toEqual({ status: 200, contentType: 'application/json', replayed: null, body: '{"type":1}' });
    expect(first).toEqual({ status: 200, contentType: 'application/json', replayed: null, body: '{"type":5}' });
    expect(repeat).toEqual({ ...first, replayed: 'true' });
    expect(publishedIds().filter((id) => id === command.id || id === ping.id)).toEqual([command.id]);
  });

  it('Discord: an interaction with an invalid signature (Discord’s probe) is refused 401', async () => {
    // Act
    const answer = await answerOf(await postInteraction(DISCORD_PING, '00'.repeat(64)));

    // Assess
    expect({ status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({ status: 401, body: { error: expect.any(String), code: 'INVALID_SIGNATURE' } });
  });

  it('Okta: GET with the challenge and the configured Authorization is answered {"verification": …}, nothing published', async () => {
    // Prepare
    const published = gateway.published.list().length;

    // Act
    const answer = await answerOf(await oktaVerification({ Authorization: OKTA_CREDENTIAL, 'X-Okta-Verification-Challenge': 'challenge-Zoë-1' }));
    await gateway.settled();

    // Assess
    expect({ ...answer, body: JSON.parse(answer.body) as unknown }).toEqual({
      status: 200,
      contentType: 'application/json',
      replayed: null,
      body: { verification: 'challenge-Zoë-1' },
    });
    expect(gateway.published.list()).toHaveLength(published);
  });

  it.each<{ case: string; headers: Record<string, string>; status: number; code: string }>([
    { case: 'without Authorization', headers: { 'X-Okta-Verification-Challenge': 'challenge-2' }, status: 401, code: 'MISSING_SIGNATURE' },
    { case: 'with another credential', headers: { Authorization: OKTA_OTHER_CREDENTIAL, 'X-Okta-Verification-Challenge': 'challenge-3' }, status: 401, code: 'INVALID_SIGNATURE' },
    { case: 'without the challenge header', headers: { Authorization: OKTA_CREDENTIAL }, status: 400, code: 'INVALID_PAYLOAD' },
  ])('Okta: GET $case is refused $status $code, and the challenge is not echoed', async ({ headers, status, code }) => {
    // Act
    const answer = await answerOf(await oktaVerification(headers));

    // Assess
    expect({ status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({ status, body: { error: expect.any(String), code } });
    expect(answer.body).not.toContain('challenge-');
  });

  it('GET on a route whose sender never verifies with GET (Discord) stays 405', async () => {
    // Act
    const response = await fetch(`${gateway.url}/webhooks/discord`, { method: 'GET' });

    // Assess
    expect(response.status).toBe(405);
  });
});
