import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { isProviderName, providerNames, type ProviderName } from '../lambdas/core/registry';

/**
 * How every handler is bundled (esbuild, in-process at synth; `npm run bench` builds its bundles
 * with the same object): one minified CommonJS file for Node.js 22 with the AWS SDK inside.
 *
 * - CommonJS: a bundled CJS file loaded 7–15 ms faster at cold start than the same bundle as ESM
 *   (`npm run bench -- coldStart`).
 * - `external: []`: the AWS SDK is bundled instead of loaded from the runtime's node_modules — ≈ 85 ms
 *   of cold start against ≈ 121 ms, and the SDK version is the one in package-lock.json.
 * - A source map without the sources: stack traces name the TypeScript files, and the map Node
 *   parses at start (`--enable-source-maps`) stays small.
 */
export const HANDLER_BUNDLING = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: [] as string[],
} as const satisfies BuildOptions;

/** `NODE_OPTIONS` of every function: Node maps stack traces through the bundle's source map. */
export const HANDLER_NODE_OPTIONS = '--enable-source-maps';

/** The repository root: handler entries, the esbuild working directory and the root of every handler asset. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** The module of a registered provider: `lambdas/core/providers/<name>.ts`. */
export function providerModulePath(name: ProviderName): string {
  return path.join(REPO_ROOT, 'lambdas', 'core', 'providers', `${name}.ts`);
}

/** How the registry requires a provider's module: `require('./providers/<name>')`. */
const providerModuleSpecifier = (name: ProviderName) => `./providers/${name}`;

/**
 * The providers a bundle carries, in registry order, each once: the registered providers among
 * `providers`, or all of them. The order and the duplicates of `providers` (routes sharing a
 * provider) do not matter, so one set of providers always names one bundle. Throws for a name the
 * registry does not know.
 */
export function bundledProviders(providers?: readonly string[]): ProviderName[] {
  if (providers === undefined) return [...providerNames];
  const unknown = providers.filter((name) => !isProviderName(name));
  if (unknown.length > 0) throw new Error(`No provider ${unknown.map((name) => `"${name}"`).join(', ')} in lambdas/core/registry.ts`);
  return providerNames.filter((name) => providers.includes(name));
}

export interface HandlerBundleInput {
  /** Handler file exporting `handler`, relative to the repository root, e.g. `lambdas/handlers/verifier.ts`. */
  readonly entry: string;
  /** Where the bundle is written (its source map next to it). */
  readonly outfile: string;
  /**
   * The providers whose modules the bundle carries: the verifier's routes' providers, for a
   * deployment. Only the registry (`lambdas/core/registry.ts`) imports provider modules, so this
   * matters only to a bundle that contains it.
   * @default every registered provider
   */
  readonly providers?: readonly string[];
}

/**
 * The esbuild options of one handler bundle, for `build` and `buildSync` alike (the stack bundles
 * in CDK's synchronous local bundling, where esbuild runs no plugins): `HANDLER_BUNDLING`, with the
 * module of every provider left out of `providers` marked external.
 *
 * The registry loads each provider module with a `require` inside a function that only
 * `findProvider(name)` calls; the verifier calls it for its routes' providers alone, and its routes
 * (`HOOKRELAY_ROUTES`) are written from the same configuration at the same synth. An external
 * module stays out of the bundle: V8 does not parse it and Node does not read its source map at
 * cold start (`npm run bench -- coldStart` measures a verifier with 3 providers beside one with all
 * of them). Its loader keeps `require("./providers/<name>")`, which would fail with
 * MODULE_NOT_FOUND only if something called `findProvider` for that provider in this bundle.
 * External by the registry's own specifier, not by file path: esbuild writes an external file path
 * relative to the output directory, which would make the bundle depend on where it is written.
 */
export function handlerBuildOptions(input: HandlerBundleInput): BuildOptions & typeof HANDLER_BUNDLING {
  const carried = new Set(bundledProviders(input.providers));
  const leftOut = providerNames.filter((name) => !carried.has(name));
  // A module not at `providers/<name>.ts` would not be matched by its specifier, and stay in.
  const misplaced = leftOut.map(providerModulePath).filter((file) => !existsSync(file));
  if (misplaced.length > 0) throw new Error(`Provider modules not found where the registry's names put them: ${misplaced.join(', ')}`);
  return {
    ...HANDLER_BUNDLING,
    external: [...HANDLER_BUNDLING.external, ...leftOut.map(providerModuleSpecifier)],
    entryPoints: [path.join(REPO_ROOT, input.entry)],
    outfile: input.outfile,
    absWorkingDir: REPO_ROOT,
  };
}
