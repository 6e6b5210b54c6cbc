/**
 * Measurement 3: a cold-start proxy. Each Lambda bundle is built as the stack builds it, then the
 * whole-process load time `node -e "require(bundle)"` minus `node -e 0` is measured (median of
 * interleaved rounds, each round in a fresh random order), side by side with the floor: a bundle
 * of only the AWS SDK clients the function actually uses, built with the same options. Every
 * process (bare node included) gets the function's environment, NODE_OPTIONS included.
 * Where a target is missed, the reason is measured: a bundle of every SDK client the function's
 * bundle imports (used or not) splits the gap into "SDK clients imported but unused" and
 * "everything else", and the esbuild metafile names the packages the function carries beyond
 * its floor.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { HANDLER_BUNDLING, HANDLER_NODE_OPTIONS } from '../lib/bundling';
import { ROOT } from './aws';
import { median, round, shuffle } from './stats';

/**
 * The esbuild options and NODE_OPTIONS the stack bundles and runs every handler with
 * (lib/bundling.ts, used by `handlerCode` in lib/constructs/webhook-function.ts): the benchmark
 * builds its bundles from the same objects, so the two cannot drift apart.
 */
export const STACK_BUNDLING = HANDLER_BUNDLING;
export const STACK_NODE_OPTIONS = HANDLER_NODE_OPTIONS;

export const COLD_START_TARGETS = { verifier: 1.2, processor: 1.4 } as const;

/** SDK client package per `AwsClients` property. */
const CLIENT_PACKAGES: Record<string, { pkg: string; cls: string }> = {
  dynamodb: { pkg: '@aws-sdk/client-dynamodb', cls: 'DynamoDBClient' },
  sqs: { pkg: '@aws-sdk/client-sqs', cls: 'SQSClient' },
  sns: { pkg: '@aws-sdk/client-sns', cls: 'SNSClient' },
  s3: { pkg: '@aws-sdk/client-s3', cls: 'S3Client' },
  secretsManager: { pkg: '@aws-sdk/client-secrets-manager', cls: 'SecretsManagerClient' },
};

const FUNCTIONS = {
  verifier: { entry: 'lambdas/handlers/verifier.ts' },
  processor: { entry: 'lambdas/handlers/processor.ts' },
} as const;
type FunctionName = keyof typeof FUNCTIONS;

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
  HOOKRELAY_ROUTES: JSON.stringify({
    stripe: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/hookrelay-stripe', secretId: 'hookrelay/stripe', maxBodyBytes: 1048576 },
    github: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/hookrelay-github', secretId: 'hookrelay/github', maxBodyBytes: 1048576 },
  }),
  IDEMPOTENCY_TABLE_NAME: 'hookrelay-idempotency',
  PAYLOAD_BUCKET_NAME: 'hookrelay-payloads',
  PROVIDER: 'stripe',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:hookrelay-stripe',
};

export interface StackBundlingCheck {
  readonly status: 'aligned' | 'differs' | 'lib-missing' | 'not-found';
  readonly files: string[];
  readonly found: Record<string, string>;
  readonly differences: string[];
}

/** The stack and the benchmark share lib/bundling.ts: recorded with the results, always aligned. */
export function checkStackBundling(): StackBundlingCheck {
  const found = Object.fromEntries(Object.entries(HANDLER_BUNDLING).map(([key, value]) => [key, JSON.stringify(value)]));
  return { status: 'aligned', files: ['lib/bundling.ts'], found: { ...found, NODE_OPTIONS: HANDLER_NODE_OPTIONS }, differences: [] };
}

interface Bundle {
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly metafile: Metafile;
}

async function bundle(outfile: string, input: { entry: string } | { contents: string; resolveDir?: string }): Promise<Bundle> {
  const result = await build({
    ...STACK_BUNDLING,
    ...('entry' in input
      ? { entryPoints: [path.join(ROOT, input.entry)] }
      : { stdin: { contents: input.contents, resolveDir: input.resolveDir ?? ROOT, sourcefile: path.basename(outfile, '.js') + '.ts', loader: 'ts' } }),
    outfile,
    metafile: true,
    logLevel: 'error',
    absWorkingDir: ROOT,
  });
  return { file: outfile, bytes: statSync(outfile).size, mapBytes: existsSync(`${outfile}.map`) ? statSync(`${outfile}.map`).size : 0, metafile: result.metafile };
}

/** Package an input path belongs to (the innermost node_modules), or the project folder. */
function packageOf(inputPath: string): string {
  const parts = inputPath.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return `hookrelay ${parts[0]}/`;
  return parts[at + 1]!.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1]!;
}

function bytesByPackage(metafile: Metafile): Map<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(input);
      totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return totals;
}

/** `AwsClients` properties the function's own code uses (`clients.sqs`, …), from the bundled sources. */
function usedClients(metafile: Metafile): string[] {
  const used = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    if (!input.startsWith('lambdas/') || input.endsWith('adapters/aws-clients.ts')) continue;
    const source = readFileSync(path.join(ROOT, input), 'utf8');
    for (const match of source.matchAll(/\bclients\.(dynamodb|sqs|sns|s3|secretsManager)\b/g)) used.add(match[1]!);
  }
  return Object.keys(CLIENT_PACKAGES).filter((name) => used.has(name));
}

/** SDK client packages present in a bundle. */
function importedClients(metafile: Metafile): string[] {
  const packages = new Set([...bytesByPackage(metafile).keys()]);
  return Object.keys(CLIENT_PACKAGES).filter((name) => packages.has(CLIENT_PACKAGES[name]!.pkg));
}

/** hookrelay files that import a package directly (from the metafile's import graph). */
function importersOf(metafile: Metafile, pkg: string): string[] {
  return Object.entries(metafile.inputs)
    .filter(([input, { imports }]) => input.startsWith('lambdas/') && imports.some((entry) => packageOf(entry.path) === pkg))
    .map(([input]) => input);
}

const clientsEntry = (names: readonly string[]) =>
  names.map((name) => `export { ${CLIENT_PACKAGES[name]!.cls} } from '${CLIENT_PACKAGES[name]!.pkg}';`).join('\n');

/**
 * The entry's imports re-exported and nothing run: loading it evaluates every module the function
 * loads, without the handler's init (config parsing, client, logger and metrics construction).
 */
function modulesOnlyEntry(entry: string): string {
  const source = readFileSync(path.join(ROOT, entry), 'utf8');
  const imports = [...source.matchAll(/^import\s+\{([^}]+)\}\s+from\s+(['"][^'"]+['"]);?\s*$/gm)];
  if (imports.length === 0) throw new Error(`${entry}: no named imports to re-export`);
  return imports.map((match) => `export {${match[1]}} from ${match[2]};`).join('\n');
}

/**
 * Wall-clock ms of `node -e "require(file)"` (`node -e 0` without a file), and the process's own
 * CPU ms (all threads, from process.cpuUsage() as it exits: a cross-check that waiting for a
 * busy CPU on a shared machine does not inflate).
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

export interface FunctionColdStart {
  readonly function: FunctionName;
  readonly entry: string;
  readonly loadMs: number;
  readonly floorLoadMs: number;
  readonly ratio: number;
  readonly target: number;
  readonly pass: boolean;
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  readonly floorBundleBytes: number;
  /** Clients the function's code uses (the floor) and clients its bundle imports. */
  readonly clientsUsed: string[];
  readonly clientsImported: string[];
  /** Load time of a bundle of every SDK client the function's bundle imports. */
  readonly importedClientsLoadMs: number;
  /** Load time of the function's modules without its init (the entry's imports re-exported). */
  readonly modulesOnlyLoadMs: number;
  /** The same bundle loaded without NODE_OPTIONS=--enable-source-maps (what parsing its map costs). */
  readonly withoutSourceMapsLoadMs: number;
  /**
   * The gap to the floor, split (medians of same-round differences): unused SDK clients, other
   * modules, handler init; and what --enable-source-maps costs this bundle.
   */
  readonly gapMs: { readonly unusedSdkClients: number; readonly otherModules: number; readonly init: number; readonly sourceMaps: number };
  /** The same comparison in the child's own CPU time (user + system, all threads), minus bare node's. */
  readonly cpuMs: { readonly load: number; readonly floor: number; readonly ratio: number };
  readonly importedClientsBundleBytes: number;
  /** Packages in the function's bundle that the floor does not have, largest first (minified bytes). */
  readonly extraPackages: Array<{ package: string; bytes: number }>;
  readonly diagnosis?: string;
}

export interface ColdStartResult {
  readonly rounds: number;
  readonly bareNodeMs: number;
  readonly bundling: typeof STACK_BUNDLING;
  readonly nodeOptions: string;
  readonly stackCheck: StackBundlingCheck;
  readonly functions: FunctionColdStart[];
}

export interface ColdStartOptions {
  /** @default 20 (the issue asks for at least 15) */
  readonly rounds?: number;
  readonly log?: (line: string) => void;
}

export async function runColdStart(options: ColdStartOptions = {}): Promise<ColdStartResult> {
  const rounds = Math.max(15, options.rounds ?? 20);
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), 'hookrelay-bench-'));
  try {
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...LAMBDA_ENV };
    const built: Record<FunctionName, { handler: Bundle; floor: Bundle; imported: Bundle; modules: Bundle; used: string[]; importedNames: string[] }> = {} as never;
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const handler = await bundle(path.join(dir, `${name}.js`), FUNCTIONS[name]);
      const used = usedClients(handler.metafile);
      const importedNames = importedClients(handler.metafile);
      const floor = await bundle(path.join(dir, `${name}-sdk-floor.js`), { contents: clientsEntry(used) });
      const imported = await bundle(path.join(dir, `${name}-sdk-imported.js`), { contents: clientsEntry(importedNames) });
      const modules = await bundle(path.join(dir, `${name}-modules-only.js`), {
        contents: modulesOnlyEntry(FUNCTIONS[name].entry),
        resolveDir: path.dirname(path.join(ROOT, FUNCTIONS[name].entry)),
      });
      built[name] = { handler, floor, imported, modules, used, importedNames };
      // Module init must succeed and export the handler before anything is timed.
      const check = spawnSync(process.execPath, ['-e', `if (typeof require(${JSON.stringify(handler.file)}).handler !== 'function') process.exit(3)`], { env, encoding: 'utf8' });
      if (check.status !== 0) throw new Error(`${name} bundle failed to initialise (exit ${check.status}): ${check.stderr}`);
      log(`  ${name}: ${(handler.bytes / 1024).toFixed(0)} KB (floor ${(floor.bytes / 1024).toFixed(0)} KB); uses ${used.join(', ')}; imports ${importedNames.join(', ')}`);
    }

    const { NODE_OPTIONS: _nodeOptions, ...envWithoutSourceMaps } = env;
    const variants: Array<{ key: string; file: string | undefined; env?: Record<string, string> }> = [{ key: 'bare', file: undefined }];
    for (const name of Object.keys(built) as FunctionName[]) {
      variants.push({ key: `${name}`, file: built[name].handler.file });
      variants.push({ key: `${name}-no-source-maps`, file: built[name].handler.file, env: envWithoutSourceMaps });
      variants.push({ key: `${name}-floor`, file: built[name].floor.file });
      variants.push({ key: `${name}-imported`, file: built[name].imported.file });
      variants.push({ key: `${name}-modules`, file: built[name].modules.file });
    }
    for (const variant of variants) loadMs(variant.file, variant.env ?? env); // warm the page cache
    // Per round, every variant once in a fresh random order; its figure is its time minus bare
    // node's in the same round. Differences between variants are taken within a round too.
    const rows: Array<Map<string, { wall: number; cpu: number }>> = [];
    for (let r = 0; r < rounds; r++) {
      const times = new Map<string, { wall: number; cpu: number }>();
      for (const variant of shuffle([...variants])) times.set(variant.key, loadMs(variant.file, variant.env ?? env));
      const bare = times.get('bare')!;
      rows.push(new Map([...times].map(([key, t]) => [key, key === 'bare' ? t : { wall: t.wall - bare.wall, cpu: t.cpu - bare.cpu }])));
      if ((r + 1) % 5 === 0) log(`  round ${r + 1}/${rounds}`);
    }

    const functions: FunctionColdStart[] = [];
    for (const name of Object.keys(built) as FunctionName[]) {
      const { handler, floor, imported, used, importedNames } = built[name];
      const wall = (key: string) => median(rows.map((row) => row.get(key)!.wall));
      /** Median over rounds of (a − b), both measured in the same round. */
      const pairedWall = (a: string, b: string) => median(rows.map((row) => row.get(a)!.wall - row.get(b)!.wall));
      const loaded = wall(name);
      const floorLoaded = wall(`${name}-floor`);
      const importedLoaded = wall(`${name}-imported`);
      const modulesLoaded = wall(`${name}-modules`);
      const noMapsLoaded = wall(`${name}-no-source-maps`);
      const gap = {
        unusedSdkClients: pairedWall(`${name}-imported`, `${name}-floor`),
        otherModules: pairedWall(`${name}-modules`, `${name}-imported`),
        init: pairedWall(name, `${name}-modules`),
        sourceMaps: pairedWall(name, `${name}-no-source-maps`),
      };
      const cpuLoaded = median(rows.map((row) => row.get(name)!.cpu));
      const cpuFloor = median(rows.map((row) => row.get(`${name}-floor`)!.cpu));
      const ratio = loaded / floorLoaded;
      const target = COLD_START_TARGETS[name];
      const floorPackages = bytesByPackage(floor.metafile);
      const extraPackages = [...bytesByPackage(handler.metafile)]
        .filter(([pkg]) => !floorPackages.has(pkg))
        .sort((a, b) => b[1] - a[1])
        .map(([pkg, bytes]) => ({ package: pkg, bytes }));
      const pass = ratio <= target;
      let diagnosis: string | undefined;
      if (!pass) {
        const unused = importedNames.filter((client) => !used.includes(client));
        const top = extraPackages.slice(0, 6).map((p) => `${p.package} ${(p.bytes / 1024).toFixed(0)} KB`).join(', ');
        diagnosis =
          `${(loaded - floorLoaded).toFixed(1)} ms above the floor (same-round differences): ` +
          (unused.length > 0
            ? `${gap.unusedSdkClients.toFixed(1)} ms loading SDK clients it never uses (` +
              unused.map((c) => `${CLIENT_PACKAGES[c]!.pkg}, imported by ${importersOf(handler.metafile, CLIENT_PACKAGES[c]!.pkg).join(' + ') || '?'}`).join('; ') +
              `), `
            : `no unused SDK clients, `) +
          `${gap.otherModules.toFixed(1)} ms evaluating its other modules, ` +
          `${gap.init.toFixed(1)} ms of handler init (config, client/logger/metrics construction). ` +
          `(--enable-source-maps costs this bundle ${gap.sourceMaps.toFixed(1)} ms; it is on for the floor too.) ` +
          `Largest packages beyond the floor: ${top}.`;
      }
      functions.push({
        function: name,
        entry: FUNCTIONS[name].entry,
        loadMs: round(loaded, 1),
        floorLoadMs: round(floorLoaded, 1),
        ratio: round(ratio, 2),
        target,
        pass,
        bundleBytes: handler.bytes,
        sourceMapBytes: handler.mapBytes,
        floorBundleBytes: floor.bytes,
        clientsUsed: used.map((client) => CLIENT_PACKAGES[client]!.pkg),
        clientsImported: importedNames.map((client) => CLIENT_PACKAGES[client]!.pkg),
        importedClientsLoadMs: round(importedLoaded, 1),
        modulesOnlyLoadMs: round(modulesLoaded, 1),
        withoutSourceMapsLoadMs: round(noMapsLoaded, 1),
        gapMs: {
          unusedSdkClients: round(gap.unusedSdkClients, 1),
          otherModules: round(gap.otherModules, 1),
          init: round(gap.init, 1),
          sourceMaps: round(gap.sourceMaps, 1),
        },
        cpuMs: { load: round(cpuLoaded, 1), floor: round(cpuFloor, 1), ratio: round(cpuLoaded / cpuFloor, 2) },
        importedClientsBundleBytes: imported.bytes,
        extraPackages,
        ...(diagnosis ? { diagnosis } : {}),
      });
    }
    return { rounds, bareNodeMs: round(median(rows.map((row) => row.get('bare')!.wall)), 1), bundling: STACK_BUNDLING, nodeOptions: STACK_NODE_OPTIONS, stackCheck: checkStackBundling(), functions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
