import { Stack } from 'aws-cdk-lib';
import { LAMBDA_ENVIRONMENT_LIMIT_BYTES, worstCaseString } from '../../lib/aws-limits';
import { loadConfig } from '../../lib/config/load-config';
import type { HookrelayConfig, ProviderConfig } from '../../lib/config/schema';
import { WebhookStack } from '../../lib/webhook-stack';
import { testApp } from './synth';

/** 28 route names as long as real senders' names (and some longer). */
const ROUTE_NAMES = [
  'stripe', 'github', 'shopify', 'slack', 'twilio', 'sendgrid', 'standard', 'generic',
  'paddle', 'discord', 'linear', 'hubspot', 'square', 'workos', 'clerk', 'resend',
  'adyen', 'razorpay', 'box', 'mailgun', 'postmark', 'intercom', 'zendesk', 'pagerduty',
  'bitbucket', 'gitlab', 'docusign', 'calendly',
];

/**
 * The dev configuration with `count` routes instead of the registry's, each with the settings of
 * a busy deployment: a few routes with a tolerance, a body limit, an existing secret, a signed URL
 * and options. Built past the schema (which knows only registered providers): the stack loops over
 * whatever routes it is given.
 */
function configWithRoutes(count: number, settings: (name: string, index: number) => Partial<ProviderConfig> = () => ({})): HookrelayConfig {
  const base = loadConfig('dev', {});
  const template = base.providers[0]!;
  const providers = ROUTE_NAMES.slice(0, count).map((name, index) => ({ ...template, name, ...settings(name, index) }) as ProviderConfig);
  return { ...base, enabledProviders: providers.map((p) => p.name), providers };
}

const busyRoute = (name: string, index: number): Partial<ProviderConfig> =>
  index % 4 === 0
    ? {
        toleranceSeconds: 600,
        maxBodyBytes: 2_097_152,
        existingSecret: { arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhooks/${name}-AbCdEf` },
        signedUrl: `https://hooks.example.com/webhooks/${name}?account=AC0123456789abcdef`,
      }
    : {};

const stackWith = (config: HookrelayConfig) => new WebhookStack(testApp(), config.stackName, { config });

/** 28 busy routes: built once, read by the environment and the template checks. */
let busyStack: WebhookStack | undefined;
const busy28 = () => (busyStack ??= stackWith(configWithRoutes(28, busyRoute)));

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

    it('fails synth when the routes cannot fit, naming the routes by the bytes each takes', () => {
      // Prepare: generic HMAC options on every route, 160 bytes each
      const options = { signatureHeader: 'X-Partner-Webhook-Signature-SHA256', timestampHeader: 'X-Partner-Webhook-Timestamp', signedContent: '{timestamp}.{body}', algorithm: 'sha256' };
      const stack = stackWith(configWithRoutes(28, (name, index) => ({ ...busyRoute(name, index), options })));

      // Act
      const problems = stack.verifier.node.validate();

      // Assess
      expect(problems).toEqual([
        expect.stringMatching(/^The environment of hookrelay-verifier \(hookrelay-dev\/Verifier\) can take \d+ bytes; Lambda allows 4096\. Largest variables, in bytes: HOOKRELAY_ROUTES \d+/),
      ]);
      // The routes with the most settings come first: the ones to trim.
      expect(problems[0]).toMatch(/HOOKRELAY_ROUTES by entry: (?:(?:stripe|twilio|paddle|square|adyen|postmark|bitbucket) \d+, ){7}\w+ \d+/);
      for (const name of ROUTE_NAMES) expect(problems[0]).toContain(` ${name} `);
    });

    it('counts every reference at the longest value it can take (a generated table name at 255 characters)', () => {
      // Prepare
      const stack = stackWith(configWithRoutes(1));

      // Act
      const { resolved } = stack.verifier.worstCaseEnvironment();

      // Assess
      expect(resolved['IDEMPOTENCY_TABLE_NAME']).toHaveLength(255);
      expect(resolved['HOOKRELAY_QUEUE_URL_PREFIX']).toMatch(/^https:\/\/sqs\.x{20}\.x{20}\/x{12}\/hookrelay-dev-$/);
    });

    it('refuses to guess the length of a reference it has no maximum for', () => {
      // Prepare
      const stack = new Stack(testApp(), 'Unknown');

      // Act & Assess
      expect(() => worstCaseString(stack, stack.resolve({ 'Fn::ImportValue': 'x' }))).toThrow(/cannot estimate the longest value of \{"Fn::ImportValue":"x"\}/);
    });
  });

  describe('the template (CloudFormation: 500 resources, 200 outputs)', () => {
    it('fits the eight built-in providers', () => {
      expect(stackWith(loadConfig('dev', {})).node.validate()).toEqual([]);
    });

    it.each([
      { archive: true, routes: 19, problems: 0 },
      { archive: true, routes: 20, problems: 1 },
      { archive: false, routes: 21, problems: 0 },
      { archive: false, routes: 22, problems: 1 },
    ])('holds at most 19 routes in one stack with the archive, 21 without (archive $archive, $routes routes: $problems problems)', ({ archive, routes, problems }) => {
      const config = configWithRoutes(routes);
      expect(stackWith({ ...config, archive: { ...config.archive, enabled: archive } }).node.validate()).toHaveLength(problems);
    });

    it('fails synth for 28 routes in one stack, which CloudFormation would refuse, saying how to split them', () => {
      // Act
      const problems = busy28().node.validate();

      // Assess
      expect(problems).toEqual([
        expect.stringMatching(
          /^hookrelay-dev has \d{3} resources; CloudFormation allows 500 per stack\. With 28 routes, split the providers across stacks: each stack its own stackName and enabledProviders\.$/,
        ),
        expect.stringMatching(/^hookrelay-dev has \d{3} outputs; CloudFormation allows 200 per stack\./),
      ]);
    });
  });
});
