/**
 * `npm run replay -- --route <name> --since <time> [--until <time>] [--type <glob>…] [--id <eventId>…]
 *                    --to <queue URL | queue ARN | topic> [--rate <n/s>] [--dry-run]`
 *
 * Replays archived envelopes to one destination: reads the archive for the route's events published
 * in the window, prints a plan (how many, by type, first and last), then sends them rate-limited with
 * a progress display, recording each send in a checkpoint so an interrupted replay resumes where it
 * stopped, and prints a summary. Every message is the archived envelope byte for byte (its original
 * receivedAt) with its original attributes and `replay=<replay id>`.
 *
 *   --to <queue>        a subscriber's SQS queue, by URL or ARN
 *   --to topic          the route's SNS topic, only with --yes-to-every-subscriber: every subscription
 *                       that does not filter replays out receives them (the plan lists them)
 *   --since / --until   ISO-8601, or a span ago (90m, 3h, 2d); until defaults to now. Publish time.
 *   --rate <n>          messages per second (default 10)
 *   --dry-run           print the plan only
 *   --resume <id>       continue an interrupted replay by its id (the same command resumes too)
 *   --restart           forget this replay's checkpoint and send everything again
 *   --local [--url U]   the local gateway's archive and stand-ins (default http://127.0.0.1:$PORT or :3000)
 *   --stack <name>      a deployed stack (default hookrelay-dev), --region <region>
 *   --checkpoint-dir    where checkpoints are kept (default .hookrelay/replays)
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAwsClients } from '../lambdas/adapters/aws-clients';
import { standInEnvironment, type StandInEndpoints } from '../local/stand-ins';
import { InvalidPatternError } from '../packages/subscriber/src/errors';
import { readSelected, scanArchive, type PlannedEvent } from './lib/archive-reader';
import {
  checkPayloads,
  formatPlan,
  formatSummary,
  ProgressDisplay,
  rateLimiter,
  ReplayCheckpoint,
  ReplayUsageError,
  resolveQueue,
  sendReplayed,
  topicSubscribers,
  parseTime,
  replayIdOf,
  type ReplayDefinition,
  type ReplayDestination,
} from './lib/replay';
import { localGatewayUrl } from './lib/local-gateway';
import { readStackOutputs, requireOutput } from './lib/stack-outputs';

// The SDK's notice that its 2027 releases need Node 22 says nothing about this run (the lockfile pins today's SDK).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const USAGE =
  'usage: npm run replay -- --route <name> --since <time> [--until <time>] [--type <glob>]… [--id <eventId>]…\n' +
  '                         --to <queue URL|queue ARN|topic> [--yes-to-every-subscriber] [--rate <n/s>] [--dry-run]\n' +
  '                         [--local [--url URL] | --stack NAME [--region R]] [--resume <id>] [--restart]';

/** Sends in flight at once: enough to reach the rate over a few milliseconds of latency per call. */
const MAX_IN_FLIGHT = 8;

interface Archive {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly bucket: string;
}

/**
 * The local gateway's archive bucket and stand-ins, from `GET /_local/resources`, reached with the
 * clients the gateway itself uses: `createAwsClients`, pointed at the stand-ins through the SDK's
 * `AWS_ENDPOINT_URL_*` variables as `npm start` points its own.
 */
async function localArchive(url: string): Promise<Archive> {
  const response = await fetch(`${url}/_local/resources`).catch(() => undefined);
  if (!response?.ok) throw new Error(`The local gateway at ${url} did not answer (is npm start running?)`);
  const resources = (await response.json()) as { endpoints: Partial<StandInEndpoints>; archive?: { bucket: string } };
  if (!resources.archive) throw new Error(`The local gateway at ${url} runs without an archive`);
  const { dynamodb, sqs, sns, s3, secretsManager } = resources.endpoints;
  if (!dynamodb || !sqs || !sns || !s3 || !secretsManager) throw new Error(`The local gateway at ${url} does not run on the stand-ins`);
  Object.assign(process.env, standInEnvironment({ dynamodb, sqs, sns, s3, secretsManager }));
  const clients = createAwsClients();
  return { s3: clients.s3, sqs: clients.sqs, sns: clients.sns, bucket: resources.archive.bucket };
}

async function deployedArchive(stack: string, region: string | undefined): Promise<Archive> {
  const outputs = await readStackOutputs(stack, region);
  const config = region ? { region } : {};
  return {
    s3: new S3Client(config),
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    bucket: requireOutput(outputs, 'ArchiveBucketName', stack),
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      route: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      type: { type: 'string', multiple: true },
      id: { type: 'string', multiple: true },
      to: { type: 'string' },
      'yes-to-every-subscriber': { type: 'boolean', default: false },
      rate: { type: 'string', default: '10' },
      'dry-run': { type: 'boolean', default: false },
      resume: { type: 'string' },
      restart: { type: 'boolean', default: false },
      local: { type: 'boolean', default: false },
      url: { type: 'string' },
      stack: { type: 'string', default: 'hookrelay-dev' },
      region: { type: 'string' },
      'checkpoint-dir': { type: 'string' },
    },
  });
  // npm runs scripts from the package folder; relative paths are the caller's (INIT_CWD).
  const checkpointDirectory = path.resolve(process.env['INIT_CWD'] ?? process.cwd(), values['checkpoint-dir'] ?? '.hookrelay/replays');
  const rate = Number(values.rate);
  if (!(rate > 0 && rate <= 1000)) throw new ReplayUsageError(`--rate "${values.rate}": messages per second, more than 0 and at most 1000`);

  let definition: ReplayDefinition;
  if (values.resume) {
    if (values.route || values.since || values.until || values.type || values.id || values.to) {
      throw new ReplayUsageError('--resume takes the route, window, filters and destination from the replay it resumes: give none of them');
    }
    definition = ReplayCheckpoint.definitionOf(checkpointDirectory, values.resume);
  } else {
    if (!values.route || !values.since || !values.to) throw new ReplayUsageError('--route, --since and --to are required');
    const now = Date.now();
    const sinceMs = parseTime(values.since, now, '--since');
    const untilMs = values.until ? parseTime(values.until, now, '--until') : now;
    if (!(untilMs > sinceMs)) throw new ReplayUsageError('--until must be after --since');
    definition = {
      route: values.route,
      since: new Date(sinceMs).toISOString(),
      until: new Date(untilMs).toISOString(),
      types: values.type ?? [],
      ids: values.id ?? [],
      to: values.to,
    };
  }
  const toTopic = definition.to === 'topic';
  if (toTopic && !values['yes-to-every-subscriber']) {
    throw new ReplayUsageError(
      '--to topic publishes to the route\'s topic: every subscription that does not filter replays out receives the events ' +
        '(subscriptions made with hookrelay\'s construct or kit do, unless includeReplays). Pass --yes-to-every-subscriber to do so, ' +
        'or --to <queue URL|ARN> to replay to one subscriber.',
    );
  }

  const local = values.local || values.url !== undefined;
  const archive = local ? await localArchive(values.url ?? localGatewayUrl()) : await deployedArchive(values.stack!, values.region);
  const scan = await scanArchive(archive.s3, archive.bucket, {
    route: definition.route,
    sinceMs: Date.parse(definition.since),
    untilMs: Date.parse(definition.until),
    types: definition.types,
    ids: definition.ids,
  });

  let destination: ReplayDestination;
  if (toTopic) {
    const topics = [...new Set(scan.events.map((event) => event.topicArn))];
    if (topics.length > 1) throw new Error(`The route's archived events were published to ${topics.length} topics (${topics.join(', ')}): replay them to a queue`);
    destination = { kind: 'topic', topicArn: topics[0] ?? '(no events)', label: `topic ${topics[0] ?? '(none)'}` };
  } else {
    destination = await resolveQueue(archive.sqs, definition.to);
  }

  const checkpoint = values['dry-run'] ? undefined : ReplayCheckpoint.open(checkpointDirectory, definition, { restart: values.restart });
  if (checkpoint?.done) {
    console.log(`Replay ${checkpoint.replayId} is complete (${checkpoint.done.sent} event(s) sent, finished ${checkpoint.done.at}); --restart sends them again.`);
    return 0;
  }
  const alreadySent = checkpoint?.sent ?? new Set<string>();
  const payloads = await checkPayloads(archive.s3, scan.events);
  const toSend = scan.events.filter((event) => !alreadySent.has(event.key) && !payloads.missing.has(event.key));
  const plan = {
    replayId: checkpoint?.replayId ?? replayIdOf(definition),
    definition,
    archive: `s3://${archive.bucket}`,
    scan,
    toSend,
    alreadySent: scan.events.filter((event) => alreadySent.has(event.key)).length,
    payloadsMissing: payloads.missing.size,
    payloadsUnchecked: payloads.unchecked,
    destination: destination.label,
    ratePerSecond: rate,
  };
  for (const line of formatPlan(plan)) console.log(line);
  if (destination.kind === 'topic' && toSend.length > 0) {
    const subscribers = await topicSubscribers(archive.sns, destination.topicArn);
    const receiving = subscribers.filter((subscriber) => subscriber.receivesReplays);
    console.log(`  subscribers  ${subscribers.length} subscription(s); ${receiving.length} receive replays, the others filter them out:`);
    for (const subscriber of receiving) console.log(`    receives     ${subscriber.protocol} ${subscriber.endpoint}`);
  }
  if (values['dry-run']) {
    console.log('Dry run: nothing sent.');
    return 0;
  }
  return replay(archive, destination, checkpoint!, toSend, plan.alreadySent, plan.payloadsMissing, rate);
}

async function replay(
  archive: Archive,
  destination: ReplayDestination,
  checkpoint: ReplayCheckpoint,
  events: readonly PlannedEvent[],
  alreadySent: number,
  skipped: number,
  rate: number,
): Promise<number> {
  const started = Date.now();
  const progress = new ProgressDisplay(events.length);
  const limiter = rateLimiter(rate);
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  let sent = 0;
  let failure: string | undefined;
  const inFlight = new Set<Promise<void>>();
  progress.update(0);
  try {
    for await (const { event, text } of readSelected(archive.s3, archive.bucket, events)) {
      if (interrupted || failure) break;
      await limiter.wait();
      if (interrupted || failure) break;
      const send = sendReplayed(archive, destination, event, text, checkpoint.replayId).then(
        () => {
          checkpoint.record(event.key);
          sent += 1;
          progress.update(sent);
        },
        (error: unknown) => {
          failure ??= `${event.key}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
        },
      );
      inFlight.add(send);
      void send.finally(() => inFlight.delete(send));
      if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    }
  } catch (error) {
    failure ??= error instanceof Error ? error.message : String(error);
  }
  await Promise.all(inFlight);
  progress.end();
  if (!interrupted && !failure) checkpoint.complete();
  for (const line of formatSummary({
    replayId: checkpoint.replayId,
    sent,
    total: events.length,
    alreadySent,
    skipped,
    elapsedMs: Date.now() - started,
    destination: destination.label,
    interrupted,
    ...(failure ? { failure } : {}),
  })) {
    console.log(line);
  }
  return failure ? 1 : interrupted ? 130 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ReplayUsageError || error instanceof InvalidPatternError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
