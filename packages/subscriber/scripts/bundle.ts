import { build, type Metafile } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Minimal subscribers, as a user writes them: one typed handler; the second also deduplicates. */
export const MINIMAL_HANDLERS = {
  minimal: `import { createSubscriber } from '@hookrelay/subscriber';
export const handler = createSubscriber()
  .on('stripe', 'invoice.paid', (event) => { console.log(event.payload.data.object.id); })
  .handler;
`,
  withIdempotency: `import { createSubscriber } from '@hookrelay/subscriber';
export const handler = createSubscriber({ idempotency: { tableName: process.env.IDEMPOTENCY_TABLE_NAME } })
  .on('stripe', 'invoice.paid', (event) => { console.log(event.payload.data.object.id); })
  .handler;
`,
} as const;

export interface BundleResult {
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
  cleanup(): void;
}

/**
 * Bundles `source` as NodejsFunction does for a CommonJS function (esbuild, platform node, minified),
 * from a folder inside this repository so `@hookrelay/subscriber` resolves as in a user's project.
 * `external`: `['@aws-sdk/*']` is NodejsFunction's default (the runtime's SDK); `[]` bundles it.
 */
export async function bundleHandler(source: string, external: string[]): Promise<BundleResult> {
  const directory = mkdtempSync(path.join(path.resolve(__dirname, '..'), '.bundle-'));
  const entry = path.join(directory, 'handler.ts');
  writeFileSync(entry, source);
  const file = path.join(directory, 'index.js');
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    external,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.metafile.outputs[path.relative(process.cwd(), file)]?.bytes ?? Object.values(result.metafile.outputs)[0]!.bytes;
  return { file, bytes, metafile: result.metafile, cleanup: () => rmSync(directory, { recursive: true, force: true }) };
}

/** Bytes of the output by package (`@aws-lambda-powertools/batch`, `zod`, `(this package)`…), largest first. */
export function bytesByPackage(metafile: Metafile): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match ? match[1]! : input.includes('packages/subscriber/') ? '@hookrelay/subscriber' : 'handler';
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
