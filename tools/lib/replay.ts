import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { mapWithConcurrency } from '../../lambdas/util/map-with-concurrency';
import { parseS3Location } from '../../packages/subscriber/src/claim-check';
import { InvalidEnvelopeError } from '../../packages/subscriber/src/errors';
import { REPLAY_ATTRIBUTE, REPLAY_EXCLUSION } from '../../packages/subscriber/src/filter-policy';
import type { ArchiveScan, PlannedEvent } from './archive-reader';

/**
 * The parts of `npm run replay` that are not the command line: times, destinations, the checkpoint
 * that makes a replay resumable, the rate limiter, the plan and summary texts, and the sends.
 */

/** A mistake in the command line: reported with the usage, exit code 2. */
export class ReplayUsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ReplayUsageError';
  }
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** An ISO-8601 time, or a span ago: `90m`, `3h`, `2d`. */
export function parseTime(value: string, nowMs: number, option: string): number {
  const relative = /^(\d+)([mhd])$/.exec(value.trim());
  if (relative) return nowMs - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) throw new ReplayUsageError(`${option} "${value}": give an ISO-8601 time (2026-11-29T03:00:00Z) or a span ago (90m, 3h, 2d)`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ReplayUsageError(`${option} "${value}" is not a valid time`);
  return ms;
}

export type ReplayDestination =
  | { readonly kind: 'queue'; readonly queueUrl: string; readonly label: string }
  | { readonly kind: 'topic'; readonly topicArn: string; readonly label: string };

/** `--to`: a queue URL, a queue ARN (resolved to its URL), or `topic`. */
export async function resolveQueue(sqs: SQSClient, to: string): Promise<ReplayDestination> {
  if (/^https?:\/\//.test(to)) return { kind: 'queue', queueUrl: to, label: `queue ${to}` };
  const arn = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:(\d{12}):(.+)$/.exec(to);
  if (!arn) throw new ReplayUsageError(`--to "${to}": give a subscriber's queue URL or ARN, or "topic" (with --yes-to-every-subscriber)`);
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: arn[2], QueueOwnerAWSAccountId: arn[1] }));
  if (!QueueUrl) throw new Error(`No queue ${to}`);
  return { kind: 'queue', queueUrl: QueueUrl, label: `queue ${QueueUrl}` };
}

/** What identifies a replay: the same selection and destination is the same replay, resumed. */
export interface ReplayDefinition {
  readonly route: string;
  readonly since: string;
  readonly until: string;
  readonly types: readonly string[];
  readonly ids: readonly string[];
  /** The `--to` value as given. */
  readonly to: string;
}

export function replayIdOf(definition: ReplayDefinition): string {
  const canonical = JSON.stringify({
    route: definition.route,
    since: definition.since,
    until: definition.until,
    types: [...definition.types].sort(),
    ids: [...definition.ids].sort(),
    to: definition.to,
  });
  return `rpl_${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

/**
 * A replay's progress on disk, one JSON line per sent event after a header line, appended as each
 * send succeeds: an interrupted replay (Ctrl-C, a crash, a failed send) resumes by skipping what it
 * records. A send that succeeded but was not recorded — the process killed between the two — is sent
 * again on resume: a replay delivers at least once, and subscribers dedupe on the envelope id.
 */
export class ReplayCheckpoint {
  public readonly file: string;
  public readonly replayId: string;
  public readonly definition: ReplayDefinition;
  readonly #sent = new Set<string>();
  #done: { readonly at: string; readonly sent: number } | undefined;

  private constructor(file: string, replayId: string, definition: ReplayDefinition) {
    this.file = file;
    this.replayId = replayId;
    this.definition = definition;
  }

  /** The checkpoint of this replay: read if it exists, else created. `restart` discards an existing one. */
  public static open(directory: string, definition: ReplayDefinition, options: { restart?: boolean } = {}): ReplayCheckpoint {
    const replayId = replayIdOf(definition);
    const file = path.join(directory, `${replayId}.jsonl`);
    const checkpoint = new ReplayCheckpoint(file, replayId, definition);
    if (existsSync(file) && !options.restart) checkpoint.#read();
    else {
      mkdirSync(directory, { recursive: true });
      checkpoint.#write({ replay: replayId, ...definition, startedAt: new Date().toISOString() }, 'w');
    }
    return checkpoint;
  }

  /** The definition of an earlier replay, by id (`--resume`). */
  public static definitionOf(directory: string, replayId: string): ReplayDefinition {
    const file = path.join(directory, `${replayId}.jsonl`);
    if (!existsSync(file)) throw new ReplayUsageError(`No replay ${replayId} in ${directory}`);
    const header = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as ReplayDefinition & { replay: string };
    return { route: header.route, since: header.since, until: header.until, types: header.types, ids: header.ids, to: header.to };
  }

  public get sent(): ReadonlySet<string> {
    return this.#sent;
  }

  public get done(): { readonly at: string; readonly sent: number } | undefined {
    return this.#done;
  }

  public record(key: string): void {
    this.#write({ sent: key });
    this.#sent.add(key);
  }

  public complete(): void {
    this.#done = { at: new Date().toISOString(), sent: this.#sent.size };
    this.#write({ done: true, at: this.#done.at, total: this.#done.sent });
  }

  #read(): void {
    for (const line of readFileSync(this.file, 'utf8').split('\n').slice(1)) {
      if (line.trim() === '') continue;
      let entry: { sent?: unknown; done?: boolean; at?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // the last line of a replay killed while writing it
      }
      if (typeof entry.sent === 'string') this.#sent.add(entry.sent);
      if (entry.done) this.#done = { at: entry.at ?? '', sent: this.#sent.size };
    }
  }

  #write(entry: unknown, flags: 'a' | 'w' = 'a'): void {
    // Synchronous, one write per line: the record is on disk before the next send starts.
    const fd = openSync(this.file, flags);
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
    } finally {
      closeSync(fd);
    }
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Paces sends at `ratePerSecond`: the n-th `wait()` resolves no earlier than 1/rate after the one
 * before. A pause (a slow send) is not made up with a burst: the schedule restarts from now.
 */
export function rateLimiter(ratePerSecond: number, clock: Clock = systemClock): { wait(): Promise<void> } {
  const intervalMs = 1000 / ratePerSecond;
  let next: number | undefined;
  return {
    async wait() {
      const now = clock.now();
      const at = next === undefined ? now : Math.max(next, now);
      next = at + intervalMs;
      if (at > now) await clock.sleep(at - now);
    },
  };
}

/** Claim-checked payloads that no longer exist (the subscriber could not read them), and those that could not be checked. */
export async function checkPayloads(s3: S3Client, events: readonly PlannedEvent[]): Promise<{ missing: Set<string>; unchecked: number }> {
  const locations = [...new Set(events.flatMap((event) => (event.payloadLocation ? [event.payloadLocation] : [])))];
  const gone = new Set<string>();
  let unchecked = 0;
  await mapWithConcurrency(locations, 8, async (location) => {
    try {
      const { bucket, key } = parseS3Location(location);
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      // A location the subscriber cannot parse is as unreadable to it as a deleted object.
      const name = (error as { name?: string }).name;
      if (error instanceof InvalidEnvelopeError || name === 'NotFound' || name === 'NoSuchKey') gone.add(location);
      else unchecked += 1;
    }
  });
  return { missing: new Set(events.filter((event) => event.payloadLocation && gone.has(event.payloadLocation)).map((event) => event.key)), unchecked };
}

/** Whether a subscription's filter policy keeps replays out, as hookrelay's subscriber construct sets it. */
export function excludesReplays(filterPolicy: string | undefined, scope: string | undefined): boolean {
  if (!filterPolicy || scope === 'MessageBody') return false;
  try {
    const condition = (JSON.parse(filterPolicy) as Record<string, unknown>)[REPLAY_ATTRIBUTE];
    return JSON.stringify(condition) === JSON.stringify(REPLAY_EXCLUSION);
  } catch {
    return false;
  }
}

export interface TopicSubscriber {
  readonly subscriptionArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly receivesReplays: boolean;
}

/** Every subscription of the topic, and whether a replay published to it would reach it. */
export async function topicSubscribers(sns: SNSClient, topicArn: string): Promise<TopicSubscriber[]> {
  const subscribers: TopicSubscriber[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, ...(NextToken ? { NextToken } : {}) }));
    for (const subscription of page.Subscriptions ?? []) {
      const arn = subscription.SubscriptionArn ?? '';
      if (!arn.startsWith('arn:')) continue; // PendingConfirmation
      const { Attributes = {} } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }));
      subscribers.push({
        subscriptionArn: arn,
        protocol: subscription.Protocol ?? '?',
        endpoint: subscription.Endpoint ?? '?',
        receivesReplays: !excludesReplays(Attributes['FilterPolicy'], Attributes['FilterPolicyScope']),
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return subscribers;
}

/** Sends one archived envelope, unchanged, with its original attributes and the replay's id. */
export async function sendReplayed(
  clients: { readonly sqs: SQSClient; readonly sns: SNSClient },
  destination: ReplayDestination,
  event: PlannedEvent,
  text: string,
  replayId: string,
): Promise<void> {
  const attributes = Object.fromEntries(
    Object.entries({ ...event.attributes, [REPLAY_ATTRIBUTE]: replayId }).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
  if (destination.kind === 'queue') {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: destination.queueUrl, MessageBody: text, MessageAttributes: attributes }));
  } else {
    await clients.sns.send(new PublishCommand({ TopicArn: destination.topicArn, Message: text, MessageAttributes: attributes }));
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const duration = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

export interface ReplayPlan {
  readonly replayId: string;
  readonly definition: ReplayDefinition;
  readonly archive: string;
  readonly scan: ArchiveScan;
  /** Events to send now: selected, not yet sent, payload present. */
  readonly toSend: readonly PlannedEvent[];
  readonly alreadySent: number;
  readonly payloadsMissing: number;
  readonly payloadsUnchecked: number;
  readonly destination: string;
  readonly ratePerSecond: number;
}

/** The plan, printed before anything is sent: how many, by type, first and last, where to. */
export function formatPlan(plan: ReplayPlan): string[] {
  const { scan, definition } = plan;
  const byType = new Map<string, number>();
  for (const event of plan.toSend) byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
  const byPublished = (a: PlannedEvent, b: PlannedEvent) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0);
  const first = plan.toSend.reduce<PlannedEvent | undefined>((earliest, event) => (!earliest || byPublished(event, earliest) < 0 ? event : earliest), undefined);
  const last = plan.toSend.reduce<PlannedEvent | undefined>((latest, event) => (!latest || byPublished(event, latest) >= 0 ? event : latest), undefined);
  const describe = (event: PlannedEvent) => `${event.id}  ${event.type}  received ${event.receivedAt}  published ${event.publishedAt}`;
  const lines = [
    `Replay plan ${plan.replayId}`,
    `  route        ${definition.route}`,
    `  window       ${definition.since} → ${definition.until} (publish time, UTC)`,
    `  filter       ${definition.types.length ? `type ${definition.types.join(', ')}` : 'every type'}${definition.ids.length ? `; ids ${definition.ids.join(', ')}` : ''}`,
    `  archive      ${plan.archive}: ${scan.partitions} hour(s), ${count(scan.objectKeys.length)} object(s), ${count(scan.records)} record(s)` +
      (scan.duplicates ? `, ${count(scan.duplicates)} duplicate cop${scan.duplicates === 1 ? 'y' : 'ies'} dropped` : ''),
    `  events       ${count(plan.toSend.length)} to replay` +
      (plan.alreadySent ? ` (${count(plan.alreadySent)} already sent: resuming)` : '') +
      (plan.payloadsMissing ? `; ${count(plan.payloadsMissing)} skipped: their claim-checked payload has expired` : ''),
  ];
  for (const [type, n] of [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(`    ${type.padEnd(40)} ${count(n).padStart(8)}`);
  if (first && last) lines.push(`  first        ${describe(first)}`, `  last         ${describe(last)}`);
  if (plan.payloadsUnchecked) lines.push(`  warning      ${count(plan.payloadsUnchecked)} claim-checked payload(s) could not be checked (no s3:GetObject on the payload bucket?)`);
  if (scan.unreadable.length) lines.push(`  warning      ${count(scan.unreadable.length)} archive line(s) are not envelopes, e.g. ${scan.unreadable[0]!.objectKey} line ${scan.unreadable[0]!.line}`);
  lines.push(
    `  destination  ${plan.destination}`,
    `  attributes   provider, source, eventType as published, and ${REPLAY_ATTRIBUTE}=${plan.replayId}; envelopes unchanged (original receivedAt)`,
    `  rate         ${plan.ratePerSecond}/s: about ${duration((plan.toSend.length / plan.ratePerSecond) * 1000)}`,
  );
  return lines;
}

/**
 * Progress on stderr: one redrawn line on a terminal, else a line at every tenth (and the end), so
 * logs stay short.
 */
export class ProgressDisplay {
  readonly #total: number;
  readonly #stream: NodeJS.WriteStream;
  readonly #started = Date.now();
  #lastTenth = -1;

  public constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.#total = total;
    this.#stream = stream;
  }

  public update(done: number): void {
    const elapsed = Date.now() - this.#started;
    const rate = elapsed > 0 ? (done * 1000) / elapsed : 0;
    const share = this.#total === 0 ? 1 : done / this.#total;
    const eta = rate > 0 ? ((this.#total - done) / rate) * 1000 : 0;
    const width = 24;
    const bar = '█'.repeat(Math.round(share * width)).padEnd(width, '░');
    const text = `[${bar}] ${count(done)}/${count(this.#total)} ${Math.floor(share * 100)}%  ${rate.toFixed(1)}/s  eta ${duration(eta)}`;
    if (this.#stream.isTTY) this.#stream.write(`\r${text}`);
    else {
      const tenth = Math.floor(share * 10);
      if (tenth !== this.#lastTenth || done === this.#total) {
        this.#lastTenth = tenth;
        this.#stream.write(`progress ${text}\n`);
      }
    }
  }

  public end(): void {
    if (this.#stream.isTTY) this.#stream.write('\n');
  }
}

export function formatSummary(outcome: {
  readonly replayId: string;
  readonly sent: number;
  readonly total: number;
  readonly alreadySent: number;
  readonly skipped: number;
  readonly elapsedMs: number;
  readonly destination: string;
  readonly interrupted: boolean;
  readonly failure?: string;
}): string[] {
  const rate = outcome.elapsedMs > 0 ? (outcome.sent * 1000) / outcome.elapsedMs : 0;
  const lines = [
    `${outcome.interrupted || outcome.failure ? 'Stopped' : 'Replayed'}: ${count(outcome.sent)} of ${count(outcome.total)} event(s) sent to ${outcome.destination} in ${duration(outcome.elapsedMs)} (${rate.toFixed(1)}/s)`,
  ];
  if (outcome.alreadySent) lines.push(`  ${count(outcome.alreadySent)} sent by an earlier run of this replay`);
  if (outcome.skipped) lines.push(`  ${count(outcome.skipped)} skipped: claim-checked payload expired`);
  if (outcome.failure) lines.push(`  failed: ${outcome.failure}`);
  if (outcome.interrupted || outcome.failure) {
    lines.push(`  resume with the same command, or: npm run replay -- --resume ${outcome.replayId} (add --local/--stack as before)`);
  }
  return lines;
}
