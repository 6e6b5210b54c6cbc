/**
 * AWS side of the benchmarks: the stand-ins in a child process (local/stand-ins-server.ts, so the
 * measured process only does client work), an SDK middleware that records every call a client
 * makes, and the verifier wired to the stand-ins exactly as the local gateway wires it.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createAwsClients, type AwsClients } from '../lambdas/adapters/aws-clients';
import { createTelemetry } from '../lambdas/observability/telemetry';
import { SERVICE_NAMES, type RouteConfig } from '../lambdas/runtime-config';
import { createVerifierHandler, type VerifierHandler } from '../lambdas/verifier/handler';
import { toApiGatewayEvent } from '../local/api-gateway-event';
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
// Counting SDK calls with middleware

export interface SdkCall {
  readonly client: string;
  readonly command: string;
  /** The command input as sent (a structured clone taken before the call). */
  readonly input: unknown;
  /** HTTP attempts (more than 1 means the SDK retried). */
  attempts: number;
  /** [start, end] of each HTTP attempt, performance.now() ms. */
  readonly spans: Array<[number, number]>;
}

type AnyHandler = (args: { input: unknown; request?: unknown }) => Promise<unknown>;
type AnyMiddleware = (next: AnyHandler, context: { clientName?: string; commandName?: string; hookrelayBenchCall?: SdkCall }) => AnyHandler;
interface Stack {
  add(middleware: AnyMiddleware, options: { step: string; name: string; priority?: string }): void;
}

/**
 * Records every command (at the `initialize` step, once per command) and every HTTP attempt (at
 * the `deserialize` step, inside the retry loop) of the clients it is attached to.
 */
export class SdkRecorder {
  public calls: SdkCall[] = [];

  public attach(clients: AwsClients): void {
    for (const client of [clients.dynamodb, clients.sqs, clients.sns, clients.s3, clients.secretsManager]) {
      const stack = client.middlewareStack as unknown as Stack;
      stack.add(
        (next, context) => async (args) => {
          const call: SdkCall = {
            client: (context.clientName ?? 'unknown').replace(/Client$/, ''),
            command: (context.commandName ?? 'unknown').replace(/Command$/, ''),
            input: structuredClone(args.input),
            attempts: 0,
            spans: [],
          };
          this.calls.push(call);
          context.hookrelayBenchCall = call; // the context object is per command: safe under concurrency
          return next(args);
        },
        { step: 'initialize', name: 'hookrelayBenchCountCommands', priority: 'high' },
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
        { step: 'deserialize', name: 'hookrelayBenchCountAttempts', priority: 'low' },
      );
    }
  }

  public take(): SdkCall[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }
}

/**
 * Round trips that had to happen one after another: HTTP attempts whose time spans overlap are
 * one round trip (they ran concurrently); disjoint ones are sequential.
 */
export function sequentialRoundTrips(calls: readonly SdkCall[]): number {
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
// The verifier, as deployed, against the stand-ins

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

/** Provisions a table, queue, topic and secret on the stand-ins and builds the verifier on them. */
export async function createBenchVerifier(prefix: string): Promise<BenchVerifier> {
  const admin = createAwsClients();
  const resources = await provisionLocalResources(admin, {
    prefix: `${prefix}-${randomUUID().slice(0, 8)}`,
    routes: { stripe: { provider: 'stripe', secrets: [STRIPE_BENCH_SECRET] } },
  });
  const routes: Record<string, RouteConfig> = {
    stripe: { queueUrl: resources.providers['stripe']!.queueUrl, secretId: resources.routes['stripe']!.secretId, maxBodyBytes: 1024 * 1024 },
  };
  const clients = createAwsClients();
  const recorder = new SdkRecorder();
  recorder.attach(clients);
  const config = {
    routes,
    idempotencyTableName: resources.tableName,
    idempotencyWindowSeconds: 7 * 24 * 3600,
    secretsRefreshSeconds: 300,
    secretsMaxStaleSeconds: 3600,
    payloadBucketName: resources.bucketName,
    largePayloadThresholdBytes: 200_000,
  };
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

/** API Gateway's event for one freshly signed, unique Stripe delivery of about 3 KB. */
export function signedStripeApiEvent(): { eventId: string; event: ReturnType<typeof toApiGatewayEvent> } {
  const eventId = uniqueStripeEventId();
  const now = Math.floor(Date.now() / 1000);
  const body = Buffer.from(stripeEventBody(eventId, now));
  const event = toApiGatewayEvent({
    method: 'POST',
    path: '/webhooks/stripe',
    query: new URLSearchParams(),
    headers: {
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'stripe-signature': stripeSignature(body, now),
    },
    body,
    sourceIp: '127.0.0.1',
  });
  return { eventId, event };
}
