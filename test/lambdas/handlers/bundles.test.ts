import path from 'node:path';
import { build } from 'esbuild';
import { HANDLER_BUNDLING } from '../../../lib/bundling';

const ROOT = path.resolve(__dirname, '../../..');

/** The packages with code in a handler's bundle, built as the stack builds it (without writing it). */
async function bundledPackages(entry: string): Promise<Set<string>> {
  const result = await build({ ...HANDLER_BUNDLING, entryPoints: [path.join(ROOT, entry)], outfile: path.join(ROOT, 'cdk.out', 'bundles-test.js'), write: false, metafile: true, logLevel: 'error', absWorkingDir: ROOT });
  const packages = new Set<string>();
  const inputs = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs));
  for (const [input, { bytesInOutput }] of inputs) {
    if (bytesInOutput === 0) continue; // imported, then shaken out
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

  it('the processor carries no schema library and no client it never calls', async () => {
    // Act
    const packages = await bundledPackages('lambdas/handlers/processor.ts');

    // Assess
    expect(packages).toContain('@aws-sdk/client-sns');
    expect([...packages].filter((pkg) => ['zod', '@aws-sdk/client-s3', '@aws-sdk/client-sqs', '@aws-sdk/client-secrets-manager'].includes(pkg))).toEqual([]);
  });
});
