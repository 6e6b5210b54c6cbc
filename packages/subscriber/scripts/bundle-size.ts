/**
 * `npx tsx packages/subscriber/scripts/bundle-size.ts`: the esbuild bundle of a minimal subscriber
 * (one typed handler), with and without deduplication, with the AWS SDK external (NodejsFunction's
 * default: the runtime's SDK) and bundled; and the time to load each bundle (`require`), median of
 * interleaved runs above a bare `node -e 0`.
 */
import { execFileSync } from 'node:child_process';
import { bundleHandler, bytesByPackage, MINIMAL_HANDLERS } from './bundle';

const RUNS = Number(process.env['RUNS'] ?? 15);

function loadMs(file: string | undefined): number {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, ['-e', file ? `require(${JSON.stringify(file)})` : '0'], {
    env: { ...process.env, IDEMPOTENCY_TABLE_NAME: 't', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const variants = [];
  for (const [name, source] of Object.entries(MINIMAL_HANDLERS)) {
    for (const [sdk, external] of [['SDK external', ['@aws-sdk/*']], ['SDK bundled', []]] as const) {
      variants.push({ name: `${name}, ${sdk}`, bundle: await bundleHandler(source, [...external]) });
    }
  }
  const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const variant of variants) {
      const bare = loadMs(undefined);
      samples.get(variant.name)!.push(loadMs(variant.bundle.file) - bare);
    }
  }
  console.log(`node ${process.version}, ${RUNS} interleaved runs; load = require(bundle) − node -e 0, median`);
  for (const variant of variants) {
    const top = bytesByPackage(variant.bundle.metafile)
      .slice(0, 5)
      .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`)
      .join(', ');
    console.log(`${variant.name.padEnd(34)} ${(variant.bundle.bytes / 1024).toFixed(1).padStart(7)} KB  load ${median(samples.get(variant.name)!).toFixed(1).padStart(6)} ms   ${top}`);
    variant.bundle.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
