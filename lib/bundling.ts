import type { BuildOptions } from 'esbuild';

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
