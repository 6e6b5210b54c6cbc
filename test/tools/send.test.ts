import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findProvider, providerNames, type ProviderName } from '../../lambdas/core/registry';
import type { LocalHookrelay } from '../../local/hookrelay-local';
import { routesWithSecrets, startTestGateway, waitForPublished } from '../helpers/local-hookrelay';
import { runTool } from '../helpers/run-tool';
import { runSendCommand } from '../../tools/lib/send-command';

// A SendGrid key pair of the test's own: its private half is handed to `send` as a PEM file.
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const workDirectory = mkdtempSync(path.join(tmpdir(), 'hookrelay-send-'));
const SENDGRID_PRIVATE_KEY_FILE = path.join(workDirectory, 'sendgrid-private.pem');
writeFileSync(SENDGRID_PRIVATE_KEY_FILE, sendgridKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }));

// Discord too signs with a private key (Ed25519) and the route holds the public half (hex). Its
// answer is its own (`{"type":5}`), without event ids, so the interaction is sent from a file whose id is known.
const discordKeys = generateKeyPairSync('ed25519');
const DISCORD_PRIVATE_KEY_FILE = path.join(workDirectory, 'discord-private.pem');
writeFileSync(DISCORD_PRIVATE_KEY_FILE, discordKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
const DISCORD_INTERACTION_ID = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
// Adyen answers `[accepted]`, also without event ids: its notification too comes from a file (signed by `send`).
const ADYEN_PSP_REFERENCE = randomBytes(8).toString('hex').toUpperCase();
const ADYEN_NOTIFICATION_FILE = path.join(workDirectory, 'adyen-notification.json');
writeFileSync(
  ADYEN_NOTIFICATION_FILE,
  JSON.stringify({
    live: 'false',
    notificationItems: [
      { NotificationRequestItem: { amount: { currency: 'EUR', value: 1000 }, eventCode: 'AUTHORISATION', merchantAccountCode: 'SendTest', merchantReference: 'order-1', pspReference: ADYEN_PSP_REFERENCE, success: 'true' } },
    ],
  }),
);
const DISCORD_INTERACTION_FILE = path.join(workDirectory, 'discord-interaction.json');
writeFileSync(
  DISCORD_INTERACTION_FILE,
  JSON.stringify({ id: DISCORD_INTERACTION_ID, application_id: '1187000000000000001', type: 2, token: 'aW50ZXJhY3Rpb246dGVzdA', version: 1, data: { id: '1', name: 'deploy', type: 1 } }),
);

/** None is a development secret (except SendGrid's second key, for the default-key case), so a pass proves the secret was used. */
const SECRETS: Record<ProviderName, string[]> = {
  stripe: ['whsec_send_test_stripe_current', 'whsec_send_test_stripe_previous'],
  github: ['send-test-github-secret'],
  shopify: ['send-test-shopify-client-secret'],
  slack: ['5e4d0test0slack0signing0secret00'],
  twilio: ['0123456789abcdef0123456789abcdef'],
  sendgrid: [sendgridKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), findProvider('sendgrid')!.development.secret],
  standard: [`whsec_${randomBytes(24).toString('base64')}`],
  meta: ['send-test-meta-app-secret'],
  clerk: [`whsec_${randomBytes(24).toString('base64')}`],
  resend: [`whsec_${randomBytes(24).toString('base64')}`],
  gitlab: ['send-test-gitlab-token'],
  pagerduty: ['send-test-pagerduty-secret'],
  typeform: ['send-test-typeform-secret'],
  sentry: ['send-test-sentry-client-secret'],
  discord: [Buffer.from(discordKeys.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex')],
  zoom: ['send-test-zoom-secret-token'],
  twitch: ['send-test-twitch-subscription-secret'],
  adyen: [randomBytes(32).toString('hex').toUpperCase()],
  mailgun: ['send-test-mailgun-signing-key'],
  okta: ['Basic c2VuZC10ZXN0Om9rdGEtY3JlZGVudGlhbA=='],
  generic: ['send-test-generic-secret'],
  paddle: ['pdl_ntfset_01sendtest0paddle0000000000_sendTestPaddleSecretKey000000'],
  linear: ['lin_wh_send0test0linear0signing0secret'],
  square: ['send-test-square-signature-key'],
  hubspot: ['5e4d0000-send-4000-8000-test0hubspot0'],
  workos: ['send0test0workos0webhook0secret'],
  razorpay: ['send-test-razorpay-webhook-secret'],
  box: ['SendTestBoxPrimaryKey00000000000', 'SendTestBoxSecondaryKey000000000'],
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment the command sees: no WEBHOOK_SECRET_* inherited unless `env` sets it. */
function sendEnvironment(env: Record<string, string>): Record<string, string | undefined> {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('WEBHOOK_SECRET_'))), ...env };
}

/** The command in-process (`runSendCommand`, what tools/send.ts runs), its output captured. */
async function runSend(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSendCommand(args, sendEnvironment(env), { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, stdout: out.map((line) => `${line}\n`).join(''), stderr: err.map((line) => `${line}\n`).join('') };
}

/** `npm run send -- …` as a process (tools/send.ts): exit status and streams as a user sees them. */
const runSendProcess = (args: string[], env: Record<string, string> = {}): Promise<Run> => runTool('tools/send.ts', args, sendEnvironment(env));

/** The ids of a summary line: `200 OK  event <id>` or `200 OK  events <id>, <id>`. */
function printedIds(stdout: string): string[] {
  return /\bevents? (.+)$/m.exec(stdout)?.[1]?.split(', ') ?? [];
}

interface Envelope {
  readonly id: string;
  readonly provider: string;
  readonly type: string;
  readonly payload?: { readonly type?: string };
}

// One gateway for the file, started by whichever concurrent test asks first (it.concurrent tests may
// start before beforeAll hooks finish, so they share a promise instead).
let gatewayStarted: Promise<LocalHookrelay> | undefined;
const gateway = () => (gatewayStarted ??= startTestGateway({ routes: routesWithSecrets(SECRETS) }));

/** The envelopes of `ids`, once each was published. */
async function publishedEnvelopes(ids: readonly string[]): Promise<Envelope[]> {
  return (await waitForPublished(await gateway(), ids)).map((entry) => entry.message as Envelope);
}

afterAll(async () => {
  rmSync(workDirectory, { recursive: true, force: true });
  if (gatewayStarted) await (await gatewayStarted).stop();
});

describe('Command: npm run send', () => {
  interface DefaultCase {
    readonly provider: ProviderName;
    readonly type: string;
    readonly how: string;
    readonly args: (url: string) => string[];
    readonly env?: Record<string, string>;
    readonly events?: number;
    /**
     * Senders that answer with a reply of their own instead of `{ received, eventId }`: the answer
     * printed, and the ids of the events sent (from a --file).
     */
    readonly reply?: { readonly printed: RegExp; readonly eventIds: readonly string[] };
  }

  // Every provider's default type, through each way of naming the URL and the secret.
  const defaults: DefaultCase[] = [
    { provider: 'stripe', type: 'payment_intent.succeeded', how: 'WEBHOOK_SECRET_STRIPE (first of the list)', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_STRIPE: SECRETS.stripe.join(',') } },
    { provider: 'github', type: 'push', how: '--secret, full webhook URL', args: (url) => ['--url', `${url}/webhooks/github`, '--secret', SECRETS.github[0]!] },
    { provider: 'shopify', type: 'orders/create', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.shopify[0]!] },
    { provider: 'slack', type: 'message', how: 'WEBHOOK_SECRET_SLACK', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_SLACK: SECRETS.slack[0]! } },
    { provider: 'twilio', type: 'message.delivered', how: '--secret, signing the URL with its port', args: (url) => ['--url', url, '--secret', SECRETS.twilio[0]!] },
    { provider: 'sendgrid', type: 'delivered', how: '--secret <PEM file>', args: (url) => ['--url', url, '--secret', SENDGRID_PRIVATE_KEY_FILE], events: 3 },
    { provider: 'sendgrid', type: 'delivered', how: 'the development private key by default', args: (url) => ['--url', url], events: 3 },
    { provider: 'standard', type: 'invoice.paid', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.standard[0]!] },
    { provider: 'meta', type: 'page.feed', how: '--secret, a batch of two changes', args: (url) => ['--url', url, '--secret', SECRETS.meta[0]!], events: 2 },
    { provider: 'clerk', type: 'user.created', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.clerk[0]!] },
    { provider: 'resend', type: 'email.delivered', how: 'WEBHOOK_SECRET_RESEND', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_RESEND: SECRETS.resend[0]! } },
    { provider: 'gitlab', type: 'push', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.gitlab[0]!] },
    { provider: 'pagerduty', type: 'incident.triggered', how: 'WEBHOOK_SECRET_PAGERDUTY', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_PAGERDUTY: SECRETS.pagerduty[0]! } },
    { provider: 'typeform', type: 'form_response', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.typeform[0]!] },
    { provider: 'sentry', type: 'issue.created', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.sentry[0]!] },
    { provider: 'generic', type: 'webhook', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.generic[0]!] },
    { provider: 'paddle', type: 'transaction.completed', how: 'WEBHOOK_SECRET_PADDLE', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_PADDLE: SECRETS.paddle[0]! } },
    { provider: 'linear', type: 'Issue.create', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.linear[0]!] },
    { provider: 'square', type: 'payment.updated', how: '--secret, signing the URL as sent', args: (url) => ['--url', url, '--secret', SECRETS.square[0]!] },
    { provider: 'hubspot', type: 'contact.creation', how: 'WEBHOOK_SECRET_HUBSPOT, a batch signed with the URL as sent', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_HUBSPOT: SECRETS.hubspot[0]! }, events: 3 },
    { provider: 'workos', type: 'user.created', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.workos[0]!] },
    { provider: 'razorpay', type: 'payment.captured', how: 'WEBHOOK_SECRET_RAZORPAY', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_RAZORPAY: SECRETS.razorpay[0]! } },
    { provider: 'box', type: 'FILE.UPLOADED', how: 'WEBHOOK_SECRET_BOX = primaryKey,secondaryKey', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_BOX: SECRETS.box.join(',') } },
    { provider: 'mailgun', type: 'delivered', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.mailgun[0]!] },
    { provider: 'okta', type: 'user.session.start', how: 'WEBHOOK_SECRET_OKTA', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_OKTA: SECRETS.okta[0]! } },
    {
      provider: 'discord',
      type: 'application_command',
      how: '--secret <PEM file>, --file',
      args: (url) => ['--url', url, '--secret', DISCORD_PRIVATE_KEY_FILE, '--file', DISCORD_INTERACTION_FILE],
      reply: { printed: /^200 OK {2}\{"type":5\}$/m, eventIds: [DISCORD_INTERACTION_ID] },
    },
    { provider: 'zoom', type: 'meeting.started', how: 'WEBHOOK_SECRET_ZOOM', args: (url) => ['--url', url], env: { WEBHOOK_SECRET_ZOOM: SECRETS.zoom[0]! } },
    { provider: 'twitch', type: 'channel.follow', how: '--secret', args: (url) => ['--url', url, '--secret', SECRETS.twitch[0]!] },
    {
      provider: 'adyen',
      type: 'AUTHORISATION',
      how: 'WEBHOOK_SECRET_ADYEN, --file',
      args: (url) => ['--url', url, '--file', ADYEN_NOTIFICATION_FILE],
      env: { WEBHOOK_SECRET_ADYEN: SECRETS.adyen[0]! },
      reply: { printed: /^200 OK {2}\[accepted\]$/m, eventIds: [`${ADYEN_PSP_REFERENCE}:AUTHORISATION:true`] },
    },
  ];

  it('has a default case for every provider', () => {
    expect(new Set(defaults.map((entry) => entry.provider))).toEqual(new Set(providerNames));
  });

  it.concurrent.each(defaults)('$provider $type is accepted and published ($how)', async ({ provider, type, args, env, events = 1, reply }) => {
    // Act
    const { url } = await gateway();
    const run = await runSend([provider, ...args(url)], env);

    // Assess
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(reply?.printed ?? /^200 OK {2}events? \S/) });
    const ids = reply?.eventIds ?? printedIds(run.stdout);
    expect(ids).toHaveLength(events);
    const envelopes = await publishedEnvelopes(ids);
    for (const envelope of envelopes) expect(envelope).toMatchObject({ provider, type });
    for (const secret of SECRETS[provider]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it.concurrent('slack url_verification answers the challenge and publishes nothing', async () => {
    // Act
    const { url } = await gateway();
    const verification = await runSend(['slack', 'url_verification', '--url', url, '--secret', SECRETS.slack[0]!]);
    const message = await runSend(['slack', '--url', url, '--secret', SECRETS.slack[0]!]);

    // Assess: the message sent after it is published, the verification never was.
    expect(verification).toMatchObject({ code: 0, stdout: expect.stringMatching(/^200 OK {2}challenge \w{48}$/m) });
    await publishedEnvelopes(printedIds(message.stdout));
    const published = (await gateway()).published.list().map((entry) => entry.message as Envelope);
    expect(published.filter((envelope) => envelope.payload?.type === 'url_verification')).toEqual([]);
  });

  it.concurrent('repeated sends are new events, and --json prints the answer', async () => {
    const { url } = await gateway();
    const runs = await Promise.all([1, 2].map(() => runSend(['stripe', 'invoice.paid', '--url', url, '--secret', SECRETS.stripe[1]!, '--json'])));

    const answers = runs.map((run) => {
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as { status: number; replayed: boolean; body: { eventId: string } };
    });
    expect(answers).toEqual([
      { status: 200, replayed: false, body: { received: true, eventId: expect.stringMatching(/^evt_/) } },
      { status: 200, replayed: false, body: { received: true, eventId: expect.stringMatching(/^evt_/) } },
    ]);
    expect(answers[0]!.body.eventId).not.toBe(answers[1]!.body.eventId);
  });

  it.concurrent('--file is sent as-is: the same signed content is one event, for generic (id = body hash) and github (fresh delivery ids)', async () => {
    // Prepare
    const { url } = await gateway();
    const file = path.join(workDirectory, 'payload.json');
    writeFileSync(file, `{ "hello": "Zoë", "nonce": "${randomBytes(8).toString('hex')}" }\n`);

    // Act: one after the other, so the second of each pair meets the first's record.
    const generic = [];
    for (let i = 0; i < 2; i++) generic.push(await runSend(['generic', '--file', file, '--url', url, '--secret', SECRETS.generic[0]!]));
    const github = [];
    for (let i = 0; i < 2; i++) github.push(await runSend(['github', 'deployment', '--file', file, '--url', url, '--secret', SECRETS.github[0]!]));

    // Assess
    expect(generic.map((run) => run.code)).toEqual([0, 0]);
    expect(generic[0]!.stdout).toMatch(/^200 OK {2}event /);
    expect(generic[1]!.stdout).toMatch(/^200 OK {2}replayed {2}event /);
    expect(printedIds(generic[1]!.stdout)).toEqual(printedIds(generic[0]!.stdout));

    // GitHub signs neither the delivery id nor a timestamp: a second send of the same body and
    // event type is a repeat, answered with the first delivery's id.
    expect(github.map((run) => run.code)).toEqual([0, 0]);
    expect(github[1]!.stdout).toMatch(/^200 OK {2}replayed {2}event /);
    const githubIds = github.flatMap((run) => printedIds(run.stdout));
    expect(new Set(githubIds).size).toBe(1);
    const envelopes = await publishedEnvelopes([githubIds[0]!]);
    expect(envelopes.map((envelope) => [envelope.type, envelope.payload])).toEqual([['deployment', expect.objectContaining({ hello: 'Zoë' })]]);
  });

  it.concurrent('a wrong secret exits 1 and shows 401 INVALID_SIGNATURE, without printing the secret (as a process)', async () => {
    const { url } = await gateway();
    const run = await runSendProcess(['shopify', '--url', url, '--secret', 'not-the-shopify-secret']);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^401 INVALID_SIGNATURE\b/);
    expect(run.stdout + run.stderr).not.toContain('not-the-shopify-secret');
  });

  it.concurrent('an unknown provider exits 2 and lists the valid ones (as a process)', async () => {
    const run = await runSendProcess(['paypal']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown route "paypal"');
    for (const provider of providerNames) expect(run.stderr).toContain(provider);
  });

  it.concurrent('an unknown event type exits 2 and lists the provider’s types', async () => {
    const run = await runSend(['github', 'pushed']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown github event type "pushed"; valid types: push, ping, pull_request/);
  });
});
