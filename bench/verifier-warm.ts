/**
 * Measurement 1: one warm verifier invocation (Stripe, ~3 KB, a new event each time), in process,
 * against the stand-ins in a child process; side by side with its floor: the very AWS calls the
 * verifier made (recorded by SDK middleware, replayed with fresh keys) issued bare, one after
 * another, with the same clients to the same endpoints. Batches alternate so drift hits both.
 * A third, diagnostic arm (the same verifier with its per-event metrics off) and CPU profiles of
 * both sides say where the difference goes when the ratio target is missed.
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import type { AwsClients } from '../lambdas/adapters/aws-clients';
import { lambdaContext } from '../local/queue-poller';
import { profileByPackage } from './profile';
import { createBenchVerifier, sequentialRoundTrips, stripeApiEvent, type BenchVerifier, type RecordedCall } from './aws';
import { checkStripeSigner, uniqueStripeEventId } from './payloads';
import { median, p99, round } from './stats';

export const WARM_RATIO_TARGET = 1.25;
export const ROUND_TRIPS_TARGET = 2;

export interface VerifierWarmResult {
  readonly invocations: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly floorMedianMs: number;
  readonly floorP99Ms: number;
  /** median(verifier) / median(floor). */
  readonly ratio: number;
  readonly p99Ratio: number;
  /** Median of the per-batch ratios of medians (a drift-robust cross-check). */
  readonly batchRatioMedian: number;
  readonly batches: number;
  readonly batchSize: number;
  /** The calls of one accepted webhook, in order, e.g. `DynamoDB.PutItem (conditional)`. */
  readonly callSequence: string[];
  readonly sdkCallsPerInvocation: { readonly median: number; readonly max: number };
  readonly httpAttemptsPerInvocation: { readonly median: number; readonly max: number };
  readonly sequentialRoundTrips: { readonly median: number; readonly max: number };
  /**
   * Where the time goes (medians): inside the HTTP exchanges (from the SDK's deserialize step:
   * request written → response parsed) and outside them (SDK serialisation and signing, which the
   * floor pays too, plus, for the verifier, its own code between and around the calls).
   */
  readonly breakdownMs: {
    readonly verifier: { readonly insideHttp: number; readonly outsideHttp: number; readonly beforeFirstCall: number; readonly afterLastCall: number };
    readonly floor: { readonly insideHttp: number; readonly outsideHttp: number; readonly beforeFirstCall: number; readonly afterLastCall: number };
  };
  /**
   * CPU per invocation by package (ms), from CPU profiles of extra, untimed verifier invocations and
   * floor iterations; `extra` = verifier − floor, largest first (idle time and the harness left out).
   */
  readonly cpuVsFloorMsPerInvocation: Array<{ category: string; verifier: number; floor: number; extra: number }>;
  /**
   * Diagnostic third arm, interleaved with the other two: the same verifier with its per-event
   * metrics (`telemetry.count`) a no-op, and how many metric data points an invocation emits.
   */
  readonly withoutMetrics: { readonly medianMs: number; readonly ratio: number; readonly metricDataPointsPerInvocation: number };
  readonly diagnosis?: string;
  /** The first invocation of a fresh verifier (fetches the secret, opens connections). */
  readonly firstInvocation: { readonly ms: number; readonly calls: string[] };
  readonly logging: string;
  readonly ratioTarget: number;
  readonly roundTripsTarget: number;
  readonly ratioPass: boolean;
  readonly roundTripsPass: boolean;
}

type Replay = (clients: AwsClients, input: any) => Promise<unknown>;
/** Every command hookrelay's handlers send; anything else fails the benchmark (a design change to look at). */
const REPLAY: Record<string, Replay> = {
  'DynamoDB.PutItem': (c, i) => c.dynamodb.send(new PutItemCommand(i)),
  'DynamoDB.UpdateItem': (c, i) => c.dynamodb.send(new UpdateItemCommand(i)),
  'DynamoDB.DeleteItem': (c, i) => c.dynamodb.send(new DeleteItemCommand(i)),
  'DynamoDB.GetItem': (c, i) => c.dynamodb.send(new GetItemCommand(i)),
  'SQS.SendMessage': (c, i) => c.sqs.send(new SendMessageCommand(i)),
  'SNS.Publish': (c, i) => c.sns.send(new PublishCommand(i)),
  'S3.PutObject': (c, i) => c.s3.send(new PutObjectCommand(i)),
  'SecretsManager.GetSecretValue': (c, i) => c.secretsManager.send(new GetSecretValueCommand(i)),
};

const callName = (call: RecordedCall) => `${call.client}.${call.command}`;
const describeCall = (call: RecordedCall) =>
  callName(call) + ((call.input as { ConditionExpression?: string }).ConditionExpression ? ' (conditional)' : '');

/** The recorded calls of one invocation as a template; `{{KEY}}` and `{{EVENT}}` get fresh values per replay. */
interface FloorTemplate {
  readonly names: string[];
  readonly json: string;
}

function floorTemplate(calls: readonly RecordedCall[], eventId: string): FloorTemplate {
  const put = calls.find((call) => callName(call) === 'DynamoDB.PutItem');
  const recordKey = (put?.input as { Item?: { id?: { S?: string } } } | undefined)?.Item?.id?.S;
  if (!recordKey) throw new Error('the verifier made no idempotency PutItem: cannot build its floor');
  for (const call of calls) if (!REPLAY[callName(call)]) throw new Error(`no replay for ${callName(call)}`);
  const json = JSON.stringify(calls.map((call) => call.input))
    .split(recordKey)
    .join('{{KEY}}')
    .split(eventId)
    .join('{{EVENT}}');
  return { names: calls.map(callName), json };
}

/** Fresh inputs for one floor iteration (built before the clock starts). */
function instantiate(template: FloorTemplate): unknown[] {
  const key = `verifier#${randomBytes(16).toString('hex')}`;
  return JSON.parse(template.json.split('{{KEY}}').join(key).split('{{EVENT}}').join(uniqueStripeEventId())) as unknown[];
}

export interface VerifierWarmOptions {
  /** @default 24 */
  readonly batches?: number;
  /** Invocations per side per batch. @default 50 */
  readonly batchSize?: number;
  /** @default 200 */
  readonly warmup?: number;
  readonly log?: (line: string) => void;
}

interface Split {
  insideHttp: number[];
  outsideHttp: number[];
  beforeFirstCall: number[];
  afterLastCall: number[];
}
const newSplit = (): Split => ({ insideHttp: [], outsideHttp: [], beforeFirstCall: [], afterLastCall: [] });

function addSplit(split: Split, start: number, end: number, calls: readonly RecordedCall[]): void {
  const spans = calls.flatMap((call) => call.spans).sort((a, b) => a[0] - b[0]);
  if (spans.length === 0) return;
  const inside = spans.reduce((sum, [a, z]) => sum + (z - a), 0);
  split.insideHttp.push(inside);
  split.outsideHttp.push(end - start - inside);
  split.beforeFirstCall.push(spans[0]![0] - start);
  split.afterLastCall.push(end - spans[spans.length - 1]![1]);
}

const summarizeSplit = (split: Split) => ({
  insideHttp: round(median(split.insideHttp)),
  outsideHttp: round(median(split.outsideHttp)),
  beforeFirstCall: round(median(split.beforeFirstCall)),
  afterLastCall: round(median(split.afterLastCall)),
});

async function invoke(bench: BenchVerifier, handler = bench.verifier, expectStatus = 200): Promise<{ ms: number; calls: RecordedCall[]; start: number; end: number }> {
  const { event, eventId } = stripeApiEvent({ base64: false });
  const context = lambdaContext('hookrelay-verifier', 10_000);
  bench.recorder.take();
  const start = performance.now();
  const response = await handler(event, context);
  const end = performance.now();
  const ms = end - start;
  const calls = bench.recorder.take();
  if (response.statusCode !== expectStatus || response.headers?.['Idempotent-Replayed']) {
    throw new Error(`verifier answered ${response.statusCode} ${response.body} for new event ${eventId}`);
  }
  return { ms, calls, start, end };
}

export async function runVerifierWarm(options: VerifierWarmOptions = {}): Promise<VerifierWarmResult> {
  const log = options.log ?? (() => undefined);
  const batches = options.batches ?? 24;
  const batchSize = options.batchSize ?? 50;
  checkStripeSigner();
  const bench = await createBenchVerifier('bench-warm');

  const first = await invoke(bench);
  for (let i = 0; i < (options.warmup ?? 200); i++) await invoke(bench);

  // One accepted webhook, recorded: the floor replays exactly these calls.
  const { event, eventId } = stripeApiEvent({ base64: false });
  bench.recorder.take();
  const response = await bench.verifier(event, lambdaContext('hookrelay-verifier', 10_000));
  if (response.statusCode !== 200) throw new Error(`verifier answered ${response.statusCode}: ${response.body}`);
  const recorded = bench.recorder.take();
  const template = floorTemplate(recorded, eventId);
  const replayFloor = async (inputs: unknown[]) => {
    for (let i = 0; i < inputs.length; i++) await REPLAY[template.names[i]!]!(bench.clients, inputs[i]);
  };
  for (let i = 0; i < 50; i++) await replayFloor(instantiate(template)); // warm the floor path too

  const handlerMs: number[] = [];
  const floorMs: number[] = [];
  const callCounts: number[] = [];
  const attemptCounts: number[] = [];
  const roundTrips: number[] = [];
  const batchRatios: number[] = [];
  const quietMs: number[] = [];
  const handlerSplit = newSplit();
  const floorSplit = newSplit();

  const runHandlerBatch = async () => {
    const samples: number[] = [];
    for (let i = 0; i < batchSize; i++) {
      const { ms, calls, start, end } = await invoke(bench);
      samples.push(ms);
      addSplit(handlerSplit, start, end, calls);
      callCounts.push(calls.length);
      attemptCounts.push(calls.reduce((sum, call) => sum + call.attempts, 0));
      roundTrips.push(sequentialRoundTrips(calls));
    }
    handlerMs.push(...samples);
    return samples;
  };
  const runQuietBatch = async () => {
    for (let i = 0; i < batchSize; i++) quietMs.push((await invoke(bench, bench.verifierWithoutMetrics)).ms);
  };
  const runFloorBatch = async () => {
    const inputs = Array.from({ length: batchSize }, () => instantiate(template));
    const samples: number[] = [];
    for (const input of inputs) {
      bench.recorder.take();
      const start = performance.now();
      await replayFloor(input);
      const end = performance.now();
      samples.push(end - start);
      addSplit(floorSplit, start, end, bench.recorder.take());
    }
    floorMs.push(...samples);
    return samples;
  };

  for (let i = 0; i < 50; i++) await invoke(bench, bench.verifierWithoutMetrics); // warm the twin
  const pointsBefore = bench.metricDataPoints();
  const invocationsBefore = handlerMs.length;
  // Every order of the three arms, in turn, so none is systematically first or last.
  const ORDERS = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [1, 0, 2], [2, 1, 0]] as const;
  for (let b = 0; b < batches; b++) {
    let h: number[] = [];
    let f: number[] = [];
    for (const arm of ORDERS[b % ORDERS.length]!) {
      if (arm === 0) h = await runHandlerBatch();
      else if (arm === 1) f = await runFloorBatch();
      else await runQuietBatch();
    }
    batchRatios.push(median(h) / median(f));
    if ((b + 1) % 6 === 0) log(`  batch ${b + 1}/${batches}: verifier ${median(h).toFixed(2)} ms, floor ${median(f).toFixed(2)} ms`);
  }

  const metricDataPointsPerInvocation = (bench.metricDataPoints() - pointsBefore) / (handlerMs.length - invocationsBefore);

  // Explanation pass (not timed): CPU profiles of more invocations and as many floor iterations,
  // compared per package: what the verifier spends beyond the bare calls.
  const profiled = 300;
  const verifierProfile = await profileByPackage(async () => {
    for (let i = 0; i < profiled; i++) await invoke(bench);
  });
  const floorProfile = await profileByPackage(async () => {
    for (let i = 0; i < profiled; i++) await replayFloor(instantiate(template));
  });
  const floorByCategory = new Map(floorProfile.map((entry) => [entry.category, entry.ms / profiled]));
  const cpuVsFloorMsPerInvocation = verifierProfile
    .filter((entry) => !/^(idle|harness)/.test(entry.category))
    .map((entry) => {
      const verifier = entry.ms / profiled;
      const floor = floorByCategory.get(entry.category) ?? 0;
      return { category: entry.category, verifier: round(verifier), floor: round(floor), extra: round(verifier - floor) };
    })
    .filter((entry) => Math.abs(entry.extra) >= 0.01)
    .sort((a, b) => b.extra - a.extra);

  const ratio = median(handlerMs) / median(floorMs);
  const trips = { median: median(roundTrips), max: Math.max(...roundTrips) };
  const breakdownMs = { verifier: summarizeSplit(handlerSplit), floor: summarizeSplit(floorSplit) };
  const extraOutside = breakdownMs.verifier.outsideHttp - breakdownMs.floor.outsideHttp;
  const extraInside = breakdownMs.verifier.insideHttp - breakdownMs.floor.insideHttp;
  const withoutMetrics = {
    medianMs: round(median(quietMs)),
    ratio: round(median(quietMs) / median(floorMs)),
    metricDataPointsPerInvocation: round(metricDataPointsPerInvocation, 2),
  };
  const diagnosis =
    ratio <= WARM_RATIO_TARGET
      ? undefined
      : `${(median(handlerMs) - median(floorMs)).toFixed(2)} ms above the floor with the same ${trips.median} calls. ` +
        `Per-event metrics: ${withoutMetrics.metricDataPointsPerInvocation} Powertools single-metric EMF flushes per invocation ` +
        `(lambdas/observability/telemetry.ts count()); with count() a no-op the same verifier takes ${withoutMetrics.medianMs.toFixed(2)} ms ` +
        `(×${withoutMetrics.ratio.toFixed(2)}), so they cost ${(median(handlerMs) - median(quietMs)).toFixed(2)} ms. ` +
        `${extraOutside.toFixed(2)} ms more outside the HTTP exchanges (verifier code: ${breakdownMs.verifier.beforeFirstCall.toFixed(2)} ms before ` +
        `its first call vs ${breakdownMs.floor.beforeFirstCall.toFixed(2)} ms, ${breakdownMs.verifier.afterLastCall.toFixed(2)} ms after its last vs ` +
        `${breakdownMs.floor.afterLastCall.toFixed(2)} ms, the rest between calls) and ${extraInside.toFixed(2)} ms more inside them. ` +
        `CPU profile, ms per invocation in code the floor does not run: ` +
        cpuVsFloorMsPerInvocation
          .filter((entry) => entry.floor === 0 && entry.extra > 0)
          .slice(0, 7)
          .map((entry) => `${entry.category.replace('@aws-lambda-powertools/', 'powertools/')} +${entry.extra.toFixed(2)}`)
          .join(', ');
  return {
    invocations: handlerMs.length,
    medianMs: round(median(handlerMs)),
    p99Ms: round(p99(handlerMs)),
    floorMedianMs: round(median(floorMs)),
    floorP99Ms: round(p99(floorMs)),
    ratio: round(ratio),
    p99Ratio: round(p99(handlerMs) / p99(floorMs)),
    batchRatioMedian: round(median(batchRatios)),
    batches,
    batchSize,
    callSequence: recorded.map(describeCall),
    sdkCallsPerInvocation: { median: median(callCounts), max: Math.max(...callCounts) },
    httpAttemptsPerInvocation: { median: median(attemptCounts), max: Math.max(...attemptCounts) },
    sequentialRoundTrips: trips,
    breakdownMs,
    cpuVsFloorMsPerInvocation,
    withoutMetrics,
    ...(diagnosis ? { diagnosis } : {}),
    firstInvocation: { ms: round(first.ms), calls: first.calls.map(describeCall) },
    logging: `POWERTOOLS_LOG_LEVEL=${process.env['POWERTOOLS_LOG_LEVEL'] ?? 'unset (INFO)'}, EMF metrics ${process.env['POWERTOOLS_METRICS_DISABLED'] === 'true' ? 'off' : 'on'}, stdout → /dev/null`,
    ratioTarget: WARM_RATIO_TARGET,
    roundTripsTarget: ROUND_TRIPS_TARGET,
    ratioPass: ratio <= WARM_RATIO_TARGET,
    roundTripsPass: trips.max <= ROUND_TRIPS_TARGET,
  };
}
