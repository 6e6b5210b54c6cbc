/**
 * Measurement 3: a cold-start proxy. Each Lambda bundle is built as the stack builds it (the same
 * esbuild options, `handlerBuildOptions` in lib/bundling.ts, through one `bundle` function), then the
 * whole-process load time `node -e "require(bundle)"` minus `node -e 0` is measured, every variant
 * once per round in a fresh random order, each round's figures taken against that round's bare node.
 *
 * The verifier is bundled per deployment with its routes' providers only, so it is measured twice:
 * for a typical deployment (`TYPICAL_PROVIDERS`: Stripe, GitHub and Shopify, one route each), which
 * the targets apply to, and for the default deployment (a route for every registered provider).
 * Side by side:
 *
 *   - the SDK-only floor of each function: a bundle that loads and builds only the AWS SDK clients
 *     every request of that function needs (verifier: DynamoDB, SQS, Secrets Manager; processor:
 *     DynamoDB, SNS), as the function's own init builds them;
 *   - for the verifier, a hand-written receiver (bench/handwritten-receiver.ts: the Stripe SDK,
 *     DynamoDB and SQS clients) bundled the same way;
 *   - for information, the verifier's floor with an S3 client as well: what bundling the S3 client
 *     into the verifier would add to every cold start (its claim check loads it on first use instead);
 *
 * each with the deployed NODE_OPTIONS (`--enable-source-maps`) and without. A ratio is the median of
 * the per-round ratios, with a ~95 % interval of that median; rounds are added (up to a bound)
 * until every interval lies on one side of its target, so the printed spread is below the margin
 * it decides. Wall time is what a cold start waits for; the process's CPU time (all threads) is
 * printed beside it, as a cross-check that does not grow when the shared machine is busy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundledProviders, HANDLER_BUNDLING, handlerBuildOptions, HANDLER_NODE_OPTIONS } from '../lib/bundling';
import { ENV } from '../lambdas/environment';
import { ROOT } from './aws';
import { median, medianInterval, round, shuffle } from './stats';

/**
 * The esbuild options and NODE_OPTIONS the stack bundles and runs every handler with
 * (lib/bundling.ts, used by `handlerCode` in lib/constructs/webhook-function.ts): the benchmark
 * builds its bundles from the same objects, so the two cannot drift apart.
 */
export const STACK_BUNDLING = HANDLER_BUNDLING;
export const STACK_NODE_OPTIONS = HANDLER_NODE_OPTIONS;

/** SDK client packages by `AwsClients` property. */
const CLIENT_PACKAGES = {
  dynamodb: { pkg: '@aws-sdk/client-dynamodb', cls: 'DynamoDBClient' },
  sqs: { pkg: '@aws-sdk/client-sqs', cls: 'SQSClient' },
  sns: { pkg: '@aws-sdk/client-sns', cls: 'SNSClient' },
  secretsManager: { pkg: '@aws-sdk/client-secrets-manager', cls: 'SecretsManagerClient' },
  s3: { pkg: '@aws-sdk/client-s3', cls: 'S3Client' },
} as const;
type ClientName = keyof typeof CLIENT_PACKAGES;

/**
 * The clients each function calls on every request: its floor. The verifier's S3 client is left
 * out on purpose: it is required on the first claim check only, so a cold start does not evaluate it.
 */
const FLOOR_CLIENTS: Record<'verifier' | 'processor', readonly ClientName[]> = {
  verifier: ['dynamodb', 'sqs', 'secretsManager'],
  processor: ['dynamodb', 'sns'],
};

/**
 * The routes of a typical deployment, whose verifier the targets apply to: three of the most common
 * senders, one route each.
 */
export const TYPICAL_PROVIDERS = ['stripe', 'github', 'shopify'] as const;

/**
 * The comparisons and their targets: `subject` may load at most `target` times `reference`. The
 * default deployment's verifier (every provider) is compared too, for information (`target`
 * undefined): a deployment that routes every provider pays for every module.
 */
export const COLD_START_TARGETS: ReadonlyArray<{ subject: BundleName; reference: BundleName; target: number | undefined; what: string }> = [
  { subject: 'verifier', reference: 'receiver', target: 1.1, what: `verifier (${TYPICAL_PROVIDERS.join(', ')}) vs hand-written receiver` },
  { subject: 'verifier', reference: 'verifier-floor', target: 1.15, what: `verifier (${TYPICAL_PROVIDERS.join(', ')}) vs its SDK-only floor` },
  { subject: 'verifier-every-provider', reference: 'receiver', target: undefined, what: 'verifier (every provider) vs hand-written receiver' },
  { subject: 'verifier-every-provider', reference: 'verifier-floor', target: undefined, what: 'verifier (every provider) vs its SDK-only floor' },
  { subject: 'processor', reference: 'processor-floor', target: 1.1, what: 'processor vs its SDK-only floor' },
  { subject: 'verifier-floor-s3', reference: 'verifier-floor', target: undefined, what: "verifier's floor with an S3 client vs without" },
];

type BundleName = 'verifier' | 'verifier-every-provider' | 'verifier-floor' | 'verifier-floor-s3' | 'receiver' | 'processor' | 'processor-floor';

/** The environment a deployed function gets (enough for module init to succeed). */
const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  // Lambda runs Node 22: the SDK's "Node 20 support ends" notice is not part of a real cold start.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // WebhookFunction's environment.
  NODE_OPTIONS: STACK_NODE_OPTIONS,
  POWERTOOLS_SERVICE_NAME: 'hookrelay',
  POWERTOOLS_METRICS_NAMESPACE: 'hookrelay',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  // The verifier's, as the stack writes them for routes with every default (`verifierEnvironment`);
  // HOOKRELAY_ROUTES is each verifier's own (`routesVariable`).
  [ENV.queueUrlPrefix]: 'https://sqs.us-east-1.amazonaws.com/123456789012/hookrelay-dev-',
  [ENV.secretNamePrefix]: 'hookrelay-dev/',
  IDEMPOTENCY_TABLE_NAME: 'hookrelay-idempotency',
  PAYLOAD_BUCKET_NAME: 'hookrelay-payloads',
  PROVIDER: 'stripe',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:hookrelay-stripe',
  // The hand-written receiver's.
  TABLE_NAME: 'receiver-idempotency',
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/receiver',
  STRIPE_WEBHOOK_SECRET: 'whsec_unused',
};

/** HOOKRELAY_ROUTES of a deployment with one route per provider, every setting at its default. */
const routesVariable = (providers: readonly string[]) => ({ [ENV.routes]: JSON.stringify(Object.fromEntries(providers.map((name) => [name, {}]))) });

interface Bundle {
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly metafile: Metafile;
}

/**
 * Bundles an entry file, or inline source, exactly as the stack bundles a handler (`providers`: the
 * provider modules a verifier carries, @default every registered provider).
 */
export async function bundle(outfile: string, input: { entry: string; providers?: readonly string[] } | { contents: string }): Promise<Bundle> {
  const result = await build({
    ...('entry' in input
      ? handlerBuildOptions({ entry: input.entry, outfile, ...(input.providers ? { providers: input.providers } : {}) })
      : { ...STACK_BUNDLING, stdin: { contents: input.contents, resolveDir: ROOT, sourcefile: `${path.basename(outfile, '.js')}.ts`, loader: 'ts' }, outfile, absWorkingDir: ROOT }),
    metafile: true,
    logLevel: 'error',
  });
  return { file: outfile, bytes: statSync(outfile).size, mapBytes: existsSync(`${outfile}.map`) ? statSync(`${outfile}.map`).size : 0, metafile: result.metafile };
}

/** Package an input path belongs to (the innermost node_modules), or hookrelay's folder. */
function packageOf(inputPath: string): string {
  const parts = inputPath.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return `hookrelay ${parts.slice(0, 2).join('/')}/`;
  return parts[at + 1]!.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1]!;
}

function bytesByPackage(metafile: Metafile): Map<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) totals.set(packageOf(input), (totals.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return totals;
}

/** Minified bytes of the provider modules in a bundle. */
function providerModuleBytes(metafile: Metafile): number {
  let bytes = 0;
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) if (input.startsWith('lambdas/core/providers/')) bytes += bytesInOutput;
  }
  return bytes;
}

/** A bundle that loads the clients and builds one of each at module load, as a function's init does. */
const clientsEntry = (names: readonly ClientName[]) =>
  names
    .map((name) => `import { ${CLIENT_PACKAGES[name].cls} } from '${CLIENT_PACKAGES[name].pkg}';\nexport const ${name} = new ${CLIENT_PACKAGES[name].cls}({});`)
    .join('\n');

/**
 * Wall-clock ms of `node -e "require(file)"` (`node -e 0` without a file), and the process's own
 * CPU ms (all threads, from process.cpuUsage() as it exits).
 */
function loadMs(file: string | undefined, env: Record<string, string>): { wall: number; cpu: number } {
  const report = `process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('cpu='+(u.user+u.system))})`;
  const args = ['-e', `${report};${file === undefined ? '0' : `require(${JSON.stringify(file)})`}`];
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = performance.now() - start;
  const cpu = /cpu=(\d+)/.exec(result.stderr.toString())?.[1];
  if (result.status !== 0 || cpu === undefined) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  return { wall, cpu: Number(cpu) / 1000 };
}

export interface BundleFigures {
  readonly bundle: BundleName;
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** Median load time above bare node, ms, with source maps and without. */
  readonly loadMs: { readonly sourceMaps: number; readonly noSourceMaps: number };
  /** The same in the process's CPU time. */
  readonly cpuMs: { readonly sourceMaps: number; readonly noSourceMaps: number };
}

export interface ColdStartComparison {
  readonly what: string;
  readonly subject: BundleName;
  readonly reference: BundleName;
  readonly sourceMaps: boolean;
  /** Median of the per-round ratios (subject − bare) ÷ (reference − bare), wall time. */
  readonly ratio: number;
  /** ~95 % interval of that median. */
  readonly interval: readonly [number, number];
  /** The same ratio in CPU time. */
  readonly cpuRatio: number;
  /** undefined: printed for information. */
  readonly target: number | undefined;
  readonly pass: boolean;
  /** The interval lies entirely on one side of the target. */
  readonly decided: boolean;
}

export interface ColdStartResult {
  readonly rounds: number;
  readonly bareNodeMs: number;
  readonly bundling: typeof STACK_BUNDLING;
  readonly nodeOptions: string;
  readonly bundles: BundleFigures[];
  readonly comparisons: ColdStartComparison[];
  /** The providers of the typical deployment's verifier (`verifier`). */
  readonly typicalProviders: readonly string[];
  /** Minified bytes of provider modules (`lambdas/core/providers/`) in each verifier bundle. */
  readonly providerModuleBytes: { readonly typical: number; readonly everyProvider: number };
  /** Packages in the (typical) verifier's bundle beyond its floor's, largest first (minified bytes). */
  readonly verifierExtraPackages: Array<{ package: string; bytes: number }>;
  /**
   * What an S3 client adds to the verifier's floor: median of the per-round differences in load time,
   * ms, with source maps and without, and its minified bytes.
   */
  readonly s3Client: { readonly loadMs: { readonly sourceMaps: number; readonly noSourceMaps: number }; readonly bytes: number };
}

export interface ColdStartOptions {
  /** @default 20 */
  readonly minRounds?: number;
  /** @default 60 */
  readonly maxRounds?: number;
  readonly log?: (line: string) => void;
}

export async function runColdStart(options: ColdStartOptions = {}): Promise<ColdStartResult> {
  const minRounds = options.minRounds ?? 20;
  const maxRounds = Math.max(minRounds, options.maxRounds ?? 60);
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), 'hookrelay-bench-'));
  try {
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...LAMBDA_ENV, ...routesVariable(TYPICAL_PROVIDERS) };
    // Each verifier with its own deployment's routes; every other bundle ignores HOOKRELAY_ROUTES.
    const envOf = (name: BundleName, sourceMaps: boolean): Record<string, string> => {
      const { NODE_OPTIONS: _sourceMaps, ...withoutSourceMaps } = env;
      return { ...(sourceMaps ? env : withoutSourceMaps), ...(name === 'verifier-every-provider' ? routesVariable(bundledProviders()) : {}) };
    };
    const built: Record<BundleName, Bundle> = {
      verifier: await bundle(path.join(dir, 'verifier.js'), { entry: 'lambdas/handlers/verifier.ts', providers: TYPICAL_PROVIDERS }),
      'verifier-every-provider': await bundle(path.join(dir, 'verifier-every-provider.js'), { entry: 'lambdas/handlers/verifier.ts' }),
      'verifier-floor': await bundle(path.join(dir, 'verifier-floor.js'), { contents: clientsEntry(FLOOR_CLIENTS.verifier) }),
      'verifier-floor-s3': await bundle(path.join(dir, 'verifier-floor-s3.js'), { contents: clientsEntry([...FLOOR_CLIENTS.verifier, 's3']) }),
      receiver: await bundle(path.join(dir, 'receiver.js'), { entry: 'bench/handwritten-receiver.ts' }),
      processor: await bundle(path.join(dir, 'processor.js'), { entry: 'lambdas/handlers/processor.ts' }),
      'processor-floor': await bundle(path.join(dir, 'processor-floor.js'), { contents: clientsEntry(FLOOR_CLIENTS.processor) }),
    };
    for (const name of ['verifier', 'verifier-every-provider', 'processor', 'receiver'] as const) {
      // Module init must succeed and export the handler before anything is timed.
      const check = spawnSync(process.execPath, ['-e', `if (typeof require(${JSON.stringify(built[name].file)}).handler !== 'function') process.exit(3)`], { env: envOf(name, true), encoding: 'utf8' });
      if (check.status !== 0) throw new Error(`${name} bundle failed to initialise (exit ${check.status}): ${check.stderr}`);
    }
    log(`  bundles: ${Object.entries(built).map(([name, b]) => `${name} ${(b.bytes / 1024).toFixed(0)} KB`).join(', ')}`);

    const variants: Array<{ key: string; file: string | undefined; env: Record<string, string> }> = [{ key: 'bare', file: undefined, env }];
    for (const [name, b] of Object.entries(built) as Array<[BundleName, Bundle]>) {
      variants.push({ key: `${name}:maps`, file: b.file, env: envOf(name, true) });
      variants.push({ key: `${name}:nomaps`, file: b.file, env: envOf(name, false) });
    }
    variants.push({ key: 'bare:nomaps', file: undefined, env: envOf('processor', false) });
    for (const variant of variants) loadMs(variant.file, variant.env); // warm the page cache

    // Per round, every variant once in a fresh random order; a figure is its time minus bare node's
    // (with the same NODE_OPTIONS) in the same round.
    const rows: Array<Map<string, { wall: number; cpu: number }>> = [];
    const comparisonsOf = (): ColdStartComparison[] =>
      COLD_START_TARGETS.flatMap(({ subject, reference, target, what }) =>
        [true, false].map((sourceMaps) => {
          const suffix = sourceMaps ? 'maps' : 'nomaps';
          const ratios = rows.map((row) => row.get(`${subject}:${suffix}`)!.wall / row.get(`${reference}:${suffix}`)!.wall);
          const cpuRatios = rows.map((row) => row.get(`${subject}:${suffix}`)!.cpu / row.get(`${reference}:${suffix}`)!.cpu);
          const ratio = median(ratios);
          const interval = medianInterval(ratios);
          return {
            what,
            subject,
            reference,
            sourceMaps,
            ratio: round(ratio, 3),
            interval: [round(interval[0], 3), round(interval[1], 3)] as const,
            cpuRatio: round(median(cpuRatios), 3),
            target,
            pass: target === undefined || ratio <= target,
            decided: target === undefined || interval[1] <= target || interval[0] > target,
          };
        }),
      );
    for (let r = 0; r < maxRounds; r++) {
      const times = new Map<string, { wall: number; cpu: number }>();
      for (const variant of shuffle([...variants])) times.set(variant.key, loadMs(variant.file, variant.env));
      const bare = { maps: times.get('bare')!, nomaps: times.get('bare:nomaps')! };
      rows.push(
        new Map(
          [...times].map(([key, t]) => {
            if (key.startsWith('bare')) return [key, t];
            const base = key.endsWith(':maps') ? bare.maps : bare.nomaps;
            return [key, { wall: t.wall - base.wall, cpu: t.cpu - base.cpu }];
          }),
        ),
      );
      if ((r + 1) % 5 === 0) log(`  round ${r + 1}`);
      if (r + 1 >= minRounds && comparisonsOf().every((c) => c.decided)) break;
    }

    const figure = (key: string, field: 'wall' | 'cpu') => round(median(rows.map((row) => row.get(key)![field])), 1);
    const bundles: BundleFigures[] = (Object.keys(built) as BundleName[]).map((name) => ({
      bundle: name,
      bytes: built[name].bytes,
      sourceMapBytes: built[name].mapBytes,
      loadMs: { sourceMaps: figure(`${name}:maps`, 'wall'), noSourceMaps: figure(`${name}:nomaps`, 'wall') },
      cpuMs: { sourceMaps: figure(`${name}:maps`, 'cpu'), noSourceMaps: figure(`${name}:nomaps`, 'cpu') },
    }));
    const difference = (subject: string, reference: string) => round(median(rows.map((row) => row.get(subject)!.wall - row.get(reference)!.wall)), 1);
    const floorPackages = bytesByPackage(built['verifier-floor'].metafile);
    const verifierExtraPackages = [...bytesByPackage(built.verifier.metafile)]
      .filter(([pkg]) => !floorPackages.has(pkg))
      .sort((a, b) => b[1] - a[1])
      .map(([pkg, bytes]) => ({ package: pkg, bytes }));
    return {
      rounds: rows.length,
      bareNodeMs: round(median(rows.map((row) => row.get('bare')!.wall)), 1),
      bundling: STACK_BUNDLING,
      nodeOptions: STACK_NODE_OPTIONS,
      bundles,
      comparisons: comparisonsOf(),
      typicalProviders: TYPICAL_PROVIDERS,
      providerModuleBytes: { typical: providerModuleBytes(built.verifier.metafile), everyProvider: providerModuleBytes(built['verifier-every-provider'].metafile) },
      verifierExtraPackages,
      s3Client: {
        loadMs: { sourceMaps: difference('verifier-floor-s3:maps', 'verifier-floor:maps'), noSourceMaps: difference('verifier-floor-s3:nomaps', 'verifier-floor:nomaps') },
        bytes: built['verifier-floor-s3'].bytes - built['verifier-floor'].bytes,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
