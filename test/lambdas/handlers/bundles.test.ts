import path from 'node:path';
import { build } from 'esbuild';
import { handlerBuildOptions } from '../../../lib/bundling';

const ROOT = path.resolve(__dirname, '../../..');

/** The input files with code in a handler's bundle, built as the stack builds it (without writing it). */
async function bundledInputs(entry: string): Promise<string[]> {
  const result = await build({ ...handlerBuildOptions({ entry, outfile: path.join(ROOT, 'cdk.out', 'bundles-test.js') }), write: false, metafile: true, logLevel: 'error' });
  const inputs = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs));
  // Imported, then shaken out: no code in the bundle.
  return inputs.filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([input]) => input);
}

/** The packages with code in a handler's bundle. */
async function bundledPackages(entry: string): Promise<Set<string>> {
  return packagesOf(await bundledInputs(entry));
}

function packagesOf(inputs: readonly string[]): Set<string> {
  const packages = new Set<string>();
  for (const input of inputs) {
    const parts = input.split('/');
    const at = parts.lastIndexOf('node_modules');
    if (at >= 0) packages.add(parts[at + 1]!.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1]!);
  }
  return packages;
}

/**
 * What a cold start evaluates is what the bundle carries: code most requests never need stays out
 * of it (`npm run bench -- coldStart` measures what each package costs).
 */
describe('Lambda bundles', () => {
  it('the verifier carries no S3 client (the claim check loads the runtime SDK on first use) and no client it never calls', async () => {
    // Act
    const packages = await bundledPackages('lambdas/handlers/verifier.ts');

    // Assess
    expect(packages).toContain('@aws-sdk/client-dynamodb');
    expect([...packages].filter((pkg) => ['@aws-sdk/client-s3', '@aws-sdk/client-sns', '@aws-sdk/middleware-sdk-s3'].includes(pkg))).toEqual([]);
  });

  it("the processor carries zod/mini, not full zod, none of the verifier's route schemas, and no client it never calls", async () => {
    // Act
    const inputs = await bundledInputs('lambdas/handlers/processor.ts');
    const packages = packagesOf(inputs);

    // Assess: full zod (its classic API and locales) costs ≈ 55 ms of cold start, zod/mini ≈ 5 ms
    expect(packages).toContain('@aws-sdk/client-sns');
    expect(inputs.filter((input) => input.includes('node_modules/zod/v4/mini/')).length).toBeGreaterThan(0);
    expect(inputs.filter((input) => /node_modules\/zod\/v4\/(classic|locales)\//.test(input))).toEqual([]);
    expect(inputs.filter((input) => ['lambdas/runtime-config.ts', 'lambdas/routes.ts'].includes(input))).toEqual([]);
    expect([...packages].filter((pkg) => ['@aws-sdk/client-s3', '@aws-sdk/client-sqs', '@aws-sdk/client-secrets-manager'].includes(pkg))).toEqual([]);
  });
});
