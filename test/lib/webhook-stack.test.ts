import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { providerNames } from '../../lambdas/core/registry';
import { loadProcessorConfig, loadVerifierConfig } from '../../lambdas/runtime-config';
import { outputKey } from '../../tools/lib/stack-outputs';
import { SIGNATURE_REJECTION_CODES } from '../../lib/constructs/observability';
import { GATEWAY_ANSWERS } from '../../lib/constructs/ingress-api';
import { COUNTED_COMMON_RULES } from '../../lib/constructs/webhook-firewall';
import { everyOption, resolveWithStandIns, synthesizeStage, type SynthesizedStage } from './synth';

// Each stage is synthesized once for the whole file; the tests read the shared templates.
const dev = synthesizeStage('dev');
const prod = synthesizeStage('prod');

const custom = synthesizeStage('dev', everyOption);

const logicalId = (synthesized: SynthesizedStage, construct: IConstruct): string =>
  synthesized.stack.getLogicalId(construct.node.defaultChild as CfnElement);

const pipelineOf = (synthesized: SynthesizedStage, provider: string) =>
  synthesized.stack.pipelines.find((pipeline) => pipeline.provider === provider)!;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of the policies attached to the role of `construct`'s function. */
function statementsOfRole(synthesized: SynthesizedStage, roleLogicalId: string): Statement[] {
  const policies = synthesized.template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleLogicalId }]) },
  });
  return Object.values(policies).flatMap(
    (policy) => (policy['Properties'] as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
  );
}

const actionsOf = (statements: readonly Statement[]): string[] =>
  [...new Set(statements.flatMap((statement) => [statement.Action].flat()))].sort();

function environmentOf(synthesized: SynthesizedStage, functionLogicalId: string): Record<string, string> {
  const fn = synthesized.template.toJSON()['Resources'][functionLogicalId] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
  return Object.fromEntries(
    Object.entries(fn.Properties.Environment.Variables).map(([name, value]) => [name, resolveWithStandIns(value)]),
  );
}

describe('Stack: WebhookStack', () => {
  describe('ingress API', () => {
    it('creates POST /webhooks/{provider} for each enabled provider, each a Lambda proxy integration with the one verifier', () => {
      const verifierArn = { 'Fn::GetAtt': [logicalId(dev, dev.stack.verifier), 'Arn'] };
      for (const provider of providerNames) {
        dev.template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: provider });
      }
      const posts = dev.template.findResources('AWS::ApiGateway::Method', {
        Properties: { HttpMethod: 'POST', Integration: { Type: 'AWS_PROXY', Uri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([verifierArn])] }) } },
      });
      expect(Object.keys(posts)).toHaveLength(providerNames.length);
      dev.template.resourceCountIs('AWS::Lambda::Permission', providerNames.length);
    });

    it('throttles each provider route with its own limits and the stage with the stage limits', () => {
      custom.template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'dev',
        MethodSettings: Match.arrayWith([
          Match.objectLike({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
          Match.objectLike({ ResourcePath: '/~1webhooks~1stripe', HttpMethod: 'POST', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }),
          Match.objectLike({ ResourcePath: '/~1webhooks~1github', HttpMethod: 'POST', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
        ]),
      });
    });

    it('answers GET /health from API Gateway itself with the enabled providers', () => {
      custom.template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'GET',
        Integration: {
          Type: 'MOCK',
          IntegrationResponses: [
            {
              StatusCode: '200',
              ResponseTemplates: {
                'application/json': JSON.stringify({ status: 'ok', providers: everyOption.enabledProviders }),
              },
            },
          ],
        },
      });
    });

    it.each([
      { type: 'MISSING_AUTHENTICATION_TOKEN', status: '404', code: 'UNKNOWN_PROVIDER' },
      { type: 'THROTTLED', status: '429', code: 'THROTTLED' },
      { type: 'REQUEST_TOO_LARGE', status: '413', code: 'PAYLOAD_TOO_LARGE' },
      { type: 'ACCESS_DENIED', status: '403', code: 'FORBIDDEN' },
      { type: 'WAF_FILTERED', status: '403', code: 'FORBIDDEN' },
    ])('answers API Gateway refusal $type with $status and the { error, code } body, code $code', ({ type, status, code }) => {
      const responses = dev.template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } });
      const [response] = Object.values(responses) as Array<{ Properties: { StatusCode: string; ResponseTemplates: Record<string, string> } }>;
      expect(response!.Properties.StatusCode).toBe(status);
      expect(JSON.parse(response!.Properties.ResponseTemplates['application/json']!)).toEqual({ error: expect.any(String), code });
    });

    it.each([
      { type: 'INTEGRATION_FAILURE', status: '502', code: 'UPSTREAM_UNAVAILABLE' },
      { type: 'INTEGRATION_TIMEOUT', status: '504', code: 'UPSTREAM_TIMEOUT' },
    ])('answers $type with $status, the { error, code } body (code $code) and Retry-After', ({ type, status, code }) => {
      dev.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: status,
        ResponseParameters: { 'gatewayresponse.header.Retry-After': "'5'", 'gatewayresponse.header.Content-Type': "'application/json'" },
        ResponseTemplates: { 'application/json': JSON.stringify({ error: GATEWAY_ANSWERS.find((a) => a.code === code)!.error, code }) },
      });
    });

    it("answers every other 5xx of API Gateway's own with the { error, code } body, code GATEWAY_ERROR, keeping each status", () => {
      dev.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'DEFAULT_5XX',
        StatusCode: Match.absent(),
        ResponseTemplates: { 'application/json': Match.serializedJson({ error: Match.stringLikeRegexp('retry later'), code: 'GATEWAY_ERROR' }) },
      });
    });

    it('passes every body to the verifier base64-encoded, byte for byte (binary media type */*), on a regional API', () => {
      dev.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
        BinaryMediaTypes: ['*/*'],
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
    });

    it('converts the health check request to text, so its mock template still applies with every media type binary', () => {
      dev.template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'GET',
        Integration: Match.objectLike({ Type: 'MOCK', ContentHandling: 'CONVERT_TO_TEXT' }),
      });
    });

    it.each([
      { stage: 'dev', synthesized: dev },
      { stage: 'prod', synthesized: prod },
    ])('names the REST API after the stack, so API Gateway metrics (keyed by API name) are not shared by stages ($stage)', ({ stage, synthesized }) => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: `hookrelay-${stage}` });
    });

    it.each([
      { stage: 'dev', synthesized: dev, days: 30 },
      { stage: 'prod', synthesized: prod, days: 365 },
    ])('writes JSON access logs without bodies, kept for the configured retention ($stage)', ({ synthesized, days }) => {
      const accessLogsId = logicalId(synthesized, synthesized.stack.ingress.accessLogs);
      const stage = Object.values(synthesized.template.findResources('AWS::ApiGateway::Stage'))[0]!['Properties'] as {
        AccessLogSetting: { DestinationArn: unknown; Format: string };
      };
      expect(stage.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': [accessLogsId, 'Arn'] });
      const format = JSON.parse(stage.AccessLogSetting.Format) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', resourcePath: '$context.resourcePath' });
      expect(Object.values(format).some((variable) => /body|requestOverride|responseOverride/i.test(variable))).toBe(false);
      expect(synthesized.template.toJSON()['Resources'][accessLogsId]['Properties']).toEqual({ RetentionInDays: days });
    });

    it('logs only errors in execution logs and never traces request or response data', () => {
      const stage = Object.values(custom.template.findResources('AWS::ApiGateway::Stage'))[0]!['Properties'] as {
        MethodSettings: { LoggingLevel?: string; DataTraceEnabled?: boolean }[];
      };
      for (const setting of stage.MethodSettings) expect(setting).toMatchObject({ LoggingLevel: 'ERROR', DataTraceEnabled: false });
    });

    it('puts a WAF web ACL with the AWS common rules (body rules counted only) and a per-IP rate limit in front of the stage when enabled', () => {
      custom.template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        Rules: [
          Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: 2_000, EvaluationWindowSec: 300 }) } }),
          Match.objectLike({
            Statement: {
              ManagedRuleGroupStatement: {
                VendorName: 'AWS',
                Name: 'AWSManagedRulesCommonRuleSet',
                RuleActionOverrides: COUNTED_COMMON_RULES.map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
              },
            },
          }),
        ],
      });
      custom.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        ResourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':apigateway:', '::/restapis/'])] }),
      });
      dev.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    });

    it('denies a restricted provider route outside its allowed CIDR blocks, and has no resource policy otherwise', () => {
      custom.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
        Policy: {
          Statement: [
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'execute-api:Invoke',
              Resource: 'execute-api:/*/POST/webhooks/stripe',
              Condition: { NotIpAddress: { 'aws:SourceIp': ['3.18.12.63/32', '2600:1f18::/32'] } },
            },
          ],
        },
      });
      dev.template.hasResourceProperties('AWS::ApiGateway::RestApi', { Policy: Match.absent() });
    });

    it('serves the custom domain with TLS 1.2 and creates its alias record', () => {
      custom.template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: 'hooks.example.com',
        RegionalCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d',
        SecurityPolicy: 'TLS_1_2',
      });
      custom.template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'hooks.example.com.', Type: 'A', HostedZoneId: 'Z0123456789ABCDEFGHIJ' });
    });
  });

  describe('idempotency table', () => {
    it('keys records by id with TTL attribute expiration, on demand, encrypted, with point-in-time recovery', () => {
      dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it.each([
      { stage: 'dev', synthesized: dev, deletionProtection: false, policy: 'Delete' },
      { stage: 'prod', synthesized: prod, deletionProtection: true, policy: 'Retain' },
    ])('protects and retains the table only in prod ($stage)', ({ synthesized, deletionProtection, policy }) => {
      synthesized.template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: deletionProtection }),
        DeletionPolicy: policy,
      });
    });
  });

  describe('provider pipelines', () => {
    it('wires each provider queue to its DLQ with maxReceiveCount from config', () => {
      for (const [synthesized, maxReceiveCount] of [[dev, 5], [custom, 3]] as const) {
        for (const pipeline of synthesized.stack.pipelines) {
          synthesized.template.hasResourceProperties('AWS::SQS::Queue', {
            RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(synthesized, pipeline.deadLetterQueue), 'Arn'] }, maxReceiveCount },
          });
        }
      }
    });

    it('encrypts every queue, refuses non-TLS access and sets the 1 MiB maximum message size explicitly', () => {
      const queues = dev.template.findResources('AWS::SQS::Queue');
      // Each provider's queue and DLQ, and the archive's dead-letter queue.
      expect(Object.keys(queues)).toHaveLength(2 * providerNames.length + 1);
      for (const queue of Object.values(queues)) {
        expect(queue['Properties']).toMatchObject({ SqsManagedSseEnabled: true, MaximumMessageSize: 1_048_576 });
      }
      const policies = dev.template.findResources('AWS::SQS::QueuePolicy', {
        Properties: { PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] } },
      });
      expect(Object.keys(policies)).toHaveLength(2 * providerNames.length);
    });

    it.each([
      { case: 'defaults', synthesized: dev, processorTimeout: 30, visibility: 180 },
      { case: 'configured processor timeout and batching window', synthesized: custom, processorTimeout: 20, visibility: 6 * 20 + 2 },
    ])('sets each queue visibility timeout to at least 6 × the processor timeout ($case)', ({ synthesized, processorTimeout, visibility }) => {
      for (const pipeline of synthesized.stack.pipelines) {
        const resources = synthesized.template.toJSON()['Resources'];
        expect(resources[logicalId(synthesized, pipeline.queue)]['Properties']['VisibilityTimeout']).toBe(visibility);
        expect(resources[logicalId(synthesized, pipeline.processor)]['Properties']['Timeout']).toBe(processorTimeout);
        expect(visibility).toBeGreaterThanOrEqual(6 * processorTimeout);
      }
    });

    it('keeps dead letters for 14 days and queued events for 4', () => {
      const pipeline = pipelineOf(dev, 'stripe');
      const resources = dev.template.toJSON()['Resources'];
      expect(resources[logicalId(dev, pipeline.deadLetterQueue)]['Properties']['MessageRetentionPeriod']).toBe(14 * 86_400);
      expect(resources[logicalId(dev, pipeline.queue)]['Properties']['MessageRetentionPeriod']).toBe(4 * 86_400);
    });

    it.each([
      { case: 'defaults', synthesized: dev, batch: { BatchSize: 10, MaximumBatchingWindowInSeconds: Match.absent(), ScalingConfig: { MaximumConcurrency: 5 } } },
      { case: 'configured', synthesized: custom, batch: { BatchSize: 25, MaximumBatchingWindowInSeconds: 2, ScalingConfig: { MaximumConcurrency: 7 } } },
    ])('feeds each processor from its own queue with partial batch failures and the batching from config ($case)', ({ synthesized, batch }) => {
      for (const pipeline of synthesized.stack.pipelines) {
        synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [logicalId(synthesized, pipeline.queue), 'Arn'] },
          FunctionName: { Ref: logicalId(synthesized, pipeline.processor) },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ...batch,
        });
      }
    });

    it('encrypts each topic with the customer-managed, rotating key and refuses non-TLS publishing', () => {
      const keyId = logicalId(dev, dev.stack.topicKey);
      dev.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      const topics = dev.template.findResources('AWS::SNS::Topic', { Properties: { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } } });
      expect(Object.keys(topics)).toHaveLength(providerNames.length + 1);
      const tlsOnly = dev.template.findResources('AWS::SNS::TopicPolicy', {
        Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } },
      });
      expect(Object.keys(tlsOnly)).toHaveLength(providerNames.length + 1);
    });

    it('creates each provider secret holding the placeholder {"secrets":[]}', () => {
      const secrets = dev.template.findResources('AWS::SecretsManager::Secret', { Properties: { SecretString: '{"secrets":[]}' } });
      expect(Object.keys(secrets)).toHaveLength(providerNames.length);
      dev.template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.absent() });
    });

    it('references existing secrets by name or ARN instead of creating them', () => {
      custom.template.resourceCountIs('AWS::SecretsManager::Secret', 3);
      expect(pipelineOf(custom, 'github').secretId).toBe('hookrelay/github');
      expect(pipelineOf(custom, 'shopify').secretId).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:hookrelay/shopify-AbCdEf');
    });

    it('gives each processor PROVIDER, TOPIC_ARN, IDEMPOTENCY_TABLE_NAME and IDEMPOTENCY_WINDOW_SECONDS that its loader accepts', () => {
      for (const pipeline of dev.stack.pipelines) {
        const environment = environmentOf(dev, logicalId(dev, pipeline.processor));
        expect(loadProcessorConfig(environment)).toEqual({
          provider: pipeline.provider,
          topicArn: `<Ref:${logicalId(dev, pipeline.topic)}>`,
          idempotencyTableName: `<Ref:${logicalId(dev, dev.stack.idempotency.table)}>`,
          idempotencyWindowSeconds: 604_800,
        });
      }
    });

    it('creates a pipeline only for each enabled provider', () => {
      expect(custom.stack.pipelines.map((pipeline) => pipeline.provider)).toEqual(everyOption.enabledProviders);
      custom.template.resourceCountIs('AWS::SQS::Queue', 2 * everyOption.enabledProviders!.length + 1);
      custom.template.resourceCountIs('AWS::Lambda::EventSourceMapping', everyOption.enabledProviders!.length);
    });
  });

  describe('payload bucket', () => {
    it('blocks public access, requires TLS, encrypts with S3-managed keys and expires payloads', () => {
      dev.template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        // payloadRetentionDays (30), raised to the archive's retention (90): archived envelopes point at payloads.
        LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-payloads', ExpirationInDays: 90, Status: 'Enabled' })] },
      });
      dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it.each([
      { stage: 'dev', synthesized: dev, policy: 'Delete', autoDelete: 2 }, // the payload and archive buckets
      { stage: 'prod', synthesized: prod, policy: 'Retain', autoDelete: 0 },
    ])('is emptied and deleted with the stack only in dev ($stage)', ({ synthesized, policy, autoDelete }) => {
      synthesized.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: policy });
      synthesized.template.resourceCountIs('Custom::S3AutoDeleteObjects', autoDelete);
    });
  });

  describe('verifier', () => {
    it("sets HOOKRELAY_ROUTES that the verifier's own loader accepts, with one route per enabled provider", () => {
      const environment = environmentOf(dev, logicalId(dev, dev.stack.verifier));
      const config = loadVerifierConfig(environment);
      expect(Object.keys(config.routes)).toEqual(providerNames);
      for (const pipeline of dev.stack.pipelines) {
        expect(config.routes[pipeline.provider]).toEqual({
          queueUrl: `https://sqs.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/<Ref:AWS::AccountId>/hookrelay-dev-${pipeline.provider}`,
          secretId: `hookrelay-dev/${pipeline.provider}`,
        });
      }
    });

    it('derives each queue URL and secret name from two prefixes: a route with every default is {} in HOOKRELAY_ROUTES', () => {
      const environment = environmentOf(dev, logicalId(dev, dev.stack.verifier));
      expect(JSON.parse(environment['HOOKRELAY_ROUTES']!)).toEqual(Object.fromEntries(providerNames.map((name) => [name, {}])));
      expect(environment).toMatchObject({
        HOOKRELAY_QUEUE_URL_PREFIX: 'https://sqs.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/<Ref:AWS::AccountId>/hookrelay-dev-',
        HOOKRELAY_SECRET_NAME_PREFIX: 'hookrelay-dev/',
      });
    });

    it('creates each queue, DLQ and secret with the physical name the verifier derives', () => {
      for (const pipeline of dev.stack.pipelines) {
        const resources = dev.template.toJSON()['Resources'];
        expect(resources[logicalId(dev, pipeline.queue)]['Properties']['QueueName']).toBe(`hookrelay-dev-${pipeline.provider}`);
        expect(resources[logicalId(dev, pipeline.deadLetterQueue)]['Properties']['QueueName']).toBe(`hookrelay-dev-${pipeline.provider}-dlq`);
        expect(resources[logicalId(dev, pipeline.secret)]['Properties']['Name']).toBe(`hookrelay-dev/${pipeline.provider}`);
      }
    });

    it('lets only its own queue dead-letter into each DLQ (redrive allow policy by queue, named by ARN without a reference cycle)', () => {
      for (const pipeline of dev.stack.pipelines) {
        const dlq = dev.template.toJSON()['Resources'][logicalId(dev, pipeline.deadLetterQueue)]['Properties'];
        expect(dlq.RedriveAllowPolicy.redrivePermission).toBe('byQueue');
        expect(dlq.RedriveAllowPolicy.sourceQueueArns.map(resolveWithStandIns)).toEqual([
          `arn:<Ref:AWS::Partition>:sqs:<Ref:AWS::Region>:<Ref:AWS::AccountId>:hookrelay-dev-${pipeline.provider}`,
        ]);
      }
    });

    it('passes tolerance, public URL, signed URL and options to a route only when configured, the public URL defaulting to the custom domain', () => {
      const environment = environmentOf(custom, logicalId(custom, custom.stack.verifier));
      const { routes } = loadVerifierConfig(environment);
      expect(environment['HOOKRELAY_PUBLIC_BASE_URL']).toBe('https://hooks.example.com');
      expect(routes['stripe']).toMatchObject({ toleranceSeconds: 600, publicUrl: 'https://hooks.example.com' });
      expect(routes['twilio']).toMatchObject({
        publicUrl: 'https://twilio-hooks.example.com',
        signedUrl: 'https://twilio-hooks.example.com/webhooks/twilio?account=AC1',
      });
      expect(routes['stripe']!.signedUrl).toBeUndefined();
      expect(routes['generic']).toMatchObject({ options: everyOption.providers!.generic!.options });
      expect(routes['github']).toMatchObject({ secretId: 'hookrelay/github' });
      expect(routes['github']!.options).toBeUndefined();
      expect(routes['github']!.toleranceSeconds).toBeUndefined();
    });

    it('sets the idempotency, secrets cache and claim-check variables', () => {
      const config = loadVerifierConfig(environmentOf(dev, logicalId(dev, dev.stack.verifier)));
      expect(config).toMatchObject({
        idempotencyTableName: `<Ref:${logicalId(dev, dev.stack.idempotency.table)}>`,
        idempotencyWindowSeconds: 604_800,
        secretsRefreshSeconds: 300,
        secretsMaxStaleSeconds: 3_600,
        payloadBucketName: `<Ref:${logicalId(dev, dev.stack.payloads.bucket)}>`,
        largePayloadThresholdBytes: 200_000,
      });
    });

    it('runs with a 10 s timeout and 512 MB, reserving concurrency only when configured', () => {
      const resources = (synthesized: SynthesizedStage) => synthesized.template.toJSON()['Resources'][logicalId(synthesized, synthesized.stack.verifier)]['Properties'];
      expect(resources(dev)).toMatchObject({ Timeout: 10, MemorySize: 512 });
      expect(resources(dev)['ReservedConcurrentExecutions']).toBeUndefined();
      expect(resources(custom)).toMatchObject({ ReservedConcurrentExecutions: 40, TracingConfig: { Mode: 'Active' } });
    });
  });

  describe('least privilege', () => {
    it('lets the verifier use idempotency items, send to the provider queues, read the provider secrets and put payloads — nothing more', () => {
      const statements = statementsOfRole(dev, logicalId(dev, dev.stack.verifier.executionRole));
      expect(actionsOf(statements)).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:PutObject',
        'secretsmanager:GetSecretValue',
        'sqs:SendMessage',
      ]);
      const tableArn = { 'Fn::GetAtt': [logicalId(dev, dev.stack.idempotency.table), 'Arn'] };
      expect(statements).toContainEqual({ Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], Resource: [tableArn] });
      for (const pipeline of dev.stack.pipelines) {
        expect(statements).toContainEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalId(dev, pipeline.secret) } });
        expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [logicalId(dev, pipeline.queue), 'Arn'] } });
      }
    });

    it('gives the verifier sqs:SendMessage only: it derives queue URLs, so no GetQueueUrl or GetQueueAttributes, and SQS-managed encryption needs no KMS', () => {
      const actions = actionsOf(statementsOfRole(prod, logicalId(prod, prod.stack.verifier.executionRole)));
      expect(actions.filter((action) => action.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
      expect(actions.filter((action) => action.startsWith('kms:'))).toEqual([]);
    });

    it('lets the verifier decrypt an existing secret with its customer-managed key, through Secrets Manager in this region only', () => {
      const statements = statementsOfRole(custom, logicalId(custom, custom.stack.verifier.executionRole));
      const kms = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('kms:')));
      expect(kms).toHaveLength(1);
      expect(kms[0]).toMatchObject({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      });
      expect(resolveWithStandIns((kms[0] as unknown as { Condition: { StringEquals: Record<string, unknown> } }).Condition.StringEquals['kms:ViaService'])).toBe(
        'secretsmanager.<Ref:AWS::Region>.amazonaws.com',
      );
    });

    it('grants GetSecretValue on the suffixed ARN of a secret referenced by name and on the exact ARN otherwise', () => {
      const statements = statementsOfRole(custom, logicalId(custom, custom.stack.verifier.executionRole));
      const secretResources = statements.filter((statement) => statement.Action === 'secretsmanager:GetSecretValue').map((statement) => resolveWithStandIns(statement.Resource));
      expect(secretResources).toEqual(
        expect.arrayContaining([
          'arn:<Ref:AWS::Partition>:secretsmanager:<Ref:AWS::Region>:<Ref:AWS::AccountId>:secret:hookrelay/github-??????',
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hookrelay/shopify-AbCdEf',
        ]),
      );
    });

    it('lets each processor consume its own queue, publish to its own topic and use idempotency items — nothing more', () => {
      for (const pipeline of dev.stack.pipelines) {
        const statements = statementsOfRole(dev, logicalId(dev, pipeline.processor.executionRole));
        expect(actionsOf(statements)).toEqual([
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'kms:Decrypt',
          'kms:GenerateDataKey',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'sns:Publish',
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
        ]);
        expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: logicalId(dev, pipeline.topic) } });
        expect(statements).toContainEqual(
          expect.objectContaining({ Action: expect.arrayContaining(['sqs:ReceiveMessage']), Resource: { 'Fn::GetAtt': [logicalId(dev, pipeline.queue), 'Arn'] } }),
        );
      }
    });

    it.each([
      { case: 'dev', synthesized: dev },
      { case: 'prod', synthesized: prod },
      { case: 'every option', synthesized: custom },
    ])('grants no wildcard action, and a wildcard resource only to X-Ray ($case)', ({ synthesized }) => {
      for (const policy of Object.values(synthesized.template.findResources('AWS::IAM::Policy'))) {
        for (const statement of (policy['Properties'] as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement) {
          const actions = [statement.Action].flat();
          expect(actions.filter((action) => action.includes('*'))).toEqual([]);
          if (statement.Resource === '*') expect(actions.every((action) => action.startsWith('xray:'))).toBe(true);
        }
      }
    });

    /** The conditions that limit a statement to this stack's alarms, resolved for reading. */
    const alarmSourceConditions = (condition: { StringEquals: Record<string, unknown>; ArnLike: Record<string, unknown> }) => ({
      account: resolveWithStandIns(condition.StringEquals['aws:SourceAccount']),
      alarms: resolveWithStandIns(condition.ArnLike['aws:SourceArn']),
    });
    const thisStacksAlarms = {
      account: '<Ref:AWS::AccountId>',
      alarms: 'arn:<Ref:AWS::Partition>:cloudwatch:<Ref:AWS::Region>:<Ref:AWS::AccountId>:alarm:hookrelay-dev-*',
    };

    it("lets CloudWatch use the topic key only for this stack's alarms in this account", () => {
      const key = Object.values(dev.template.findResources('AWS::KMS::Key'))[0]!['Properties'] as { KeyPolicy: { Statement: Array<Record<string, any>> } };
      const cloudWatch = key.KeyPolicy.Statement.filter((statement) => statement['Principal']?.Service === 'cloudwatch.amazonaws.com');
      expect(cloudWatch).toHaveLength(1);
      expect(cloudWatch[0]).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' });
      expect(alarmSourceConditions(cloudWatch[0]!['Condition'])).toEqual(thisStacksAlarms);
    });

    it('denies creating grants on the topic key except for AWS resources and services', () => {
      dev.template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Sid: 'DenyGrantsExceptForAwsResources',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'kms:CreateGrant',
              Resource: '*',
              Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
            },
          ]),
        },
      });
    });

    it("lets CloudWatch publish to the operations topic, whose TLS-only policy replaces SNS's default, only for this stack's alarms", () => {
      const topicRef = { Ref: logicalId(dev, dev.stack.observability.alarmTopic) };
      const policies = Object.values(dev.template.findResources('AWS::SNS::TopicPolicy', { Properties: { Topics: [topicRef] } }));
      expect(policies).toHaveLength(1);
      const statements = (policies[0]!['Properties'] as { PolicyDocument: { Statement: Array<Record<string, any>> } }).PolicyDocument.Statement;
      const publish = statements.filter((statement) => statement['Effect'] === 'Allow');
      expect(publish).toHaveLength(1);
      expect(publish[0]).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: topicRef });
      expect(alarmSourceConditions(publish[0]!['Condition'])).toEqual(thisStacksAlarms);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    });

    it("names every alarm with the stack's prefix, so the publish and key conditions cover them all", () => {
      for (const alarm of Object.values(dev.template.findResources('AWS::CloudWatch::Alarm'))) {
        expect((alarm['Properties'] as { AlarmName: string }).AlarmName).toMatch(/^hookrelay-dev-/);
      }
    });
  });

  describe('observability', () => {
    interface AlarmProperties {
      readonly AlarmName: string;
      readonly Threshold: number;
      readonly Metrics?: readonly Record<string, unknown>[];
      readonly [property: string]: unknown;
    }
    const alarms = (synthesized: SynthesizedStage) =>
      Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm['Properties'] as AlarmProperties);
    const alarmNamed = (synthesized: SynthesizedStage, name: string) => {
      const found = alarms(synthesized).find((alarm) => alarm.AlarmName === name);
      if (!found) throw new Error(`No alarm ${name}`);
      return found;
    };

    it('alarms when a DLQ has messages, for each provider', () => {
      for (const pipeline of dev.stack.pipelines) {
        expect(alarmNamed(dev, `hookrelay-dev-${pipeline.provider}-dead-letters`)).toMatchObject({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Namespace: 'AWS/SQS',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(dev, pipeline.deadLetterQueue), 'QueueName'] } }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    });

    it('alarms on the age of the oldest message of each queue and of each DLQ', () => {
      for (const pipeline of dev.stack.pipelines) {
        expect(alarmNamed(dev, `hookrelay-dev-${pipeline.provider}-queue-backlog`)).toMatchObject({
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(dev, pipeline.queue), 'QueueName'] } }],
          Threshold: 900,
        });
        expect(alarmNamed(dev, `hookrelay-dev-${pipeline.provider}-dead-letters-expiring`)).toMatchObject({
          MetricName: 'ApproximateAgeOfOldestMessage',
          Threshold: 10 * 86_400,
        });
      }
    });

    it.each([
      { stage: 'dev', synthesized: dev },
      { stage: 'prod', synthesized: prod },
    ])("alarms on 5xx answers of this stack's API stage only: dimensions ApiName and Stage ($stage)", ({ stage, synthesized }) => {
      const alarm = alarmNamed(synthesized, `hookrelay-${stage}-api-server-errors`);
      expect(alarm).toMatchObject({ MetricName: '5XXError', Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Period: 300, Threshold: 5 });
      const dimensions = alarm['Dimensions'] as { Name: string; Value: unknown }[];
      expect(dimensions.map((dimension) => [dimension.Name, resolveWithStandIns(dimension.Value)])).toEqual([
        ['ApiName', `hookrelay-${stage}`],
        ['Stage', `<Ref:${logicalId(synthesized, synthesized.stack.ingress.api.deploymentStage)}>`],
      ]);
    });

    it("draws the dashboard's API lines from this stack's API stage only: every API Gateway metric has ApiName and Stage", () => {
      const dashboard = Object.values(dev.template.findResources('AWS::CloudWatch::Dashboard'))[0]!['Properties'] as { DashboardBody: unknown };
      const body = JSON.parse(resolveWithStandIns(dashboard.DashboardBody)) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> };
      const apiLines = body.widgets.flatMap((widget) => widget.properties.metrics ?? []).filter((line) => line[0] === 'AWS/ApiGateway');
      expect(apiLines.length).toBeGreaterThanOrEqual(5);
      const stageRef = `<Ref:${logicalId(dev, dev.stack.ingress.api.deploymentStage)}>`;
      for (const line of apiLines) expect(line.slice(2, 6)).toEqual(['ApiName', 'hookrelay-dev', 'Stage', stageRef]);
    });

    it('alarms on a spike of 401 refusals per provider, summing the Rejected metric of every 401 code', () => {
      expect(SIGNATURE_REJECTION_CODES).toEqual(['MISSING_SIGNATURE', 'MALFORMED_SIGNATURE', 'INVALID_SIGNATURE', 'TIMESTAMP_OUT_OF_TOLERANCE']);
      const alarm = alarmNamed(dev, 'hookrelay-dev-stripe-signature-rejections');
      expect(alarm.Threshold).toBe(25);
      expect(alarm.Metrics).toContainEqual(expect.objectContaining({ Expression: expect.stringMatching(/^SUM\(\[FILL\(r0, 0\)/) }));
      for (const code of SIGNATURE_REJECTION_CODES) {
        expect(alarm.Metrics).toContainEqual(
          expect.objectContaining({
            MetricStat: expect.objectContaining({
              Metric: {
                Namespace: 'hookrelay',
                MetricName: 'Rejected',
                Dimensions: expect.arrayContaining([
                  { Name: 'service', Value: 'hookrelay-verifier' },
                  { Name: 'provider', Value: 'stripe' },
                  { Name: 'code', Value: code },
                ]),
              },
            }),
          }),
        );
      }
    });

    it.each(['verifier', ...providerNames.map((provider) => `${provider}-processor`)])(
      'alarms on errors, throttles and p99 duration above 80 %% of the timeout (%s)',
      (name) => {
        const timeoutMs = name === 'verifier' ? 10_000 : 30_000;
        expect(alarmNamed(dev, `hookrelay-dev-${name}-errors`)).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1 });
        expect(alarmNamed(dev, `hookrelay-dev-${name}-throttles`)).toMatchObject({ MetricName: 'Throttles', Threshold: 1 });
        expect(alarmNamed(dev, `hookrelay-dev-${name}-duration-near-timeout`)).toMatchObject({
          MetricName: 'Duration',
          ExtendedStatistic: 'p99',
          Threshold: 0.8 * timeoutMs,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      },
    );

    it('notifies the operations topic from every alarm, and e-mails it when configured', () => {
      const topicRef = { Ref: logicalId(dev, dev.stack.observability.alarmTopic) };
      for (const alarm of alarms(dev)) expect(alarm).toMatchObject({ AlarmActions: [topicRef], OKActions: [topicRef] });
      dev.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
      custom.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    });

    it.each([
      { stage: 'dev', synthesized: dev },
      { stage: 'prod', synthesized: prod },
    ])('builds one dashboard per stage ($stage)', ({ stage, synthesized }) => {
      synthesized.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: `hookrelay-${stage}` });
    });
  });

  describe('outputs', () => {
    it.each(providerNames)('outputs the webhook URL, topic ARN, secret name, queue and DLQ of %s under the keys the tools read', (provider) => {
      const outputs = dev.template.toJSON()['Outputs'] as Record<string, unknown>;
      for (const thing of ['WebhookUrl', 'TopicArn', 'SecretName', 'QueueUrl', 'QueueArn', 'DlqUrl', 'DlqArn'] as const) {
        expect(outputs).toHaveProperty(outputKey(provider, thing));
      }
      const pipeline = pipelineOf(dev, provider);
      dev.template.hasOutput(outputKey(provider, 'TopicArn'), { Value: { Ref: logicalId(dev, pipeline.topic) } });
      dev.template.hasOutput(outputKey(provider, 'WebhookUrl'), {
        Value: { 'Fn::Join': ['', Match.arrayWith([`/webhooks/${provider}`])] },
      });
    });

    it('outputs the webhook URLs on the custom domain when there is one', () => {
      custom.template.hasOutput('StripeWebhookUrl', { Value: 'https://hooks.example.com/webhooks/stripe' });
    });

    it('outputs the payload bucket name, which subscribers are granted s3:GetObject on', () => {
      dev.template.hasOutput('PayloadBucketName', { Value: { Ref: logicalId(dev, dev.stack.payloads.bucket) } });
    });

    it('outputs the dashboard URL', () => {
      const url = resolveWithStandIns(dev.template.toJSON()['Outputs']['DashboardUrl']['Value']);
      expect(url).toBe(
        `https://<Ref:AWS::Region>.console.aws.amazon.com/cloudwatch/home?region=<Ref:AWS::Region>#dashboards:name=<Ref:${logicalId(dev, dev.stack.observability.dashboard)}>`,
      );
    });
  });

  describe('stages', () => {
    it.each([
      { stage: 'dev', synthesized: dev, policy: 'Delete', days: 30 },
      { stage: 'prod', synthesized: prod, policy: 'Retain', days: 365 },
    ])('retains data and logs only in prod ($stage)', ({ synthesized, policy, days }) => {
      for (const type of ['AWS::SQS::Queue', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
        for (const resource of Object.values(synthesized.template.findResources(type))) expect(resource['DeletionPolicy']).toBe(policy);
      }
      for (const logGroup of Object.values(synthesized.template.findResources('AWS::Logs::LogGroup'))) {
        expect(logGroup['Properties']).toMatchObject({ RetentionInDays: days });
      }
    });
  });
});
