/**
 * AWS side of the benchmarks: the stand-ins in a child process (local/stand-ins-server.ts, so the
 * measured process only does client work), an SDK middleware that records every call a client
 * makes, the benchmarks' route provisioned on the stand-ins, the verifier wired to it as deployed,
 * and the signed requests API Gateway hands it.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createAwsClients, type AwsClients } from '../lambdas/adapters/aws-clients';
import { createTelemetry } from '../lambdas/observability/telemetry';
import type { RouteConfig } from '../lambdas/runtime-config';
import { createVerifierHandler, type VerifierDependencies, type VerifierHandler } from '../lambdas/verifier/handler';
import { DEFAULTS } from '../lib/config/defaults';
import { SERVICE_NAMES } from '../lambdas/environment';
import { provisionLocalResources, type LocalResources } from '../local/local-resources';
import { standInEnvironment, type StandInEndpoints } from '../local/stand-ins';
import { STRIPE_BENCH_SECRET, stripeEventBody, stripeSignature, uniqueStripeEventId } from './payloads';

export const ROOT = path.resolve(__dirname, '..');

/** Environment variable through which run.ts hands the stand-ins' endpoints to the workers. */
export const STAND_INS_ENV = 'HOOKRELAY_BENCH_STAND_INS';

export { spawnStandIns, type StandInProcess } from '../local/spawn-stand-ins';

/** In a worker: points every SDK client at the stand-ins run.ts started. */
export function useStandInsFromEnvironment(): StandInEndpoints {
  const raw = process.env[STAND_INS_ENV];
  if (!raw) throw new Error(`${STAND_INS_ENV} is not set: run the benchmarks with npm run bench`);
  const endpoints = JSON.parse(raw) as StandInEndpoints;
  Object.assign(process.env, standInEnvironment(endpoints));
  return endpoints;
}

// ---------------------------------------------------------------------------------------------
// Recording SDK calls with middleware

/** One command a client sent. */
export interface RecordedCall {
  readonly client: string;
  readonly command: string;
  /** The command input as sent (a structured clone taken before the call). */
  readonly input: Record<string, unknown>;
  /** The command's output, when the recorder keeps outputs and the call succeeded. */
  output?: Record<string, unknown>;
  /** HTTP attempts (more than 1 means the SDK retried). */
  attempts: number;
  /** [start, end] of each HTTP attempt, performance.now() ms. */
  readonly spans: Array<[number, number]>;
  /** When the command was sent and when it returned (or threw), performance.now() ms. */
  readonly start: number;
  end: number;
}

type AnyHandler = (args: { input: Record<string, unknown>; request?: unknown }) => Promise<{ output: Record<string, unknown> }>;
type AnyMiddleware = (next: AnyHandler, context: { clientName?: string; commandName?: string; hookrelayBenchCall?: RecordedCall }) => AnyHandler;
interface Stack {
  add(middleware: AnyMiddleware, options: { step: string; name: string; priority?: string }): void;
}

export interface SdkRecorderOptions {
  /** Keep each call's output (the cost measurement reads DynamoDB's consumed capacity and SNS's successes from it). @default false */
  readonly output?: boolean;
  /**
   * Send every DynamoDB command with `ReturnConsumedCapacity: 'TOTAL'`, so the table itself reports
   * the capacity units each consumed (dynalite computes them by DynamoDB's item-size rules); the
   * handlers never read that field. @default false
   */
  readonly returnConsumedCapacity?: boolean;
  /** Told of each call once it has returned (the latency measurement watches publishes). @default nothing */
  readonly onCall?: (call: RecordedCall) => void;
}

/**
 * Records every command (at the `initialize` step, once per command, in the order sent) and every
 * HTTP attempt (at the `deserialize` step, inside the retry loop) of the clients it is attached to.
 */
export class SdkRecorder {
  public calls: RecordedCall[] = [];
  /** Told of each call once it has returned; may be set after the recorder is attached. */
  public onCall: ((call: RecordedCall) => void) | undefined;
  readonly #options: SdkRecorderOptions;

  public constructor(options: SdkRecorderOptions = {}) {
    this.#options = options;
    this.onCall = options.onCall;
  }

  /** Attaches to the named clients (@default every client). */
  public attach(clients: AwsClients, parts: ReadonlyArray<keyof AwsClients> = ['dynamodb', 'sqs', 'sns', 's3', 'secretsManager']): void {
    for (const part of parts) {
      const stack = clients[part].middlewareStack as unknown as Stack;
      stack.add(
        (next, context) => async (args) => {
          const client = (context.clientName ?? 'unknown').replace(/Client$/, '');
          const call: RecordedCall = {
            client,
            command: (context.commandName ?? 'unknown').replace(/Command$/, ''),
            input: structuredClone(args.input),
            attempts: 0,
            spans: [],
            start: performance.now(),
            end: Number.NaN,
          };
          if (client === 'DynamoDB' && this.#options.returnConsumedCapacity) args.input['ReturnConsumedCapacity'] = 'TOTAL';
          this.calls.push(call);
          context.hookrelayBenchCall = call; // the context object is per command: safe under concurrency
          try {
            const result = await next(args);
            if (this.#options.output) call.output = result.output;
            return result;
          } finally {
            call.end = performance.now();
            this.onCall?.(call);
          }
        },
        { step: 'initialize', name: 'hookrelayBenchRecordCommands', priority: 'high' },
      );
      stack.add(
        (next, context) => async (args) => {
          const call = context.hookrelayBenchCall;
          const span: [number, number] = [performance.now(), Number.NaN];
          if (call) {
            call.attempts++;
            call.spans.push(span);
          }
          try {
            return await next(args);
          } finally {
            span[1] = performance.now();
          }
        },
        { step: 'deserialize', name: 'hookrelayBenchRecordAttempts', priority: 'low' },
      );
    }
  }

  public take(): RecordedCall[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }
}

/**
 * Round trips that had to happen one after another: HTTP attempts whose time spans overlap are
 * one round trip (they ran concurrently); disjoint ones are sequential.
 */
export function sequentialRoundTrips(calls: readonly RecordedCall[]): number {
  const spans = calls.flatMap((call) => call.spans).sort((a, b) => a[0] - b[0]);
  let groups = 0;
  let groupEnd = Number.NEGATIVE_INFINITY;
  for (const [start, end] of spans) {
    if (start >= groupEnd) groups++;
    groupEnd = Math.max(groupEnd, end);
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------
// The benchmarks' route on the stand-ins, and its requests

/** The one route every AWS-side measurement sends to: Stripe's. */
export const BENCH_ROUTE = 'stripe';

export interface BenchRoute {
  /** Clients of their own for setting up (never recorded). */
  readonly admin: AwsClients;
  readonly resources: LocalResources;
  /** The verifier's configuration for the route, every setting at the stack's default. */
  readonly verifierConfig: VerifierDependencies['config'];
}

/**
 * Provisions the route's table, queue (with its DLQ and the deployed visibility timeout), topic and
 * secret on the stand-ins, with fresh names, and the verifier's configuration for them.
 */
export async function provisionBenchRoute(prefix: string): Promise<BenchRoute> {
  const admin = createAwsClients();
  const resources = await provisionLocalResources(admin, {
    prefix: `${prefix}-${randomUUID().slice(0, 8)}`,
    routes: { [BENCH_ROUTE]: { provider: 'stripe', secrets: [STRIPE_BENCH_SECRET] } },
    visibilityTimeoutSeconds: DEFAULTS.pipeline.processorTimeoutSeconds * DEFAULTS.pipeline.visibilityTimeoutFactor,
  });
  const routes: Record<string, RouteConfig> = {
    [BENCH_ROUTE]: { queueUrl: resources.providers['stripe']!.queueUrl, secretId: resources.routes[BENCH_ROUTE]!.secretId, maxBodyBytes: 1024 * 1024 },
  };
  const verifierConfig = {
    routes,
    idempotencyTableName: resources.tableName,
    idempotencyWindowSeconds: DEFAULTS.idempotencyWindowSeconds,
    secretsRefreshSeconds: DEFAULTS.secrets.refreshSeconds,
    secretsMaxStaleSeconds: DEFAULTS.secrets.maxStaleSeconds,
    payloadBucketName: resources.bucketName,
    largePayloadThresholdBytes: DEFAULTS.largePayloadThresholdBytes,
  };
  return { admin, resources, verifierConfig };
}

export interface BenchVerifier {
  readonly verifier: VerifierHandler;
  /**
   * Diagnostic twin: the same handler, config and clients, with `telemetry.count` (one Powertools
   * single-metric EMF line per data point) turned into a no-op.
   */
  readonly verifierWithoutMetrics: VerifierHandler;
  /** Metric data points (`telemetry.count` calls) the verifier has emitted so far. */
  metricDataPoints(): number;
  readonly clients: AwsClients;
  readonly recorder: SdkRecorder;
  readonly resources: LocalResources;
}

/** The verifier, as deployed, on the bench route, every call of its clients recorded. */
export async function createBenchVerifier(prefix: string): Promise<BenchVerifier> {
  const { resources, verifierConfig: config } = await provisionBenchRoute(prefix);
  const clients = createAwsClients();
  const recorder = new SdkRecorder();
  recorder.attach(clients);
  const telemetry = createTelemetry(SERVICE_NAMES.verifier);
  let dataPoints = 0;
  const verifier = createVerifierHandler({
    config,
    clients,
    telemetry: { ...telemetry, count: (...args) => void (dataPoints++, telemetry.count(...args)) },
  });
  const verifierWithoutMetrics = createVerifierHandler({
    config,
    clients,
    telemetry: { ...createTelemetry(SERVICE_NAMES.verifier), count: () => undefined },
  });
  return { verifier, verifierWithoutMetrics, metricDataPoints: () => dataPoints, clients, recorder, resources };
}

export interface StripeApiEventOptions {
  /**
   * The body base64-encoded, as the deployed REST API hands every body over (every media type is
   * binary); false: as text, as the local gateway and an HTTP API hand over a UTF-8 body. @default true
   */
  readonly base64?: boolean;
  /** @default about 3 KB */
  readonly bodyBytes?: number;
}

/** API Gateway's event (REST API, Lambda proxy integration) for one freshly signed, unique Stripe delivery. */
export function stripeApiEvent(options: StripeApiEventOptions = {}): { eventId: string; event: APIGatewayProxyEvent } {
  const eventId = uniqueStripeEventId();
  const now = Math.floor(Date.now() / 1000);
  const body = stripeEventBody(eventId, now, options.bodyBytes);
  const headers = {
    Host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    'Stripe-Signature': stripeSignature(body, now),
    'X-Forwarded-Proto': 'https',
  };
  const base64 = options.base64 ?? true;
  const event: APIGatewayProxyEvent = {
    resource: `/webhooks/${BENCH_ROUTE}`,
    path: `/webhooks/${BENCH_ROUTE}`,
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { path: `/prod/webhooks/${BENCH_ROUTE}`, stage: 'prod', requestId: randomUUID(), resourcePath: `/webhooks/${BENCH_ROUTE}` } as APIGatewayProxyEvent['requestContext'],
    body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: base64,
  };
  return { eventId, event };
}
