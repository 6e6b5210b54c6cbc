import { providerNames } from '../../lambdas/core/registry';
import {
  DEFAULT_IDEMPOTENCY_WINDOW_SECONDS,
  DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES,
  DEFAULT_SECRETS_MAX_STALE_SECONDS,
  DEFAULT_SECRETS_REFRESH_SECONDS,
} from '../../lambdas/runtime-config';
import { ConfigError, loadConfig } from '../../lib/config/load-config';
import { everyProviderRoutes, MAX_BODY_BYTES_LIMIT, type HookrelayConfigInput } from '../../lib/config/schema';
import { stageConfigs } from '../../lib/config/webhooks';

/** The problems `loadConfig` reports for `input`, or [] when it is valid. */
function problemsOf(input: HookrelayConfigInput, stage = 'dev'): readonly string[] {
  try {
    loadConfig(stage, input);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('Function: loadConfig', () => {
  describe('defaults', () => {
    it('declares one route per provider in the registry, named after it, in registry order', () => {
      // Act
      const config = loadConfig('dev', {});

      // Assess
      expect(config.routes.map((route) => [route.name, route.provider])).toEqual(providerNames.map((name) => [name, name]));
      expect(config.providers).toEqual(providerNames);
    });

    it('applies the documented defaults, sharing them with the handlers where both have one', () => {
      // Act
      const config = loadConfig('dev', {});

      // Assess
      expect(config).toMatchObject({
        stackName: 'hookrelay-dev',
        idempotencyWindowSeconds: DEFAULT_IDEMPOTENCY_WINDOW_SECONDS,
        largePayloadThresholdBytes: DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES,
        secrets: { refreshSeconds: DEFAULT_SECRETS_REFRESH_SECONDS, maxStaleSeconds: DEFAULT_SECRETS_MAX_STALE_SECONDS },
        payloadRetentionDays: 30,
        api: { type: 'rest', throttling: { rateLimit: 200, burstLimit: 400 }, manageCloudWatchRole: true },
        verifier: { timeoutSeconds: 10, memorySize: 512 },
        pipeline: {
          maxReceiveCount: 5,
          processorTimeoutSeconds: 30,
          processorMemorySize: 256,
          processorMaxConcurrency: 5,
          batchSize: 10,
          maxBatchingWindowSeconds: 0,
          visibilityTimeoutSeconds: 180,
          queueRetentionDays: 4,
        },
        logging: { level: 'INFO' },
        tracing: false,
        waf: { enabled: false, rateLimitPerFiveMinutes: 10_000 },
        pointInTimeRecovery: true,
      });
      expect(config.verifier.reservedConcurrency).toBeUndefined();
      expect(config.customDomain).toBeUndefined();
      for (const route of config.routes) {
        expect(route).toMatchObject({ throttling: { rateLimit: 100, burstLimit: 200 }, allowedSourceCidrs: [] });
        expect(route.toleranceSeconds).toBeUndefined();
        expect(route.maxBodyBytes).toBeUndefined(); // the provider module's own limit applies
        expect(route.secret).toBeUndefined(); // a created secret
      }
    });

    it.each([
      { stage: 'dev', retainData: false, deletionProtection: false, retentionDays: 30 },
      { stage: 'prod', retainData: true, deletionProtection: true, retentionDays: 365 },
    ])('retains data and protects the table only in prod ($stage)', ({ stage, retainData, deletionProtection, retentionDays }) => {
      // Act
      const config = loadConfig(stage, {});

      // Assess
      expect(config).toMatchObject({ retainData, deletionProtection, logging: { retentionDays } });
    });

    it('derives the visibility timeout from the processor timeout and batching window', () => {
      // Act
      const config = loadConfig('dev', { pipeline: { processorTimeoutSeconds: 60, maxBatchingWindowSeconds: 5 } });

      // Assess
      expect(config.pipeline.visibilityTimeoutSeconds).toBe(6 * 60 + 5);
    });

    it('accepts the configuration of every stage in lib/config/webhooks.ts', () => {
      for (const [stage, input] of Object.entries(stageConfigs)) expect(problemsOf(input, stage)).toEqual([]);
    });
  });

  describe('validation', () => {
    it('reports every problem at once, each with its path', () => {
      // Prepare
      const input = {
        routes: { stripe: {}, nosuchprovider: {}, generic: { options: { algorithm: 'md5' } }, 'stripe-eu': { provider: 'stripe', typo: true } },
        pipeline: { batchSize: 0, processorTimeoutSeconds: 60, visibilityTimeoutSeconds: 60 },
        verifier: { timeoutSeconds: 30 },
        alarms: { email: 'not-an-address' },
      } as unknown as HookrelayConfigInput;

      // Act
      const problems = problemsOf(input);

      // Assess
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^routes\.nosuchprovider: no provider "nosuchprovider" \(one of stripe, github, .*\); name it with provider$/),
          expect.stringMatching(/^routes\.stripe-eu: Unrecognized key: "typo"/),
          expect.stringMatching(/^routes\.generic\.options: generic options are invalid: algorithm must be one of/),
          expect.stringMatching(/^pipeline\.batchSize: /),
          expect.stringMatching(/^pipeline\.visibilityTimeoutSeconds: must be at least 6 × processorTimeoutSeconds/),
          expect.stringMatching(/^verifier\.timeoutSeconds: /),
          expect.stringMatching(/^alarms\.email: /),
        ]),
      );
      expect(problems).toHaveLength(7);
    });

    it('names the stage and lists the problems one per line in the error message', () => {
      // Act
      const act = () => loadConfig('prod', { pipeline: { maxReceiveCount: 0 } });

      // Assess
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(/^Invalid hookrelay configuration for stage "prod":\n {2}- pipeline\.maxReceiveCount: /);
    });

    it('refuses a stage other than dev and prod', () => {
      expect(problemsOf({}, 'staging')).toEqual([expect.stringMatching(/^stage: .*"dev"\|"prod"/)]);
    });

    it.each([
      { case: 'generic HMAC scheme', options: { signatureHeader: 'X-Partner-Signature', signaturePrefix: 'v0=', signedContent: 'v0:{timestamp}:{body}', timestampHeader: 'X-Partner-Timestamp' } },
      { case: 'generic defaults', options: undefined },
    ])('accepts provider options the provider module accepts ($case)', ({ options }) => {
      expect(problemsOf({ routes: { generic: { options }, 'partner-a': { provider: 'generic', options } } })).toEqual([]);
    });

    it.each([
      { case: 'options for a provider that takes none', provider: 'stripe', options: { anything: true }, message: /this provider takes no options/ },
      { case: 'a generic template without {body}', provider: 'generic', options: { signedContent: '{timestamp}' }, message: /\{body\}/ },
      { case: 'a generic timestamp placeholder without its header', provider: 'generic', options: { signedContent: '{timestamp}.{body}' }, message: /timestampHeader/ },
    ])("rejects options through the route's provider module: $case", ({ provider, options, message }) => {
      // Act
      const problems = problemsOf({ routes: { [`${provider}-b`]: { provider, options } } });

      // Assess
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^routes\\.${provider}-b\\.options: .*${message.source}`))]);
    });

    it.each([
      { case: 'a body limit above what Lambda can be invoked with', input: { routes: { stripe: { maxBodyBytes: MAX_BODY_BYTES_LIMIT + 1 } } }, path: 'routes.stripe.maxBodyBytes' },
      { case: 'a claim-check threshold SNS cannot carry', input: { largePayloadThresholdBytes: 262_144 }, path: 'largePayloadThresholdBytes' },
      { case: 'payloads expiring before their DLQ messages', input: { payloadRetentionDays: 7 }, path: 'payloadRetentionDays' },
      { case: 'a processor concurrency below the SQS minimum of 2', input: { pipeline: { processorMaxConcurrency: 1 } }, path: 'pipeline.processorMaxConcurrency' },
      { case: 'batches above 10 without a batching window', input: { pipeline: { batchSize: 100 } }, path: 'pipeline.batchSize' },
      { case: 'an invalid CIDR block', input: { routes: { github: { allowedSourceCidrs: ['192.30.252.0/33'] } } }, path: 'routes.github.allowedSourceCidrs.0' },
      { case: 'a plain-http public URL', input: { routes: { twilio: { publicUrl: 'http://hooks.example.com' } } }, path: 'routes.twilio.publicUrl' },
      { case: 'a log retention CloudWatch does not offer', input: { logging: { retentionDays: 31 } }, path: 'logging.retentionDays' },
      { case: 'no route at all', input: { routes: {} }, path: 'routes' },
      { case: 'a route name with upper case', input: { routes: { Stripe: { provider: 'stripe' } } }, path: 'routes.Stripe' },
      { case: 'a route name longer than 40 characters', input: { routes: { [`partner-${'a'.repeat(33)}`]: { provider: 'generic' } } }, path: `routes.partner-${'a'.repeat(33)}` },
      { case: 'a route of an unknown provider', input: { routes: { 'stripe-eu': { provider: 'strpe' } } }, path: 'routes.stripe-eu.provider' },
      { case: "a route named after one provider and verified by another", input: { routes: { github: { provider: 'generic' } } }, path: 'routes.github.provider' },
      { case: 'two routes whose output keys coincide', input: { routes: { 'partner-1': { provider: 'generic' }, partner1: { provider: 'generic' } } }, path: 'routes.partner1' },
      { case: 'an unknown option', input: { verifier: { memory: 1024 } }, path: 'verifier' },
      { case: 'a stale window shorter than the refresh period', input: { secrets: { refreshSeconds: 600, maxStaleSeconds: 300 } }, path: 'secrets.maxStaleSeconds' },
      { case: 'a plain-http signed URL', input: { routes: { twilio: { signedUrl: 'http://hooks.example.com/webhooks/twilio' } } }, path: 'routes.twilio.signedUrl' },
      { case: 'a KMS alias instead of a key ARN for an existing secret', input: { routes: { github: { secret: { name: 'gh', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/secrets' } } } }, path: 'routes.github.secret.kmsKeyArn' },
      { case: 'a created secret name Secrets Manager would read as an ARN suffix', input: { routes: { 'ab-cdefgh': { provider: 'generic' } } }, path: 'routes.ab-cdefgh' },
    ])('rejects $case', ({ input, path }) => {
      // Act
      const problems = problemsOf(input as unknown as HookrelayConfigInput);

      // Assess
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^${path.replace(/\./g, '\\.')}: `))]);
    });

    it.each([
      { case: 'equal to the DLQ retention', days: 14 },
      { case: 'above the DLQ retention', days: 15 },
    ])('rejects a queue retention that is not below the DLQ retention ($case): a dead-lettered message keeps its enqueue time', ({ days }) => {
      // Act
      const problems = problemsOf({ pipeline: { queueRetentionDays: days } });

      // Assess
      expect(problems).toEqual([
        'pipeline.queueRetentionDays: must be less than the DLQ retention (14 days): a dead-lettered message keeps its original enqueue time, so it would expire from the DLQ as soon as it arrived',
      ]);
    });

    it('accepts a queue retention one day below the DLQ retention', () => {
      expect(problemsOf({ pipeline: { queueRetentionDays: 13 } })).toEqual([]);
    });

    it('refuses WAF with an HTTP API, which WAF cannot be attached to, saying what to change', () => {
      expect(problemsOf({ api: { type: 'http' }, waf: { enabled: true } })).toEqual([
        "waf.enabled: AWS WAF cannot be attached to an HTTP API: use api.type 'rest' to keep WAF, or turn WAF off " +
          "(an HTTP API's routes are throttled, and their allowedSourceCidrs are enforced by the verifier)",
      ]);
    });

    it.each([
      { case: 'an HTTP API without WAF', input: { api: { type: 'http' as const } } },
      { case: 'an HTTP API with allowlists', input: { api: { type: 'http' as const }, routes: { github: { allowedSourceCidrs: ['192.30.252.0/22', '2a0a:a440::/29'] } } } },
      { case: 'a REST API with WAF', input: { api: { type: 'rest' as const }, waf: { enabled: true } } },
    ])('accepts $case', ({ input }) => {
      expect(problemsOf(input)).toEqual([]);
    });

    it('refuses an ingress type other than rest and http', () => {
      expect(problemsOf({ api: { type: 'websocket' as never } })).toEqual([expect.stringMatching(/^api\.type: .*"rest"\|"http"/)]);
    });

    it("rejects a stack name that makes a provider's queue name longer than SQS allows, once per provider, naming it and the name", () => {
      // Prepare: 69 characters; with '-stripe-dlq' exactly 80, with '-sendgrid-dlq' 82
      const stackName = `hookrelay-${'x'.repeat(59)}`;

      // Act
      const problems = problemsOf({ stackName, routes: { stripe: {}, sendgrid: {}, 'sendgrid-eu': { provider: 'sendgrid' } } });

      // Assess
      expect(problems).toEqual([
        `stackName: is too long for provider "sendgrid": its dead-letter queue would be named "${stackName}-sendgrid-dlq" (82 characters); SQS allows 80`,
      ]);
    });

    it('passes an exact signed URL and the key of an existing secret through to the route settings', () => {
      // Act
      const config = loadConfig('dev', {
        routes: {
          twilio: { signedUrl: 'https://hooks.example.com/webhooks/twilio?account=AC1' },
          github: { secret: { arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gh-AbCdEf', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } },
        },
      });

      // Assess
      expect(config.routes.find((route) => route.name === 'twilio')).toMatchObject({ signedUrl: 'https://hooks.example.com/webhooks/twilio?account=AC1' });
      expect(config.routes.find((route) => route.name === 'github')?.secret).toEqual({
        arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gh-AbCdEf',
        kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      });
    });

    it('deploys exactly the listed routes, in the listed order, and one pipeline per provider in the order of its first route', () => {
      // Act
      const config = loadConfig('dev', {
        routes: {
          github: {},
          'stripe-eu': { provider: 'stripe' },
          'partner-a': { provider: 'generic', options: { signatureHeader: 'X-Partner-A-Signature' } },
          stripe: { throttling: { rateLimit: 20 } },
          'partner-b': { provider: 'generic', options: { signatureHeader: 'X-Partner-B-Signature', algorithm: 'sha512' } },
        },
      });

      // Assess
      expect(config.routes.map((route) => `${route.name}:${route.provider}`)).toEqual([
        'github:github',
        'stripe-eu:stripe',
        'partner-a:generic',
        'stripe:stripe',
        'partner-b:generic',
      ]);
      expect(config.providers).toEqual(['github', 'stripe', 'generic']);
      expect(config.routes.find((route) => route.name === 'stripe')?.throttling).toEqual({ rateLimit: 20, burstLimit: 200 });
    });

    it('adds routes to every registered provider with everyProviderRoutes()', () => {
      // Act
      const config = loadConfig('dev', { routes: { ...everyProviderRoutes(), 'stripe-eu': { provider: 'stripe' } } });

      // Assess
      expect(config.routes.map((route) => route.name)).toEqual([...providerNames, 'stripe-eu']);
      expect(config.providers).toEqual(providerNames);
    });

    it.each([
      { key: 'enabledProviders', input: { enabledProviders: ['stripe'] }, message: /^enabledProviders: replaced by routes: list one route per provider instead, e\.g\. routes: \{ stripe: \{\}, github: \{\} \}/ },
      { key: 'providers', input: { providers: { stripe: {} } }, message: /^providers: replaced by routes: the settings of providers\.<name> are those of routes\.<name>, and existingSecret is now secret/ },
    ])('refuses the former $key key with its migration to routes', ({ input, message }) => {
      expect(problemsOf(input as unknown as HookrelayConfigInput)).toEqual([expect.stringMatching(message)]);
    });
  });
});
