import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import { decodeArchiveObject, parseArchiveText } from '../../lambdas/core/archive-format';
import { createQueue, queueArn } from '../../local/local-resources';
import type { LocalHookrelay } from '../../local/hookrelay-local';
import { subscriptionFilterPolicy } from '../../packages/subscriber/src/filter-policy';
import { startTestGateway, TEST_SECRETS } from '../helpers/local-hookrelay';
import { stripeSignatureHeader } from '../helpers/official-signers';
import { runTool, type ToolRun } from '../helpers/run-tool';
import { drain } from '../helpers/verifier-under-test';
import { waitFor } from '../helpers/wait';

/**
 * Archive and replay end to end against the local gateway: events are published, archived to the S3
 * stand-in as Firehose writes them, and `npm run replay` (tools/replay.ts, run as its own process)
 * plans, replays rate-limited to one queue, is interrupted, resumes, and reaches nobody else.
 */
const ROOT = path.resolve(__dirname, '../..');
const admin = createAwsClients();
let gateway: LocalHookrelay;
let checkpoints: string;
let since: string;
let until: string;
/** Stripe events sent, by id, with their types. */
const sent: { id: string; type: string }[] = [];

/** Runs tools/replay.ts; `interruptWhen` is polled and, once true, the run gets SIGINT (Ctrl-C). */
function runReplay(args: string[], interruptWhen?: () => Promise<boolean>): Promise<ToolRun> {
  return runTool('tools/replay.ts', ['--url', gateway.url, '--checkpoint-dir', checkpoints, ...args], { ...process.env, INIT_CWD: ROOT }, {
    ...(interruptWhen && {
      alongside: async (tool) => {
        await waitFor('the condition to interrupt the replay', async () => ((await interruptWhen()) ? true : undefined), { timeoutMs: 20_000, intervalMs: 20 });
        tool.kill('SIGINT');
      },
    }),
  });
}

/** Posts a signed Stripe event; `body` overrides the generated JSON text. */
async function sendStripe(type: string, body?: (id: string) => string): Promise<string> {
  const id = `evt_replay_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const text = body?.(id) ?? JSON.stringify({ id, object: 'event', type, created: 1_700_000_000, data: { object: { id: 'in_1', amount: 4900 } } });
  const response = await fetch(`${gateway.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(text, TEST_SECRETS.stripe[0]) },
    body: text,
  });
  expect(response.status).toBe(200);
  sent.push({ id, type });
  return id;
}

async function archivedKeys(): Promise<string[]> {
  const { Contents = [] } = await admin.s3.send(new ListObjectsV2Command({ Bucket: gateway.archive!.bucketName, Prefix: 'events/' }));
  return Contents.map((object) => object.Key!).sort();
}

const attributesOf = (message: Message) => Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]));
const publishedText = (id: string) => gateway.published.list().find((entry) => (entry.message as { id: string }).id === id)!.text;

beforeAll(async () => {
  gateway = await startTestGateway({ archive: { bufferIntervalMs: 100 } });
  checkpoints = mkdtempSync(path.join(tmpdir(), 'hookrelay-replays-'));
  since = new Date(Date.now() - 1000).toISOString();
  // Stripe signs pretty-printed JSON: its newlines and a number JavaScript would round must survive.
  await sendStripe('invoice.paid', (id) => `{\n  "id": "${id}",\n  "object": "event",\n  "type": "invoice.paid",\n  "data": { "object": { "amount": 820982911946154508 } }\n}`);
  for (const type of ['invoice.paid', 'customer.created', 'invoice.payment_failed', 'customer.created', 'invoice.finalized']) await sendStripe(type);
  await gateway.settled();
  until = new Date(Date.now() + 1000).toISOString();
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(checkpoints, { recursive: true, force: true });
});

describe('Command: npm run replay (local gateway)', () => {
  it('archives every published envelope as Firehose would: GZIP JSON lines of SNS notifications under route and hour, the envelope byte for byte', async () => {
    // Act
    const keys = await archivedKeys();
    const archived = [];
    for (const key of keys) {
      const { Body } = await admin.s3.send(new GetObjectCommand({ Bucket: gateway.archive!.bucketName, Key: key }));
      const bytes = await Body!.transformToByteArray();
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]); // GZIP
      archived.push(...parseArchiveText(decodeArchiveObject(bytes)).events.map(({ event }) => ({ key, event })));
    }

    // Assess
    expect(archived.map(({ event }) => event.id).sort()).toEqual(sent.map((event) => event.id).sort());
    for (const { key, event } of archived) {
      expect(key).toMatch(new RegExp(`^events/route=stripe/day=${event.publishedAt.slice(0, 10)}/hour=${event.publishedAt.slice(11, 13)}/${gateway.archive!.streamName}-1-[\\d-]{19}-[0-9a-f-]{36}\\.json\\.gz$`));
      expect(event.text).toBe(publishedText(event.id));
    }
    const pretty = archived.find(({ event }) => event.id === sent[0]!.id)!.event;
    expect(pretty.text).toContain('\n  "data": { "object": { "amount": 820982911946154508 } }\n}');
  });

  it('prints a plan — how many, by type, first and last, destination and rate — and sends nothing on --dry-run', async () => {
    // Prepare
    const queueUrl = await createQueue(admin.sqs, `dry-${randomUUID().slice(0, 8)}`, {});

    // Act
    const run = await runReplay(['--route', 'stripe', '--since', since, '--until', until, '--to', queueUrl, '--dry-run']);

    // Assess
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/events {7}6 to replay/);
    expect(run.stdout).toMatch(/invoice\.paid +2\n/);
    expect(run.stdout).toMatch(/customer\.created +2\n/);
    expect(run.stdout).toContain(`first        ${sent[0]!.id}  invoice.paid`);
    expect(run.stdout).toContain(`last         ${sent.at(-1)!.id}  invoice.finalized`);
    expect(run.stdout).toContain(`destination  queue ${queueUrl}`);
    expect(run.stdout).toContain('Dry run: nothing sent.');
    expect(await drain(queueUrl)).toEqual([]);
  });

  it('replays rate-limited to one queue, resumes after an interruption without sending twice, and no other subscriber sees anything', async () => {
    // Prepare
    const queueUrl = await createQueue(admin.sqs, `billing-${randomUUID().slice(0, 8)}`, {});
    const invoices = sent.filter((event) => event.type.startsWith('invoice.')).map((event) => event.id);
    const archivedBefore = await archivedKeys();
    const publishedBefore = gateway.published.list().length;
    const args = ['--route', 'stripe', '--since', since, '--until', until, '--type', 'invoice.*', '--to', queueUrl, '--rate', '4'];
    const depth = async () =>
      Number((await admin.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.['ApproximateNumberOfMessages'] ?? 0);

    // Act: Ctrl-C once two are in the queue, then the same command again.
    const first = await runReplay(args, async () => (await depth()) >= 2);
    const second = await runReplay(args);
    await gateway.settled();

    // Assess: the first run stopped part-way, the second sent the rest.
    const stoppedAt = Number(/Stopped: (\d+) of 4 event\(s\) sent/.exec(first.stdout)?.[1]);
    expect({ code: first.code, stoppedAt: stoppedAt >= 2 && stoppedAt < 4 }).toEqual({ code: 130, stoppedAt: true });
    expect(first.stdout).toContain('resume with the same command');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`events       ${4 - stoppedAt} to replay (${stoppedAt} already sent: resuming)`);
    expect(second.stdout).toContain(`Replayed: ${4 - stoppedAt} of ${4 - stoppedAt} event(s) sent`);

    // Each invoice event exactly once, unchanged, with its attributes and the replay's id.
    const replayed = await drain(queueUrl);
    const replayId = /Replay plan (rpl_[0-9a-f]{16})/.exec(first.stdout)![1];
    expect(replayed.map((message) => JSON.parse(message.Body!).id).sort()).toEqual([...invoices].sort());
    for (const message of replayed) {
      const { id } = JSON.parse(message.Body!) as { id: string };
      expect(message.Body).toBe(publishedText(id));
      expect(attributesOf(message)).toEqual({ provider: 'stripe', source: 'stripe', eventType: sent.find((event) => event.id === id)!.type, replay: replayId });
    }

    // The rate reached the plan (the pacing itself is `rateLimiter`'s, tested with a fake clock in
    // test/tools/lib/replay.test.ts: arrival times on a loaded machine would make this a timed test).
    expect(first.stdout).toContain('  rate         4/s');

    // Nobody else: nothing new published to the topic, nothing new archived.
    expect(gateway.published.list()).toHaveLength(publishedBefore);
    expect(await archivedKeys()).toEqual(archivedBefore);
  });

  it('publishes to the topic only with --yes-to-every-subscriber; subscriptions without includeReplays receive nothing, the archive archives nothing', async () => {
    // Prepare: two subscribers with the kit's filter policy, one of them opted in to replays.
    const subscribe = async (includeReplays: boolean) => {
      const queueUrl = await createQueue(admin.sqs, `sub-${includeReplays ? 'replays' : 'plain'}-${randomUUID().slice(0, 8)}`, {});
      const filterPolicy = subscriptionFilterPolicy({ eventTypes: ['invoice.*'], includeReplays });
      await admin.sns.send(
        new SubscribeCommand({
          TopicArn: gateway.resources.providers['stripe']!.topicArn,
          Protocol: 'sqs',
          Endpoint: await queueArn(admin.sqs, queueUrl),
          Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(filterPolicy) },
        }),
      );
      return queueUrl;
    };
    const plain = await subscribe(false);
    const optedIn = await subscribe(true);
    const archivedBefore = await archivedKeys();
    const args = ['--route', 'stripe', '--since', since, '--until', until, '--type', 'invoice.*', '--to', 'topic', '--rate', '50'];

    // Act
    const refused = await runReplay(args);
    const run = await runReplay([...args, '--yes-to-every-subscriber']);
    await gateway.settled();

    // Assess
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Pass --yes-to-every-subscriber/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/subscribers {2}\d+ subscription\(s\); 2 receive replays/);
    expect(run.stdout).toContain(`receives     sqs ${await queueArn(admin.sqs, optedIn)}`);
    expect(run.stdout).not.toContain(`receives     sqs ${await queueArn(admin.sqs, plain)}`);
    expect(await drain(plain)).toEqual([]);
    const received = await drain(optedIn);
    expect(received.map((message) => attributesOf(message)['replay'])).toEqual(Array(4).fill(expect.stringMatching(/^rpl_/)));
    expect(await archivedKeys()).toEqual(archivedBefore);
  });
});
