import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack, type App } from 'aws-cdk-lib';
import { providerNames } from '../../lambdas/core/registry';
import {
  CLOUDFORMATION_MAX_OUTPUTS,
  CLOUDFORMATION_MAX_PARAMETERS,
  CLOUDFORMATION_MAX_RESOURCES,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  stacksOf,
  templateCounts,
  worstCaseString,
} from '../../lib/aws-limits';
import { loadConfig } from '../../lib/config/load-config';
import { WebhookStack } from '../../lib/webhook-stack';
import { busyRoute, configWithProviders, postOnly, PROVIDER_NAMES, PUBLISHED_ALLOWLISTS, stackWith, withPublishedAllowlists } from './scale';
import { logicalIdOf, synthesizeConfig, testApp, type SynthesizedStage } from './synth';

/**
 * What the archive (on by default) adds to the root stack besides a subscription per provider, and
 * the three saved Logs Insights queries.
 */
const ARCHIVE_OUTPUTS = 4;
const ARCHIVE_RESOURCES = 20 + 3;

/** 28 busy routes: built once, read by the environment checks. */
let busyStack: WebhookStack | undefined;
const busy28 = () => (busyStack ??= stackWith(configWithProviders(28, busyRoute)));

/**
 * Synthesizes `stack`'s app with validation skipped — so that a stack over a limit still yields its
 * templates — and returns the limit problems validation would report, with each stack's counts.
 */
function synthesizeAndCount(stack: WebhookStack) {
  const assembly = (stack.node.root as App).synth({ skipValidation: true });
  return {
    problems: stack.node.validate(),
    counts: stacksOf(stack).map(templateCounts),
    rootTemplateBytes: Buffer.byteLength(readFileSync(path.join(assembly.directory, stack.templateFile))),
  };
}

/** 40 providers, synthesized once for the limit and the permission checks. */
let synthesized40: SynthesizedStage | undefined;
const providers40 = () => (synthesized40 ??= synthesizeConfig(configWithProviders(40), { providerMethods: postOnly }));

describe('Limits AWS enforces at deploy, checked at synth', () => {
  describe("the verifier's environment (Lambda: 4 KB)", () => {
    it('fits 28 routes, a quarter of them with a tolerance, body limit, existing secret and signed URL, at worst-case token lengths', () => {
      // Act
      const stack = busy28();

      // Assess
      const { bytes, resolved } = stack.verifier.worstCaseEnvironment();
      expect(Object.keys(JSON.parse(resolved['HOOKRELAY_ROUTES']!))).toHaveLength(28);
      expect(bytes).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
      expect(stack.verifier.node.validate()).toEqual([]);
    });

    it("fits 28 routes on an HTTP API, which hands the allowlists of Stripe and GitHub (their published ranges) to the verifier", () => {
      // Prepare: Stripe's 12 webhook addresses and GitHub's 6 hook ranges, as their docs publish them.
      const config = withPublishedAllowlists();
      const onRest = stackWith(config).verifier.worstCaseEnvironment();

      // Act
      const onHttp = stackWith({ ...config, api: { ...config.api, type: 'http' } }).verifier.worstCaseEnvironment();

      // Assess: the lists cost their JSON on an HTTP API only (the REST API's resource policy holds them).
      const routes = JSON.parse(onHttp.resolved['HOOKRELAY_ROUTES']!) as Record<string, { allowedSourceCidrs?: string[] }>;
      expect({ stripe: routes['stripe']?.allowedSourceCidrs, github: routes['github']?.allowedSourceCidrs }).toEqual(PUBLISHED_ALLOWLISTS);
      const restRoutes = JSON.parse(onRest.resolved['HOOKRELAY_ROUTES']!) as Record<string, unknown>;
      expect({ stripe: restRoutes['stripe'], github: restRoutes['github'] }).toEqual({ stripe: {}, github: {} });
      expect(onHttp.bytes).toBeGreaterThan(onRest.bytes);
      expect(onHttp.bytes).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_LIMIT_BYTES / 2);
    });

    it('fails synth when the routes cannot fit, naming the routes by the bytes each takes', () => {
      // Prepare: generic HMAC options on every route, 160 bytes each
      const options = { signatureHeader: 'X-Partner-Webhook-Signature-SHA256', timestampHeader: 'X-Partner-Webhook-Timestamp', signedContent: '{timestamp}.{body}', algorithm: 'sha256' };
      const stack = stackWith(configWithProviders(28, (name, index) => ({ ...busyRoute(name, index), options })));

      // Act
      const problems = stack.verifier.node.validate();

      // Assess
      expect(problems).toEqual([
        expect.stringMatching(/^The environment of hookrelay-verifier \(hookrelay-dev\/Verifier\) can take \d+ bytes; Lambda allows 4096\. Largest variables, in bytes: HOOKRELAY_ROUTES \d+/),
      ]);
      // The routes with the most settings come first: the ones to trim.
      const busiest = PROVIDER_NAMES.slice(0, 28).filter((_, index) => index % 4 === 0);
      expect(problems[0]).toMatch(new RegExp(`HOOKRELAY_ROUTES by entry: (?:(?:${busiest.join('|')}) \\d+, ){7}[\\w-]+ \\d+`));
      for (const name of PROVIDER_NAMES.slice(0, 28)) expect(problems[0]).toContain(` ${name} `);
    });

    it('counts every reference at the longest value it can take (a generated table name at 255 characters)', () => {
      // Prepare
      const stack = stackWith(configWithProviders(1));

      // Act
      const { resolved } = stack.verifier.worstCaseEnvironment();

      // Assess
      expect(resolved['IDEMPOTENCY_TABLE_NAME']).toHaveLength(255);
      expect(resolved['HOOKRELAY_QUEUE_URL_PREFIX']).toMatch(/^https:\/\/sqs\.x{20}\.x{20}\/x{12}\/hookrelay-dev-$/);
    });

    it("follows a nested stack's parameter to the value the root stack passes: a processor's table name counts as the root table's", () => {
      // Prepare
      const stack = stackWith(configWithProviders(1));
      (stack.node.root as App).synth({ skipValidation: true });

      // Act
      const { resolved } = stack.pipelines[0]!.processor.worstCaseEnvironment();

      // Assess
      expect(resolved['IDEMPOTENCY_TABLE_NAME']).toHaveLength(255);
      expect(stack.pipelines[0]!.processor.node.validate()).toEqual([]);
    });

    it('refuses to guess the length of a reference it has no maximum for', () => {
      // Prepare
      const stack = new Stack(testApp(), 'Unknown');

      // Act & Assess
      expect(() => worstCaseString(stack, stack.resolve({ 'Fn::ImportValue': 'x' }))).toThrow(/cannot estimate the longest value of \{"Fn::ImportValue":"x"\}/);
    });
  });

  describe('the templates (CloudFormation, per stack: 500 resources, 200 outputs, 200 parameters)', () => {
    it('passes every check for the default deployment: one route per registered provider, each stack within every limit', () => {
      // Act
      const { problems, counts } = synthesizeAndCount(new WebhookStack(testApp(), 'hookrelay-dev', { config: loadConfig('dev', {}) }));

      // Assess
      expect(problems).toEqual([]);
      expect(counts).toHaveLength(1 + providerNames.length);
      expect(counts[0]).toMatchObject({ outputs: 4 * providerNames.length + 5 + ARCHIVE_OUTPUTS });
      for (const stack of counts) expect(stack.resources).toBeLessThanOrEqual(CLOUDFORMATION_MAX_RESOURCES);
    });

    it.each([{ providers: 28 }, { providers: 40 }])(
      'fits $providers providers in one deployment: the root stack and each nested stack within every limit',
      ({ providers }) => {
        // Act
        const { problems, counts, rootTemplateBytes } = synthesizeAndCount(providers === 40 ? providers40().stack : stackWith(configWithProviders(providers)));

        // Assess
        expect(problems).toEqual([]);
        const [root, ...nested] = counts;
        expect(nested).toHaveLength(providers);
        for (const stack of counts) {
          expect(stack.resources).toBeLessThanOrEqual(CLOUDFORMATION_MAX_RESOURCES);
          expect(stack.outputs).toBeLessThanOrEqual(CLOUDFORMATION_MAX_OUTPUTS);
          expect(stack.parameters).toBeLessThanOrEqual(CLOUDFORMATION_MAX_PARAMETERS);
        }
        // Per provider with one route, the root holds its nested stack, the route's API resource and
        // method, and four outputs (URL, secret, topic, queues); its own stack the rest.
        expect(root!.outputs).toBe(4 * providers + 5 + ARCHIVE_OUTPUTS);
        // (36 shared resources, and the archive's with its subscription to each provider's topic; CDK
        // adds a managed policy to the verifier's role past about 35 providers)
        expect(root!.resources).toBeGreaterThanOrEqual(36 + ARCHIVE_RESOURCES + 4 * providers);
        expect(root!.resources).toBeLessThanOrEqual(37 + ARCHIVE_RESOURCES + 4 * providers);
        expect(new Set(nested.map((stack) => stack.resources))).toEqual(new Set([19]));
        // CloudFormation reads a template of at most 1 MB from S3.
        expect(rootTemplateBytes).toBeLessThan(1_000_000);
      },
    );

    it('fails synth when a stack exceeds a limit, naming the stack, the count and how to split the routes', () => {
      // Prepare: 100 routes of one provider — 211 outputs in the root (two per route, two for the
      // provider, five shared, the archive's), and in the provider's stack an output per route's
      // secret and alarm for the root stack to read
      const routes = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`partner-${index}`, { provider: 'generic' }]));
      const rootOutputs = 2 * 100 + 2 + 5 + ARCHIVE_OUTPUTS;
      const stack = new WebhookStack(testApp(), 'hookrelay-dev', { config: loadConfig('dev', { routes }) });

      // Act
      const { problems } = synthesizeAndCount(stack);

      // Assess
      const hint = 'Each route adds its API resource and method\\(s\\) and two outputs here, each provider a nested stack and two outputs: with 100 routes of 1 providers, split the routes across stacks, each its own stackName and routes\\.';
      expect(problems).toEqual([
        expect.stringMatching(new RegExp(`^hookrelay-dev has ${rootOutputs} outputs; CloudFormation allows 200 per stack\\. ${hint}$`)),
        expect.stringMatching(new RegExp(`^hookrelay-dev/GenericPipeline has 2\\d\\d outputs; CloudFormation allows 200 per stack\\. ${hint}$`)),
      ]);
    });
  });

  describe("the verifier's permissions at scale", () => {
    it('lets the verifier send to exactly each queue and read exactly each secret of 40 providers, wherever CDK puts the statements', () => {
      // Prepare
      const synthesized = providers40();
      const role = synthesized.stack.verifier.executionRole;
      // With 80 ARNs, each estimated at 150 characters, CDK moves statements into managed policies
      // (IAM allows 10,240 characters of inline policy per role); the statements stay the same.
      const documents = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) =>
        Object.values(synthesized.template.findResources(type)).filter((policy) => JSON.stringify(policy['Properties'].Roles) === JSON.stringify([{ Ref: logicalIdOf(role) }])),
      );
      const statements = documents.flatMap((policy) => synthesized.throughNestedOutputs(policy['Properties'].PolicyDocument.Statement) as Array<{ Action: string; Resource: unknown }>);
      const resourcesOf = (action: string) => statements.filter((statement) => statement.Action === action).flatMap((statement) => [statement.Resource].flat());

      // Act & Assess
      expect(resourcesOf('sqs:SendMessage')).toEqual(synthesized.stack.pipelines.map((pipeline) => ({ 'Fn::GetAtt': [logicalIdOf(pipeline.queue), 'Arn'] })));
      expect(resourcesOf('secretsmanager:GetSecretValue')).toEqual([...synthesized.stack.routeSecrets.values()].map((secret) => ({ Ref: logicalIdOf(secret.secret) })));
    });
  });
});
