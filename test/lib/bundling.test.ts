import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { build, type Metafile } from 'esbuild';
import { findProvider, providerNames } from '../../lambdas/core/registry';
import { bundledProviders, handlerBuildOptions, providerModulePath } from '../../lib/bundling';
import { loadConfig } from '../../lib/config/load-config';
import type { HookrelayConfigInput } from '../../lib/config/schema';
import type { WebhookFunction } from '../../lib/constructs/webhook-function';
import { WebhookStack } from '../../lib/webhook-stack';
import { providerModulesAmong, providerModulesOfBundle } from '../helpers/bundle-contents';

const registered = (names: readonly string[]) => names.filter((name) => (providerNames as readonly string[]).includes(name));

/** The registered providers' modules with code in a build (shared helpers in `providers/` left aside). */
function providersIn(metafile: Metafile): string[] {
  const inputs = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs));
  return registered(providerModulesAmong(inputs.filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([input]) => input)));
}

describe('Function: bundledProviders', () => {
  it.each([
    { case: 'no list: every registered provider, in registry order', providers: undefined, expected: providerNames },
    { case: 'routes in any order, sharing a provider: each once, in registry order', providers: ['github', 'stripe', 'github'], expected: ['stripe', 'github'] },
  ])('$case', ({ providers, expected }) => {
    // Act
    const carried = bundledProviders(providers);

    // Assess
    expect(carried).toEqual(expected);
  });

  it('refuses a name the registry does not know', () => {
    // Act + Assess
    expect(() => bundledProviders(['stripe', 'strype'])).toThrow('No provider "strype" in lambdas/core/registry.ts');
  });
});

describe('Function: providerModulePath', () => {
  it("is the module the registry loads for every provider: the file named after it exports it under its name", () => {
    // Act
    const mismatched = providerNames.filter((name) => (require(providerModulePath(name)) as Record<string, unknown>)[name] !== findProvider(name));

    // Assess
    expect(mismatched).toEqual([]);
  });
});

describe('Function: handlerBuildOptions', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookrelay-bundling-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const buildEntry = (entry: string, providers: readonly string[]) =>
    build({ ...handlerBuildOptions({ entry, outfile: path.join(dir, 'unused.js'), providers }), write: false, metafile: true, logLevel: 'error' });

  // The default deployment's verifier, every provider in it, is checked on the real synth (test/bin/cdk-synth.test.ts).
  it('bundles the verifier with only the listed providers, byte for byte the same whatever their order', async () => {
    // Act
    const [two, again] = await Promise.all([buildEntry('lambdas/handlers/verifier.ts', ['stripe', 'github']), buildEntry('lambdas/handlers/verifier.ts', ['github', 'stripe'])]);

    // Assess
    expect(providersIn(two.metafile)).toEqual(['github', 'stripe']);
    expect(two.outputFiles.map((file) => file.hash)).toEqual(again.outputFiles.map((file) => file.hash));
  });

  it('refuses a provider the registry does not know', () => {
    // Act + Assess
    expect(() => handlerBuildOptions({ entry: 'lambdas/handlers/verifier.ts', outfile: 'unused.js', providers: ['nope'] })).toThrow('No provider "nope"');
  });

  it("runs a verifier bundled with its routes' providers: their modules load from the bundle, a route it does not have is refused 404", async () => {
    // Prepare
    const outfile = path.join(dir, 'verifier', 'index.js');
    await build({ ...handlerBuildOptions({ entry: 'lambdas/handlers/verifier.ts', outfile, providers: ['stripe', 'github'] }), logLevel: 'error' });
    const invoke = `
      const { handler } = require(${JSON.stringify(outfile)});
      const request = (httpMethod, resource) => ({ httpMethod, resource, path: resource, headers: {}, multiValueHeaders: {}, body: httpMethod === 'POST' ? '{}' : null, isBase64Encoded: false, requestContext: { identity: { sourceIp: '203.0.113.10' } } });
      Promise.all([handler(request('GET', '/health'), {}), handler(request('POST', '/webhooks/shopify'), {})])
        .then((answers) => process.stderr.write('ANSWERS ' + JSON.stringify(answers)));`;

    // Act
    const run = spawnSync(process.execPath, ['-e', invoke], {
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        PATH: process.env['PATH'],
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        HOOKRELAY_ROUTES: JSON.stringify({ stripe: {}, github: {} }),
        HOOKRELAY_QUEUE_URL_PREFIX: 'https://sqs.us-east-1.amazonaws.com/123456789012/hookrelay-dev-',
        HOOKRELAY_SECRET_NAME_PREFIX: 'hookrelay-dev/',
        IDEMPOTENCY_TABLE_NAME: 'hookrelay-dev-idempotency',
      },
    });

    // Assess
    const answers = JSON.parse(/ANSWERS (.*)$/m.exec(run.stderr)?.[1] ?? 'null') as Array<{ statusCode: number; body: string }> | null;
    expect(answers?.map((answer) => [answer.statusCode, JSON.parse(answer.body)])).toEqual([
      [200, expect.objectContaining({ routes: [expect.objectContaining({ route: 'stripe', provider: 'stripe' }), expect.objectContaining({ route: 'github', provider: 'github' })] })],
      [404, expect.objectContaining({ code: 'UNKNOWN_PROVIDER' })],
    ]);
  });
});

/**
 * One app, bundling on: each stack's verifier is bundled with its routes' providers, and one set of
 * providers is one asset whatever the routes.
 */
describe('Stack: WebhookStack (verifier bundle)', () => {
  // Asset metadata on, as the CLI sets it: each function names its asset's directory.
  const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stackOf = (stackName: string, routes: HookrelayConfigInput['routes']) => new WebhookStack(app, stackName, { config: loadConfig('dev', { stackName, routes }) });
  const stacks = {
    stripeAndGithub: stackOf('hookrelay-two', { stripe: {}, github: {} }),
    sameProvidersOtherRoutes: stackOf('hookrelay-three', { github: {}, 'stripe-eu': { provider: 'stripe' }, stripe: {} }),
    stripeOnly: stackOf('hookrelay-one', { stripe: {} }),
  };
  let assembly: ReturnType<App['synth']>;
  beforeAll(() => {
    assembly = app.synth();
  }, 60_000);

  /** The asset directory of a function's code. */
  function assetOf(fn: WebhookFunction): string {
    const resources = Template.fromStack(fn.stack).toJSON()['Resources'] as Record<string, { Metadata: Record<string, string> }>;
    return path.join(assembly.directory, resources[fn.stack.getLogicalId(fn.node.defaultChild as CfnElement)]!.Metadata['aws:asset:path']!);
  }
  const verifierAsset = (stack: WebhookStack) => assetOf(stack.verifier);

  it("carries only the routes' providers: stripe and github in, the other modules left out", () => {
    // Act
    const contents = providerModulesOfBundle(verifierAsset(stacks.stripeAndGithub));

    // Assess
    expect(registered(contents.carried)).toEqual(['github', 'stripe']);
    expect(contents.leftOut).toEqual(providerNames.filter((name) => !['stripe', 'github'].includes(name)).sort());
  });

  it('gives stacks with the same providers the same verifier asset, and stacks with other providers another', () => {
    // Act
    const two = verifierAsset(stacks.stripeAndGithub);
    const sameProviders = verifierAsset(stacks.sameProvidersOtherRoutes);
    const one = verifierAsset(stacks.stripeOnly);

    // Assess
    expect(path.basename(sameProviders)).toBe(path.basename(two));
    expect(path.basename(one)).not.toBe(path.basename(two));
    expect(registered(providerModulesOfBundle(one).carried)).toEqual(['stripe']);
  });

  it('gives the processors of every stack one asset, with no provider module in it', () => {
    // Act
    const processorAssets = new Set(Object.values(stacks).flatMap((stack) => stack.pipelines.map((pipeline) => assetOf(pipeline.processor))));

    // Assess
    expect(processorAssets.size).toBe(1);
    expect(providerModulesOfBundle([...processorAssets][0]!).carried).toEqual([]);
  });
});
