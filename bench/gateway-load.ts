/**
 * Measurement 4: the local gateway (`npm start`, spawned as its own process on a free loopback
 * port) under autocannon: 50 connections for 10 s, every request a new Stripe event signed on the
 * fly. Then every accepted event must be published exactly once: the published log
 * (`GET /_local/published`) is read until the pipeline has drained.
 */
import autocannon from 'autocannon';
import { spawnGateway } from '../local/spawn-gateway';
import { STRIPE_BENCH_SECRET, checkStripeSigner, stripeEventBody, stripeSignature, uniqueStripeEventId } from './payloads';
import { round } from './stats';

export interface GatewayLoadResult {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly bodyBytes: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  readonly responses2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  /** Distinct event ids answered 200 (not replayed). */
  readonly accepted: number;
  readonly replayed: number;
  /** Messages on the topic for the load's events, and distinct ids among them. */
  readonly published: number;
  readonly publishedDistinct: number;
  readonly duplicates: number;
  /** Accepted but never published. */
  readonly missing: number;
  /** Published though the client saw no 200 (a request in flight when the run stopped). */
  readonly publishedUnacknowledged: number;
  readonly drainSeconds: number;
  readonly drained: boolean;
  readonly pass: boolean;
}

interface PublishedEntry {
  readonly message?: { id?: string };
}

export interface GatewayLoadOptions {
  /** @default 10 */
  readonly durationSeconds?: number;
  /** @default 50 */
  readonly connections?: number;
  /** Give up waiting for the pipeline to drain after this long. @default 120 */
  readonly drainTimeoutSeconds?: number;
  readonly log?: (line: string) => void;
}

export async function runGatewayLoad(options: GatewayLoadOptions = {}): Promise<GatewayLoadResult> {
  const log = options.log ?? (() => undefined);
  const durationSeconds = options.durationSeconds ?? 10;
  const connections = options.connections ?? 50;
  checkStripeSigner();

  // Exactly what `npm start` runs (tsx local/main.ts), with its own in-process stand-ins.
  const gateway = await spawnGateway({ WEBHOOK_SECRET_STRIPE: STRIPE_BENCH_SECRET }, [], { outputLimit: 4000, startTimeoutMs: 60_000 });
  const { url } = gateway;
  try {
    // One event through the whole pipeline first: the gateway accepts and publishes.
    const probeId = uniqueStripeEventId();
    const probeNow = Math.floor(Date.now() / 1000);
    const probeBody = stripeEventBody(probeId, probeNow);
    const probe = await fetch(`${url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': stripeSignature(probeBody, probeNow) },
      body: probeBody,
    });
    if (probe.status !== 200) throw new Error(`probe event answered ${probe.status}: ${await probe.text()}`);

    const sent = new Set<string>();
    const accepted = new Set<string>();
    let replayed = 0;
    let bodyBytes = 0;
    log(`  autocannon: ${connections} connections, ${durationSeconds} s → ${url}/webhooks/stripe`);
    const result = await autocannon({
      url,
      connections,
      duration: durationSeconds,
      requests: [
        {
          method: 'POST',
          path: '/webhooks/stripe',
          setupRequest: (request) => {
            const id = uniqueStripeEventId();
            const now = Math.floor(Date.now() / 1000);
            const body = stripeEventBody(id, now);
            bodyBytes = Buffer.byteLength(body);
            sent.add(id);
            return {
              ...request,
              headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': stripeSignature(body, now) },
              body,
            };
          },
          onResponse: (status, body, _context, headers) => {
            if (status !== 200) return;
            if (headers['idempotent-replayed'] === 'true') replayed++;
            try {
              const eventId = (JSON.parse(body) as { eventId?: string }).eventId;
              if (eventId) accepted.add(eventId);
            } catch {
              // counted as accepted only with an event id
            }
          },
        },
      ],
    });
    log(`  ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors`);

    // Drain: every accepted event must reach the topic; wait until all are there and the count
    // has been stable for a few reads (late duplicates would show up then), or give up.
    const drainStart = performance.now();
    const drainDeadline = drainStart + (options.drainTimeoutSeconds ?? 120) * 1000;
    let counts = new Map<string, number>();
    let lastTotal = -1;
    let stableReads = 0;
    let drained = false;
    for (;;) {
      const entries = (await (await fetch(`${url}/_local/published?provider=stripe`)).json()) as PublishedEntry[];
      counts = new Map();
      for (const entry of entries) {
        const id = entry.message?.id;
        if (id && sent.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      let total = 0;
      for (const count of counts.values()) total += count;
      const allThere = [...accepted].every((id) => counts.has(id));
      stableReads = total === lastTotal ? stableReads + 1 : 0;
      lastTotal = total;
      if (allThere && stableReads >= 2) {
        drained = true;
        break;
      }
      if (performance.now() > drainDeadline) break;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;

    let published = 0;
    let duplicates = 0;
    let publishedUnacknowledged = 0;
    for (const [id, count] of counts) {
      published += count;
      duplicates += count - 1;
      if (!accepted.has(id)) publishedUnacknowledged++;
    }
    const missing = [...accepted].filter((id) => !counts.has(id)).length;
    const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
    log(`  drained in ${drainSeconds.toFixed(1)} s: ${accepted.size} accepted, ${published} published, ${duplicates} duplicates, ${missing} missing`);
    return {
      connections,
      durationSeconds,
      bodyBytes,
      requestsPerSecond: round(result.requests.average, 1),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      responses2xx: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes,
      accepted: accepted.size,
      replayed,
      published,
      publishedDistinct: counts.size,
      duplicates,
      missing,
      publishedUnacknowledged,
      drainSeconds: round(drainSeconds, 1),
      drained,
      pass: drained && duplicates === 0 && missing === 0 && result.non2xx === 0 && result.errors === 0 && replayed === 0,
    };
  } finally {
    await gateway.stop();
  }
}
