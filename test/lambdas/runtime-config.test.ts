import {
  ConfigurationError,
  ENV,
  loadProcessorConfig,
  loadVerifierConfig,
  processorEnvironment,
  routeNaming,
  routeResourceNames,
  verifierEnvironment,
  type VerifierRuntimeConfig,
} from '../../lambdas/runtime-config';

const QUEUE_BASE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012';
const naming = routeNaming('hookrelay-dev', QUEUE_BASE_URL);

/** A verifier configuration as the stack describes it: derived queue URLs and secret names. */
function stackConfig(overrides: Partial<VerifierRuntimeConfig> = {}): VerifierRuntimeConfig {
  const derived = (route: string) => ({
    queueUrl: `${QUEUE_BASE_URL}/${routeResourceNames('hookrelay-dev', route).queueName}`,
    secretId: routeResourceNames('hookrelay-dev', route).secretName,
  });
  return {
    routes: { stripe: derived('stripe'), github: derived('github') },
    idempotencyTableName: 'hookrelay-dev-Idempotency',
    idempotencyWindowSeconds: 604_800,
    secretsRefreshSeconds: 300,
    secretsMaxStaleSeconds: 3_600,
    payloadBucketName: 'hookrelay-dev-payloads',
    largePayloadThresholdBytes: 200_000,
    routeNaming: naming,
    ...overrides,
  };
}

describe('Function: verifierEnvironment', () => {
  it.each([
    { case: 'every route with its defaults', config: stackConfig() },
    {
      case: 'limits, tolerance, options and the exact signed URL',
      config: stackConfig({
        routes: {
          ...stackConfig().routes,
          generic: { ...stackConfig().routes['stripe']!, queueUrl: `${naming.queueUrlPrefix}generic`, secretId: `${naming.secretNamePrefix}generic`, maxBodyBytes: 65_536, toleranceSeconds: 600, options: { algorithm: 'sha512' } },
          twilio: { queueUrl: `${naming.queueUrlPrefix}twilio`, secretId: `${naming.secretNamePrefix}twilio`, signedUrl: 'https://hooks.example.com/webhooks/twilio?account=7' },
        },
      }),
    },
    {
      case: 'an existing secret by ARN and a queue of its own',
      config: stackConfig({
        routes: { shopify: { queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/elsewhere', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shopify-AbCdEf' } },
      }),
    },
    {
      case: 'a public base URL shared by every route, one route overriding it',
      config: stackConfig({
        publicBaseUrl: 'https://hooks.example.com',
        routes: {
          stripe: { ...stackConfig().routes['stripe']!, publicUrl: 'https://hooks.example.com' },
          github: { ...stackConfig().routes['github']!, publicUrl: 'https://github-hooks.example.com' },
        },
      }),
    },
    {
      case: "a second route of a provider: the provider's queue, the route's own secret",
      config: stackConfig({
        routes: {
          ...stackConfig().routes,
          'stripe-eu': { provider: 'stripe', queueUrl: `${naming.queueUrlPrefix}stripe`, secretId: `${naming.secretNamePrefix}stripe-eu` },
        },
      }),
    },
    {
      case: "a route's source allowlist (IPv4 and IPv6)",
      config: stackConfig({
        routes: { ...stackConfig().routes, github: { ...stackConfig().routes['github']!, allowedSourceCidrs: ['192.30.252.0/22', '2a0a:a440::/29'] } },
      }),
    },
    { case: 'no prefixes (every route names its queue and secret)', config: { ...stackConfig(), routeNaming: undefined, payloadBucketName: undefined } },
  ])('is inverted by loadVerifierConfig: $case', ({ config }) => {
    // Act
    const loaded = loadVerifierConfig(verifierEnvironment(config));

    // Assess
    expect(loaded).toEqual(JSON.parse(JSON.stringify(config)));
  });

  it("writes a route of another provider as { provider }: its queue URL derives from the provider's name, its secret from the route's", () => {
    // Prepare
    const config = stackConfig({
      routes: { 'stripe-eu': { provider: 'stripe', queueUrl: `${naming.queueUrlPrefix}stripe`, secretId: `${naming.secretNamePrefix}stripe-eu` } },
    });

    // Act
    const environment = verifierEnvironment(config);

    // Assess
    expect(JSON.parse(environment[ENV.routes]!)).toEqual({ 'stripe-eu': { provider: 'stripe' } });
    expect(loadVerifierConfig(environment).routes['stripe-eu']).toEqual({
      provider: 'stripe',
      queueUrl: `${QUEUE_BASE_URL}/hookrelay-dev-stripe`,
      secretId: 'hookrelay-dev/stripe-eu',
    });
  });

  it('writes a route with every default as {}: its queue URL and secret name are derived from the prefixes', () => {
    // Act
    const environment = verifierEnvironment(stackConfig());

    // Assess
    expect(JSON.parse(environment[ENV.routes]!)).toEqual({ stripe: {}, github: {} });
    expect(environment).toMatchObject({
      [ENV.queueUrlPrefix]: `${QUEUE_BASE_URL}/hookrelay-dev-`,
      [ENV.secretNamePrefix]: 'hookrelay-dev/',
    });
  });

  it('keeps only what differs: an existing secret id, limits, tolerance, signed URL and options', () => {
    // Prepare
    const config = stackConfig({
      routes: {
        github: { ...stackConfig().routes['github']!, secretId: 'hookrelay/github', maxBodyBytes: 2_048, toleranceSeconds: 0, signedUrl: 'https://h.example.com/x?y=1', options: { a: 1 } },
      },
    });

    // Act
    const routes = JSON.parse(verifierEnvironment(config)[ENV.routes]!);

    // Assess
    expect(routes).toEqual({ github: { secretId: 'hookrelay/github', maxBodyBytes: 2_048, toleranceSeconds: 0, signedUrl: 'https://h.example.com/x?y=1', options: { a: 1 } } });
  });

  it('refuses a route without a public URL when a shared public base URL would give it one', () => {
    expect(() => verifierEnvironment(stackConfig({ publicBaseUrl: 'https://hooks.example.com' }))).toThrow(ConfigurationError);
  });
});

describe('Function: loadVerifierConfig', () => {
  const base = { [ENV.idempotencyTableName]: 'table' };

  it('derives the URL of the queue the stack names routeResourceNames(prefix, route).queueName', () => {
    // Act
    const { routes } = loadVerifierConfig({ ...base, [ENV.routes]: '{"stripe":{}}', [ENV.queueUrlPrefix]: naming.queueUrlPrefix, [ENV.secretNamePrefix]: naming.secretNamePrefix });

    // Assess
    expect(routes['stripe']).toEqual({
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/hookrelay-dev-stripe',
      secretId: 'hookrelay-dev/stripe',
      });
  });

  it('accepts routes that name their queue and secret (the local gateway, the benchmarks)', () => {
    // Act
    const { routes } = loadVerifierConfig({ ...base, [ENV.routes]: JSON.stringify({ stripe: { queueUrl: 'http://q/1', secretId: 's', maxBodyBytes: 10 } }) });

    // Assess
    expect(routes['stripe']).toEqual({ queueUrl: 'http://q/1', secretId: 's', maxBodyBytes: 10 });
  });

  it.each([
    { case: 'no queue URL and no prefix', env: { [ENV.routes]: '{"stripe":{}}', [ENV.secretNamePrefix]: 'p/' }, message: /Route "stripe" has no queueUrl and HOOKRELAY_QUEUE_URL_PREFIX is not set/ },
    { case: 'no secret id and no prefix', env: { [ENV.routes]: '{"stripe":{}}', [ENV.queueUrlPrefix]: 'https://q/' }, message: /Route "stripe" has no secretId and HOOKRELAY_SECRET_NAME_PREFIX is not set/ },
    { case: 'routes that are not JSON', env: { [ENV.routes]: '{' }, message: /HOOKRELAY_ROUTES is not valid JSON/ },
    { case: 'a misspelt route setting', env: { [ENV.routes]: '{"stripe":{"maxBodyByte":1}}', [ENV.queueUrlPrefix]: 'q', [ENV.secretNamePrefix]: 's' }, message: /HOOKRELAY_ROUTES is invalid/ },
    { case: 'no routes', env: {}, message: /HOOKRELAY_ROUTES is required/ },
    {
      case: 'an allowlist entry that is not a CIDR block',
      env: { [ENV.routes]: '{"github":{"allowedSourceCidrs":["192.30.252.0/22","192.30.252.1"]}}', [ENV.queueUrlPrefix]: 'q', [ENV.secretNamePrefix]: 's' },
      message: /HOOKRELAY_ROUTES is invalid[\s\S]*allowedSourceCidrs/,
    },
  ])('fails at cold start with a clear message: $case', ({ env, message }) => {
    expect(() => loadVerifierConfig({ ...base, ...env })).toThrow(message);
  });
});

describe('Function: processorEnvironment', () => {
  it('is inverted by loadProcessorConfig', () => {
    // Prepare
    const config = { provider: 'stripe', topicArn: 'arn:aws:sns:eu-west-1:123456789012:t', idempotencyTableName: 'table', idempotencyWindowSeconds: 60 };

    // Act & Assess
    expect(loadProcessorConfig(processorEnvironment(config))).toEqual(config);
  });
});
