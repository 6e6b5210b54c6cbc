/**
 * Measurement 5: does a warm verifier hold on to memory? RSS and heap used after 1,000 and after
 * 10,000 accepted invocations (unique ~3 KB Stripe events, against the stand-ins), each read after
 * forced full garbage collections (needs `node --expose-gc`), with checkpoints in between for the
 * slope.
 */
import { lambdaContext } from '../local/queue-poller';
import { createBenchVerifier, stripeApiEvent } from './aws';
import { round } from './stats';

const MiB = 1024 * 1024;

/**
 * Growth allowed between 1,000 and 10,000 invocations before it counts as a leak: 1 MiB of heap is
 * ~116 B per invocation (one retained 3 KB body each would be ~27 MiB); RSS moves ±1–2 MiB between
 * checkpoints with no leak (allocator and GC heuristics), so 8 MiB.
 */
export const HEAP_GROWTH_LIMIT_BYTES = 1 * MiB;
export const RSS_GROWTH_LIMIT_BYTES = 8 * MiB;

export interface MemoryCheckpoint {
  readonly invocations: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
}

export interface MemoryResult {
  readonly checkpoints: MemoryCheckpoint[];
  readonly concurrency: number;
  readonly rssDeltaBytes: number;
  readonly heapUsedDeltaBytes: number;
  /** Least-squares slope of heap used over the checkpoints, bytes per invocation. */
  readonly heapSlopeBytesPerInvocation: number;
  readonly heapGrowthLimitBytes: number;
  readonly rssGrowthLimitBytes: number;
  readonly pass: boolean;
  readonly seconds: number;
}

async function settledUsage(invocations: number): Promise<MemoryCheckpoint> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  return { invocations, rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, externalBytes: usage.external };
}

function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return num / den;
}

export interface MemoryOptions {
  /** @default [1000, 2500, 5000, 7500, 10000] */
  readonly checkpoints?: readonly number[];
  /** Invocations in flight at once (each one is a whole Lambda-style invocation). @default 4 */
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

export async function runMemory(options: MemoryOptions = {}): Promise<MemoryResult> {
  const marks = options.checkpoints ?? [1000, 2500, 5000, 7500, 10_000];
  const concurrency = options.concurrency ?? 4;
  const bench = await createBenchVerifier('bench-memory');
  const started = performance.now();
  let done = 0;
  let failures = 0;
  const runUntil = async (target: number) => {
    let next = done;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < target) {
          next++;
          const { event } = stripeApiEvent({ base64: false });
          const response = await bench.verifier(event, lambdaContext('hookrelay-verifier', 10_000));
          if (response.statusCode !== 200) failures++;
          done++;
          bench.recorder.take(); // the recorder is ours, not the verifier's: keep it from growing
        }
      }),
    );
  };
  const checkpoints: MemoryCheckpoint[] = [];
  for (const mark of marks) {
    await runUntil(mark);
    const checkpoint = await settledUsage(done);
    checkpoints.push(checkpoint);
    options.log?.(`  after ${String(done).padStart(6)}: rss ${(checkpoint.rssBytes / MiB).toFixed(1)} MiB, heap used ${(checkpoint.heapUsedBytes / MiB).toFixed(2)} MiB`);
  }
  if (failures > 0) throw new Error(`${failures} invocations were not accepted`);
  const first = checkpoints[0]!;
  const last = checkpoints[checkpoints.length - 1]!;
  const rssDeltaBytes = last.rssBytes - first.rssBytes;
  const heapUsedDeltaBytes = last.heapUsedBytes - first.heapUsedBytes;
  return {
    checkpoints,
    concurrency,
    rssDeltaBytes,
    heapUsedDeltaBytes,
    heapSlopeBytesPerInvocation: round(slope(checkpoints.map((c) => [c.invocations, c.heapUsedBytes] as const)), 1),
    heapGrowthLimitBytes: HEAP_GROWTH_LIMIT_BYTES,
    rssGrowthLimitBytes: RSS_GROWTH_LIMIT_BYTES,
    pass: heapUsedDeltaBytes <= HEAP_GROWTH_LIMIT_BYTES && rssDeltaBytes <= RSS_GROWTH_LIMIT_BYTES,
    seconds: round((performance.now() - started) / 1000, 1),
  };
}
