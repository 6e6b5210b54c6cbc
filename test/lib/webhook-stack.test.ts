import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { methodsOf } from '../../lambdas/core/provider';
import { findProvider, providerNames } from '../../lambdas/core/registry';
import { WebhookError, type WebhookErrorCode } from '../../lambdas/core/errors';
import { errorResponse } from '../../lambdas/http/responses';
import { SOURCE_NOT_ALLOWED_MESSAGE } from '../../lambdas/http/source-allowlist';
import { loadProcessorConfig, loadVerifierConfig } from '../../lambdas/runtime-config';
import { GATEWAY_ANSWERS, type IngressApi } from '../../lib/constructs/ingress-api';
import { SIGNATURE_REJECTION_CODES } from '../../lib/constructs/alarms';
import { MAX_ALARMS_PER_STATUS_WIDGET } from '../../lib/constructs/observability';
import { INITIAL_SECRET_VALUE } from '../../lib/constructs/route-secret';
import { COUNTED_COMMON_RULES } from '../../lib/constructs/webhook-firewall';
import { registeredProviderMethods } from '../../lib/webhook-stack';
import { outputKey, providerQueues, providerTopicArns } from '../../tools/lib/stack-outputs';
import { LEDGER_DYNAMODB_ACTIONS } from '../../lambdas/adapters/ledger-actions';
import { ledgerActions } from '../../lib/constructs/idempotency-table';
import { createPipeline, processorContext, restApiEvent, verifierContext, type RecordedCall } from '../../bench/pipeline';
import { FaultPlan, injectFaults } from '../helpers/fault-injection';
import { everyOption, logicalIdOf, resolveWithStandIns, routeNamed, synthesizeStage, type SynthesizedStage } from './synth';

// Each stage is synthesized once for the whole file; the tests read the shared templates.
const dev = synthesizeStage('dev');
const prod = synthesizeStage('prod');
// Every option, and the generic provider answering GET as well (the registry has no such provider
// yet): its two routes get a GET method, every other route stays POST-only.
const custom = synthesizeStage('dev', everyOption, {
  providerMethods: (provider) => (provider === 'generic' ? ['GET', 'POST'] : registeredProviderMethods(provider)),
});

const pipelineOf = (synthesized: SynthesizedStage, provider: string) => synthesized.providerStack(provider).pipeline;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of the policies attached to `role`, in its own stack's template. */
function statementsOfRole(synthesized: SynthesizedStage, role: IConstruct): Statement[] {
  const policies = synthesized.templateOf(role).findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: logicalIdOf(role) }]) },
  });
  return Object.values(policies).flatMap(
    (policy) => (policy['Properties'] as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
  );
}

const actionsOf = (statements: readonly Statement[]): string[] =>
  [...new Set(statements.flatMap((statement) => [statement.Action].flat()))].sort();

const IAM_PREFIX: Record<string, string> = { DynamoDB: 'dynamodb', SQS: 'sqs', SNS: 'sns', S3: 's3', SecretsManager: 'secretsmanager' };

/** The IAM action that authorises a recorded SDK call. */
function iamActionOf(call: RecordedCall): string {
  const prefix = IAM_PREFIX[call.client];
  if (prefix === undefined) throw new Error(`no IAM prefix known for the ${call.client} client`);
  // SNS authorises a PublishBatch entry by entry, as sns:Publish.
  return call.client === 'SNS' && call.command === 'PublishBatch' ? 'sns:Publish' : `${prefix}:${call.command}`;
}

function environmentOf(synthesized: SynthesizedStage, fn: IConstruct): Record<string, string> {
  const resource = synthesized.templateOf(fn).toJSON()['Resources'][logicalIdOf(fn)] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
  return Object.fromEntries(Object.entries(resource.Properties.Environment.Variables).map(([name, value]) => [name, resolveWithStandIns(value)]));
}

/** Every resource of `type` in the root and nested templates, with its properties and policies. */
function resourcesEverywhere(synthesized: SynthesizedStage, type: string): Array<Record<string, any>> {
  return synthesized.templates.flatMap((template: Template) => Object.values(template.findResources(type)));
}

/** The stage's REST API (the default ingress). */
function restIngress(synthesized: SynthesizedStage): IngressApi {
  const { ingress } = synthesized.stack;
  if (ingress.apiType !== 'rest') throw new Error(`expected a REST API, found ${ingress.apiType}`);
  return ingress;
}

const methodsOfRoute = (synthesized: SynthesizedStage, route: string) =>
  restIngress(synthesized).webhookMethods.get(route)!.map((method) => method.httpMethod).sort();

describe('Stack: WebhookStack', () => {
  describe('stacks', () => {
    it("puts each provider's queue, DLQ, processor, topic, its routes' secrets and its alarms in a nested stack of its own", () => {
      // Assess
      expect(custom.stack.providerStacks.map((stack) => stack.provider)).toEqual(['stripe', 'github', 'shopify', 'twilio', 'generic']);
      const stripe = custom.providerStack('stripe');
      const nested = custom.templateOf(stripe.pipeline.queue);
      expect(nested).not.toBe(custom.template);
      nested.resourceCountIs('AWS::SQS::Queue', 2);
      nested.resourceCountIs('AWS::SNS::Topic', 1);
      nested.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      // Two routes: stripe and stripe-eu, each with its secret and its signature alarm.
      nested.resourceCountIs('AWS::SecretsManager::Secret', 2);
      expect(stripe.alarms.map((alarm) => custom.templateOf(alarm) === nested)).toEqual(stripe.alarms.map(() => true));
      expect(stripe.alarms).toHaveLength(6 + 2);
    });

    it("keeps in the root stack only what every route shares, one nested stack per provider, and each route's API resource and methods", () => {
      // Assess
      const rootTypes = new Set(Object.values(dev.template.toJSON()['Resources'] as Record<string, { Type: string }>).map((resource) => resource.Type));
      for (const type of ['AWS::Lambda::EventSourceMapping', 'AWS::SecretsManager::Secret']) {
        expect(rootTypes).not.toContain(type);
      }
      // The root's only queue is the archive's dead-letter queue; its subscriptions, the archive's.
      expect(Object.keys(dev.template.findResources('AWS::SQS::Queue'))).toEqual([logicalIdOf(dev.stack.archive!.deadLetterQueue)]);
      dev.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'firehose' }, providerNames.length);
      dev.template.resourceCountIs('AWS::SNS::Subscription', providerNames.length);
      dev.template.resourceCountIs('AWS::CloudFormation::Stack', providerNames.length);
      dev.template.resourceCountIs('AWS::Lambda::Function', 2); // the verifier and CDK's bucket-emptying function
      dev.template.resourceCountIs('AWS::CloudWatch::Alarm', 6); // API 5xx, the verifier's three and the archive's two
      // One method per method each route answers (GET too for Meta and Okta), and GET /health.
      const routeMethods = providerNames.reduce((count, provider) => count + methodsOf(findProvider(provider)!).length, 0);
      expect(routeMethods).toBeGreaterThan(providerNames.length);
      dev.template.resourceCountIs('AWS::ApiGateway::Method', routeMethods + 1);
    });
  });

  describe('ingress API', () => {
    it('creates /webhooks/{route} for each route, each method a Lambda proxy integration with the one verifier', () => {
      // Assess
      const verifierArn = { 'Fn::GetAtt': [logicalIdOf(custom.stack.verifier), 'Arn'] };
      for (const route of Object.keys(everyOption.routes!)) {
        custom.template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: route });
      }
      const webhookMethods = custom.template.findResources('AWS::ApiGateway::Method', {
        Properties: { Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([verifierArn])] }) } },
      });
      // Seven routes, POST each, and GET on the two generic ones.
      expect(Object.keys(webhookMethods)).toHaveLength(7 + 2);
    });

    it("answers GET only on routes whose provider declares it, with the route's integration, throttling and allowlist; every other route is POST-only", () => {
      // Assess
      expect(methodsOfRoute(custom, 'generic')).toEqual(['GET', 'POST']);
      expect(methodsOfRoute(custom, 'partner-a')).toEqual(['GET', 'POST']);
      for (const route of ['stripe', 'stripe-eu', 'github', 'shopify', 'twilio']) expect(methodsOfRoute(custom, route)).toEqual(['POST']);
      const [get, post] = restIngress(custom).webhookMethods.get('partner-a')!.slice().sort((a, b) => a.httpMethod.localeCompare(b.httpMethod));
      const integrationOf = (method: IConstruct) => custom.template.toJSON()['Resources'][logicalIdOf(method)]['Properties']['Integration'];
      expect(integrationOf(get!)).toEqual(integrationOf(post!));
      custom.template.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: Match.arrayWith([
          Match.objectLike({ ResourcePath: '/~1webhooks~1partner-a', HttpMethod: 'GET', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
          Match.objectLike({ ResourcePath: '/~1webhooks~1partner-a', HttpMethod: 'POST', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
        ]),
      });
      const statements = custom.template.findResources('AWS::ApiGateway::RestApi')[logicalIdOf(restIngress(custom).api)]!['Properties'].Policy.Statement as Statement[];
      // Any method: the allowlist covers GET as well as POST.
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Resource: 'execute-api:/*/*/webhooks/partner-a' }));
    });

    it('answers POST only on every route of the registered providers, none of which declares GET', () => {
      // Assess
      for (const provider of providerNames) {
        expect(registeredProviderMethods(provider)).toEqual(methodsOf(findProvider(provider)!));
        expect(methodsOfRoute(dev, provider)).toEqual([...registeredProviderMethods(provider)].sort());
      }
      expect(() => registeredProviderMethods('paypal')).toThrow(/No provider "paypal" in lambdas\/core\/registry\.ts/);
    });

    it('lets API Gateway invoke the verifier through one permission: from this API and stage, any method, /webhooks/* only', () => {
      // Assess
      for (const synthesized of [dev, custom]) {
        const permissions = Object.values(synthesized.template.findResources('AWS::Lambda::Permission'));
        expect(permissions).toHaveLength(1);
        expect(permissions[0]!['Properties']).toMatchObject({
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [logicalIdOf(synthesized.stack.verifier), 'Arn'] },
        });
        expect(resolveWithStandIns(permissions[0]!['Properties']['SourceArn'])).toBe(
          `arn:<Ref:AWS::Partition>:execute-api:<Ref:AWS::Region>:<Ref:AWS::AccountId>:<Ref:${logicalIdOf(restIngress(synthesized).api)}>/dev/*/webhooks/*`,
        );
      }
    });

    it('throttles each route with its own limits, routes of one provider apart, and the stage with the stage limits', () => {
      custom.template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'dev',
        MethodSettings: Match.arrayWith([
          Match.objectLike({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
          Match.objectLike({ ResourcePath: '/~1webhooks~1stripe', HttpMethod: 'POST', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }),
          Match.objectLike({ ResourcePath: '/~1webhooks~1stripe-eu', HttpMethod: 'POST', ThrottlingRateLimit: 30, ThrottlingBurstLimit: 60 }),
          Match.objectLike({ ResourcePath: '/~1webhooks~1github', HttpMethod: 'POST', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
        ]),
      });
    });

    it('answers GET /health from API Gateway itself with every route, its provider and its methods', () => {
      // Act
      const health = Object.values(custom.template.findResources('AWS::ApiGateway::Method', { Properties: { Integration: { Type: 'MOCK' } } }))[0]!;
      const body = JSON.parse(health['Properties'].Integration.IntegrationResponses[0].ResponseTemplates['application/json'] as string);

      // Assess
      expect(body).toEqual({
        status: 'ok',
        providers: Object.keys(everyOption.routes!),
        routes: expect.arrayContaining([
          { route: 'stripe-eu', provider: 'stripe', methods: ['POST'] },
          { route: 'partner-a', provider: 'generic', methods: ['GET', 'POST'] },
        ]),
      });
      expect(body.routes).toHaveLength(7);
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

    it("gives every answer of API Gateway's own the status and Retry-After the verifier gives its code (the one code table)", () => {
      // Act
      const responses = Object.values(custom.template.findResources('AWS::ApiGateway::GatewayResponse')) as Array<{
        Properties: { ResponseType: string; StatusCode?: string; ResponseParameters: Record<string, string>; ResponseTemplates: Record<string, string> };
      }>;

      // Assess
      expect(responses).toHaveLength(GATEWAY_ANSWERS.length);
      for (const { Properties: response } of responses) {
        const { code } = JSON.parse(response.ResponseTemplates['application/json']!) as { code: WebhookErrorCode };
        const verifiers = errorResponse(new WebhookError(code, 'the verifier refusing with the same code'));
        const retryAfter = verifiers.headers?.['Retry-After'];
        expect({
          type: response.ResponseType,
          status: response.StatusCode,
          retryAfter: response.ResponseParameters['gatewayresponse.header.Retry-After'],
        }).toEqual({
          type: response.ResponseType,
          // DEFAULT_5XX stands for every 5xx and keeps each one's status.
          status: response.ResponseType === 'DEFAULT_5XX' ? undefined : String(verifiers.statusCode),
          retryAfter: retryAfter === undefined ? undefined : `'${retryAfter}'`,
        });
      }
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
      const accessLogsId = logicalIdOf(synthesized.stack.ingress.accessLogs);
      const stage = Object.values(synthesized.template.findResources('AWS::ApiGateway::Stage'))[0]!['Properties'] as {
        AccessLogSetting: { DestinationArn: unknown; Format: string };
      };
      expect(stage.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': [accessLogsId, 'Arn'] });
      const format = JSON.parse(stage.AccessLogSetting.Format) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', resourcePath: '$context.resourcePath' });
      expect(Object.values(format).filter((variable) => /body|requestOverride|responseOverride/i.test(variable))).toEqual([]);
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

    it('denies a restricted route, any method, outside its allowed CIDR blocks, and has no resource policy otherwise', () => {
      custom.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
        Policy: {
          Statement: [
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'execute-api:Invoke',
              Resource: 'execute-api:/*/*/webhooks/stripe',
              Condition: { NotIpAddress: { 'aws:SourceIp': ['3.18.12.63/32', '2600:1f18::/32'] } },
            },
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'execute-api:Invoke',
              Resource: 'execute-api:/*/*/webhooks/partner-a',
              Condition: { NotIpAddress: { 'aws:SourceIp': ['198.51.100.0/24'] } },
            },
          ],
        },
      });
      dev.template.hasResourceProperties('AWS::ApiGateway::RestApi', { Policy: Match.absent() });
    });

    it('refuses a source outside the allowlist with the body the verifier gives it where the verifier enforces the list', () => {
      custom.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'ACCESS_DENIED',
        ResponseTemplates: { 'application/json': JSON.stringify({ error: SOURCE_NOT_ALLOWED_MESSAGE, code: 'FORBIDDEN' }) },
      });
    });

    it("keeps a REST API's allowlists out of the verifier's environment: the resource policy enforces them", () => {
      const routes = JSON.parse(environmentOf(custom, custom.stack.verifier)['HOOKRELAY_ROUTES']!) as Record<string, { allowedSourceCidrs?: string[] }>;
      expect(Object.values(routes).filter((route) => route.allowedSourceCidrs !== undefined)).toEqual([]);
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
          synthesized.templateOf(pipeline.queue).hasResourceProperties('AWS::SQS::Queue', {
            RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(pipeline.deadLetterQueue), 'Arn'] }, maxReceiveCount },
          });
        }
      }
    });

    it('encrypts every queue, refuses non-TLS access and sets the 1 MiB maximum message size explicitly', () => {
      const queues = resourcesEverywhere(dev, 'AWS::SQS::Queue');
      // Each provider's queue and DLQ, and the archive's dead-letter queue.
      expect(queues).toHaveLength(2 * providerNames.length + 1);
      for (const queue of queues) expect(queue['Properties']).toMatchObject({ SqsManagedSseEnabled: true, MaximumMessageSize: 1_048_576 });
      const tlsOnly = resourcesEverywhere(dev, 'AWS::SQS::QueuePolicy').filter((policy) =>
        (policy['Properties'].PolicyDocument.Statement as Statement[]).some(
          (statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        ),
      );
      expect(tlsOnly).toHaveLength(2 * providerNames.length + 1);
    });

    it.each([
      { case: 'defaults', synthesized: dev, processorTimeout: 30, visibility: 180 },
      { case: 'configured processor timeout and batching window', synthesized: custom, processorTimeout: 20, visibility: 6 * 20 + 2 },
    ])('sets each queue visibility timeout to at least 6 × the processor timeout ($case)', ({ synthesized, processorTimeout, visibility }) => {
      for (const pipeline of synthesized.stack.pipelines) {
        const resources = synthesized.templateOf(pipeline.queue).toJSON()['Resources'];
        expect(resources[logicalIdOf(pipeline.queue)]['Properties']['VisibilityTimeout']).toBe(visibility);
        expect(resources[logicalIdOf(pipeline.processor)]['Properties']['Timeout']).toBe(processorTimeout);
        expect(visibility).toBeGreaterThanOrEqual(6 * processorTimeout);
      }
    });

    it('keeps dead letters for 14 days and queued events for 4', () => {
      const pipeline = pipelineOf(dev, 'stripe');
      const resources = dev.templateOf(pipeline.queue).toJSON()['Resources'];
      expect(resources[logicalIdOf(pipeline.deadLetterQueue)]['Properties']['MessageRetentionPeriod']).toBe(14 * 86_400);
      expect(resources[logicalIdOf(pipeline.queue)]['Properties']['MessageRetentionPeriod']).toBe(4 * 86_400);
    });

    it.each([
      { case: 'defaults', synthesized: dev, batch: { BatchSize: 10, MaximumBatchingWindowInSeconds: Match.absent(), ScalingConfig: { MaximumConcurrency: 5 } } },
      { case: 'configured', synthesized: custom, batch: { BatchSize: 25, MaximumBatchingWindowInSeconds: 2, ScalingConfig: { MaximumConcurrency: 7 } } },
    ])('feeds each processor from its own queue with partial batch failures and the batching from config ($case)', ({ synthesized, batch }) => {
      for (const pipeline of synthesized.stack.pipelines) {
        synthesized.templateOf(pipeline.queue).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(pipeline.queue), 'Arn'] },
          FunctionName: { Ref: logicalIdOf(pipeline.processor) },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ...batch,
        });
      }
    });

    it('encrypts each topic with the customer-managed, rotating key of the root stack and refuses non-TLS publishing', () => {
      const keyArn = { 'Fn::GetAtt': [logicalIdOf(dev.stack.topicKey), 'Arn'] };
      dev.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      dev.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
      for (const stack of dev.stack.providerStacks) {
        const topic = dev.templateOf(stack.pipeline.topic).toJSON()['Resources'][logicalIdOf(stack.pipeline.topic)]['Properties'];
        expect(dev.throughParameters(stack, topic.KmsMasterKeyId)).toEqual(keyArn);
      }
      const tlsOnly = resourcesEverywhere(dev, 'AWS::SNS::TopicPolicy').filter((policy) =>
        (policy['Properties'].PolicyDocument.Statement as Statement[]).some((statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Condition).includes('SecureTransport')),
      );
      expect(tlsOnly).toHaveLength(providerNames.length + 1);
    });

    it('gives each processor PROVIDER, TOPIC_ARN, IDEMPOTENCY_TABLE_NAME and IDEMPOTENCY_WINDOW_SECONDS that its loader accepts', () => {
      for (const stack of dev.stack.providerStacks) {
        const { pipeline } = stack;
        const config = loadProcessorConfig(environmentOf(dev, pipeline.processor));
        expect(config).toMatchObject({ provider: pipeline.provider, topicArn: `<Ref:${logicalIdOf(pipeline.topic)}>`, idempotencyWindowSeconds: 604_800 });
        const tableName = (dev.templateOf(pipeline.processor).toJSON()['Resources'][logicalIdOf(pipeline.processor)]['Properties'].Environment.Variables as Record<string, unknown>)['IDEMPOTENCY_TABLE_NAME'];
        expect(dev.throughParameters(stack, tableName)).toEqual({ Ref: logicalIdOf(dev.stack.idempotency.table) });
      }
    });

    it('creates one pipeline per provider however many routes use it, for the providers of the routes only', () => {
      expect(custom.stack.pipelines.map((pipeline) => pipeline.provider)).toEqual(['stripe', 'github', 'shopify', 'twilio', 'generic']);
      // Two per provider, and the archive's dead-letter queue.
      expect(resourcesEverywhere(custom, 'AWS::SQS::Queue')).toHaveLength(2 * 5 + 1);
      expect(resourcesEverywhere(custom, 'AWS::Lambda::EventSourceMapping')).toHaveLength(5);
    });
  });

  describe('routes', () => {
    it('creates each route\'s own secret <stackName>/<route> holding {"secrets":[],"verifyTokens":[]}, routes of one provider apart', () => {
      // Assess
      const secrets = resourcesEverywhere(dev, 'AWS::SecretsManager::Secret');
      expect(secrets.map((secret) => secret['Properties'].Name).sort()).toEqual(providerNames.map((name) => `hookrelay-dev/${name}`).sort());
      for (const secret of secrets) {
        expect(JSON.parse(secret['Properties'].SecretString as string)).toEqual({ secrets: [], verifyTokens: [] });
        expect(secret['Properties'].GenerateSecretString).toBeUndefined();
      }
      expect(INITIAL_SECRET_VALUE).toEqual({ secrets: [], verifyTokens: [] });
      const stripeSecrets = resourcesEverywhere(custom, 'AWS::SecretsManager::Secret').filter((secret) => String(secret['Properties'].Name).startsWith('hookrelay-dev/stripe'));
      expect(stripeSecrets.map((secret) => secret['Properties'].Name).sort()).toEqual(['hookrelay-dev/stripe', 'hookrelay-dev/stripe-eu']);
    });

    it('references existing secrets by name or ARN instead of creating them', () => {
      // Five of the seven routes get a created secret; github and shopify name theirs.
      expect(resourcesEverywhere(custom, 'AWS::SecretsManager::Secret')).toHaveLength(5);
      expect(custom.stack.routeSecrets.get('github')).toMatchObject({ secretId: 'hookrelay/github', created: false });
      expect(custom.stack.routeSecrets.get('shopify')).toMatchObject({
        secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hookrelay/shopify-AbCdEf',
        created: false,
      });
    });

    it("gives each route its own verifier settings: provider when it differs from the route's name, the provider's queue, the route's secret", () => {
      // Act
      const { routes } = loadVerifierConfig(environmentOf(custom, custom.stack.verifier));
      const settings = JSON.parse(environmentOf(custom, custom.stack.verifier)['HOOKRELAY_ROUTES']!) as Record<string, Record<string, unknown>>;

      // Assess
      const queueOf = (provider: string) => `https://sqs.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/<Ref:AWS::AccountId>/hookrelay-dev-${provider}`;
      expect(routes['stripe-eu']).toEqual({ provider: 'stripe', queueUrl: queueOf('stripe'), secretId: 'hookrelay-dev/stripe-eu', publicUrl: 'https://hooks.example.com' });
      expect(routes['stripe']).toMatchObject({ queueUrl: queueOf('stripe'), secretId: 'hookrelay-dev/stripe' });
      expect(routes['stripe']!.provider).toBeUndefined();
      expect(routes['partner-a']).toMatchObject({ provider: 'generic', queueUrl: queueOf('generic'), options: routeNamed(custom, 'partner-a').options });
      expect(routes['generic']).toMatchObject({ options: routeNamed(custom, 'generic').options });
      // Derived values stay out of the environment: stripe-eu carries only its provider.
      expect(settings['stripe-eu']).toEqual({ provider: 'stripe' });
    });

    it('creates each queue and DLQ with the physical name the verifier derives from the provider, and each secret from the route', () => {
      for (const pipeline of dev.stack.pipelines) {
        const resources = dev.templateOf(pipeline.queue).toJSON()['Resources'];
        expect(resources[logicalIdOf(pipeline.queue)]['Properties']['QueueName']).toBe(`hookrelay-dev-${pipeline.provider}`);
        expect(resources[logicalIdOf(pipeline.deadLetterQueue)]['Properties']['QueueName']).toBe(`hookrelay-dev-${pipeline.provider}-dlq`);
      }
      for (const [route, secret] of custom.stack.routeSecrets) {
        if (!secret.created) continue;
        expect(custom.templateOf(secret.secret).toJSON()['Resources'][logicalIdOf(secret.secret)]['Properties']['Name']).toBe(`hookrelay-dev/${route}`);
      }
    });
  });

  describe('verifier', () => {
    it("sets HOOKRELAY_ROUTES that the verifier's own loader accepts, with one route per registered provider by default", () => {
      const config = loadVerifierConfig(environmentOf(dev, dev.stack.verifier));
      expect(Object.keys(config.routes)).toEqual(providerNames);
      for (const provider of providerNames) {
        expect(config.routes[provider]).toEqual({
          queueUrl: `https://sqs.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/<Ref:AWS::AccountId>/hookrelay-dev-${provider}`,
          secretId: `hookrelay-dev/${provider}`,
        });
      }
    });

    it('derives each queue URL and secret name from two prefixes: a route with every default is {} in HOOKRELAY_ROUTES', () => {
      const environment = environmentOf(dev, dev.stack.verifier);
      expect(JSON.parse(environment['HOOKRELAY_ROUTES']!)).toEqual(Object.fromEntries(providerNames.map((name) => [name, {}])));
      expect(environment).toMatchObject({
        HOOKRELAY_QUEUE_URL_PREFIX: 'https://sqs.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>/<Ref:AWS::AccountId>/hookrelay-dev-',
        HOOKRELAY_SECRET_NAME_PREFIX: 'hookrelay-dev/',
      });
    });

    it('lets only its own queue dead-letter into each DLQ (redrive allow policy by queue, named by ARN without a reference cycle)', () => {
      for (const pipeline of dev.stack.pipelines) {
        const dlq = dev.templateOf(pipeline.queue).toJSON()['Resources'][logicalIdOf(pipeline.deadLetterQueue)]['Properties'];
        expect(dlq.RedriveAllowPolicy.redrivePermission).toBe('byQueue');
        expect(dlq.RedriveAllowPolicy.sourceQueueArns.map(resolveWithStandIns)).toEqual([
          `arn:<Ref:AWS::Partition>:sqs:<Ref:AWS::Region>:<Ref:AWS::AccountId>:hookrelay-dev-${pipeline.provider}`,
        ]);
      }
    });

    it('passes tolerance, public URL, signed URL and options to a route only when configured, the public URL defaulting to the custom domain', () => {
      const environment = environmentOf(custom, custom.stack.verifier);
      const { routes } = loadVerifierConfig(environment);
      expect(environment['HOOKRELAY_PUBLIC_BASE_URL']).toBe('https://hooks.example.com');
      expect(routes['stripe']).toMatchObject({ toleranceSeconds: 600, publicUrl: 'https://hooks.example.com' });
      expect(routes['twilio']).toMatchObject({
        publicUrl: 'https://twilio-hooks.example.com',
        signedUrl: 'https://twilio-hooks.example.com/webhooks/twilio?account=AC1',
      });
      expect(routes['stripe']!.signedUrl).toBeUndefined();
      expect(routes['github']).toMatchObject({ secretId: 'hookrelay/github' });
      expect(routes['github']!.options).toBeUndefined();
      expect(routes['github']!.toleranceSeconds).toBeUndefined();
    });

    it('sets the idempotency, secrets cache and claim-check variables', () => {
      const config = loadVerifierConfig(environmentOf(dev, dev.stack.verifier));
      expect(config).toMatchObject({
        idempotencyTableName: `<Ref:${logicalIdOf(dev.stack.idempotency.table)}>`,
        idempotencyWindowSeconds: 604_800,
        secretsRefreshSeconds: 300,
        secretsMaxStaleSeconds: 3_600,
        payloadBucketName: `<Ref:${logicalIdOf(dev.stack.payloads.bucket)}>`,
        largePayloadThresholdBytes: 200_000,
      });
    });

    it('runs with a 10 s timeout and 512 MB, reserving concurrency only when configured', () => {
      const properties = (synthesized: SynthesizedStage) => synthesized.template.toJSON()['Resources'][logicalIdOf(synthesized.stack.verifier)]['Properties'];
      expect(properties(dev)).toMatchObject({ Timeout: 10, MemorySize: 512 });
      expect(properties(dev)['ReservedConcurrentExecutions']).toBeUndefined();
      expect(properties(custom)).toMatchObject({ ReservedConcurrentExecutions: 40, TracingConfig: { Mode: 'Active' } });
    });
  });

  describe('least privilege', () => {
    it('lets the verifier put, get and delete ledger items, send to the provider queues, read the route secrets and put payloads — nothing more', () => {
      const statements = statementsOfRole(dev, dev.stack.verifier.executionRole);
      expect(actionsOf(statements)).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:PutObject',
        'secretsmanager:GetSecretValue',
        'sqs:SendMessage',
      ]);
      const tableArn = { 'Fn::GetAtt': [logicalIdOf(dev.stack.idempotency.table), 'Arn'] };
      expect(statements).toContainEqual({ Effect: 'Allow', Action: ledgerActions('verifier'), Resource: [tableArn] });
    });

    it("lets the verifier send to exactly each provider's queue and read exactly each route's secret, across the nested stacks, in one statement each", () => {
      for (const synthesized of [dev, custom]) {
        // Prepare: each ARN as its nested stack defines it
        const statements = statementsOfRole(synthesized, synthesized.stack.verifier.executionRole).map((statement) => synthesized.throughNestedOutputs(statement) as Statement);
        const send = statements.filter((statement) => statement.Action === 'sqs:SendMessage');
        const read = statements.filter((statement) => statement.Action === 'secretsmanager:GetSecretValue');

        // Assess
        expect(send).toHaveLength(1);
        expect([send[0]!.Resource].flat()).toEqual(synthesized.stack.pipelines.map((pipeline) => ({ 'Fn::GetAtt': [logicalIdOf(pipeline.queue), 'Arn'] })));
        expect(read).toHaveLength(1);
        const expectedSecrets = [...synthesized.stack.routeSecrets.values()].map((secret) =>
          secret.created ? { Ref: logicalIdOf(secret.secret) } : expect.anything(),
        );
        expect([read[0]!.Resource].flat()).toEqual(expectedSecrets);
      }
    });

    it('gives the verifier sqs:SendMessage only: it derives queue URLs, so no GetQueueUrl or GetQueueAttributes, and SQS-managed encryption needs no KMS', () => {
      const actions = actionsOf(statementsOfRole(prod, prod.stack.verifier.executionRole));
      expect(actions.filter((action) => action.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
      expect(actions.filter((action) => action.startsWith('kms:'))).toEqual([]);
    });

    it('lets the verifier decrypt an existing secret with its customer-managed key, through Secrets Manager in this region only', () => {
      const statements = statementsOfRole(custom, custom.stack.verifier.executionRole);
      const kms = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('kms:')));
      expect(kms).toHaveLength(1);
      expect(kms[0]).toMatchObject({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      });
      const viaService = (kms[0] as unknown as { Condition: { StringEquals: Record<string, unknown> } }).Condition.StringEquals['kms:ViaService'];
      expect(resolveWithStandIns(custom.throughNestedOutputs(viaService))).toBe('secretsmanager.<Ref:AWS::Region>.amazonaws.com');
    });

    it('grants GetSecretValue on the suffixed ARN of a secret referenced by name and on the exact ARN otherwise', () => {
      const statements = statementsOfRole(custom, custom.stack.verifier.executionRole);
      const secretResources = statements
        .filter((statement) => statement.Action === 'secretsmanager:GetSecretValue')
        .flatMap((statement) => [custom.throughNestedOutputs(statement.Resource)].flat().map((resource) => resolveWithStandIns(resource)));
      expect(secretResources).toEqual(
        expect.arrayContaining([
          'arn:<Ref:AWS::Partition>:secretsmanager:<Ref:AWS::Region>:<Ref:AWS::AccountId>:secret:hookrelay/github-??????',
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hookrelay/shopify-AbCdEf',
        ]),
      );
    });

    it('lets each processor consume its own queue, publish to its own topic and batch-read and batch-write the root table\'s ledger — nothing more', () => {
      for (const stack of dev.stack.providerStacks) {
        const { pipeline } = stack;
        const statements = statementsOfRole(dev, pipeline.processor.executionRole).map((statement) => dev.throughParameters(stack, statement) as Statement);
        expect(actionsOf(statements)).toEqual([
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
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
        expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: logicalIdOf(pipeline.topic) } });
        expect(statements).toContainEqual(
          expect.objectContaining({ Action: expect.arrayContaining(['sqs:ReceiveMessage']), Resource: { 'Fn::GetAtt': [logicalIdOf(pipeline.queue), 'Arn'] } }),
        );
        expect(statements).toContainEqual(
          expect.objectContaining({ Action: ledgerActions('processor'), Resource: [{ 'Fn::GetAtt': [logicalIdOf(dev.stack.idempotency.table), 'Arn'] }] }),
        );
        expect(statements).toContainEqual({ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [logicalIdOf(dev.stack.topicKey), 'Arn'] } });
      }
    });

    it('allows every AWS call the verifier and a processor make, on each path of the ledger, and the ledger calls exactly what it is granted', async () => {
      // Prepare: the handlers against the local stand-ins, every call of their clients recorded
      const pipeline = await createPipeline('permissions');
      const faults = new FaultPlan();
      injectFaults(pipeline.clients.verifier.sqs, faults);
      const first = restApiEvent();
      const large = restApiEvent(300 * 1024);

      // Act: accept (and claim-check a large payload), a duplicate while the event is in flight
      // (the ledger polls it, then answers 409), publish, the same batch redelivered, a replay of a
      // published event, an enqueue that fails (the ledger releases the event)
      const answers = [await pipeline.verifier(first.event, verifierContext()), await pipeline.verifier(large.event, verifierContext())];
      answers.push(await pipeline.verifier(first.event, verifierContext()));
      const batch = await pipeline.receiveBatch(10, 1);
      if (!batch) throw new Error('nothing was enqueued');
      const processed = await pipeline.processor(batch, processorContext());
      await pipeline.processor(batch, processorContext());
      await pipeline.deleteProcessed(batch, processed);
      answers.push(await pipeline.verifier(first.event, verifierContext()));
      faults.add({ service: 'SQS', command: 'SendMessage', times: 1 });
      answers.push(await pipeline.verifier(restApiEvent().event, verifierContext()));

      // Assess: the paths were taken
      expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 409, 200, 503]);
      expect(answers[3]!.headers).toMatchObject({ 'Idempotent-Replayed': 'true' });
      const stripe = dev.stack.providerStacks.find((stack) => stack.pipeline.provider === 'stripe')!;
      const granted = {
        verifier: actionsOf(statementsOfRole(dev, dev.stack.verifier.executionRole)),
        processor: actionsOf(statementsOfRole(dev, stripe.pipeline.processor.executionRole)),
      };
      for (const side of ['verifier', 'processor'] as const) {
        const calls = pipeline.recorders[side].take();
        // Assess: each call is allowed (SNS authorises PublishBatch as sns:Publish)
        const needed = [...new Set(calls.map(iamActionOf))].sort();
        expect({ side, notGranted: needed.filter((action) => !granted[side].includes(action)) }).toEqual({ side, notGranted: [] });
        // Assess: the ledger's list is what its code calls, on these paths
        const ledgerCalls = [...new Set(calls.filter((call) => call.client === 'DynamoDB').map((call) => call.command))].sort();
        expect({ side, ledgerCalls }).toEqual({ side, ledgerCalls: [...LEDGER_DYNAMODB_ACTIONS[side]].sort() });
      }
    });

    it.each([
      { case: 'dev', synthesized: dev },
      { case: 'prod', synthesized: prod },
      { case: 'every option', synthesized: custom },
    ])('grants no wildcard action, and a wildcard resource only to X-Ray, in any stack ($case)', ({ synthesized }) => {
      for (const policy of resourcesEverywhere(synthesized, 'AWS::IAM::Policy')) {
        for (const statement of (policy['Properties'] as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement) {
          const actions = [statement.Action].flat();
          expect(actions.filter((action) => action.includes('*'))).toEqual([]);
          if (statement.Resource === '*') expect(actions.filter((action) => !action.startsWith('xray:'))).toEqual([]);
        }
      }
      expect(resourcesEverywhere(synthesized, 'AWS::IAM::ManagedPolicy')).toEqual([]);
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
      const topicRef = { Ref: logicalIdOf(dev.stack.observability.alarmTopic) };
      const policies = Object.values(dev.template.findResources('AWS::SNS::TopicPolicy', { Properties: { Topics: [topicRef] } }));
      expect(policies).toHaveLength(1);
      const statements = (policies[0]!['Properties'] as { PolicyDocument: { Statement: Array<Record<string, any>> } }).PolicyDocument.Statement;
      const publish = statements.filter((statement) => statement['Effect'] === 'Allow');
      expect(publish).toHaveLength(1);
      expect(publish[0]).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: topicRef });
      expect(alarmSourceConditions(publish[0]!['Condition'])).toEqual(thisStacksAlarms);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    });

    it("names every alarm, in every stack, with the stack's prefix, so the publish and key conditions cover them all", () => {
      const alarms = resourcesEverywhere(dev, 'AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThan(4);
      for (const alarm of alarms) expect((alarm['Properties'] as { AlarmName: string }).AlarmName).toMatch(/^hookrelay-dev-/);
    });
  });

  describe('observability', () => {
    interface AlarmProperties {
      readonly AlarmName: string;
      readonly Threshold: number;
      readonly Metrics?: readonly Record<string, unknown>[];
      readonly [property: string]: unknown;
    }
    const alarms = (synthesized: SynthesizedStage) => resourcesEverywhere(synthesized, 'AWS::CloudWatch::Alarm').map((alarm) => alarm['Properties'] as AlarmProperties);
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
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(pipeline.deadLetterQueue), 'QueueName'] } }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    });

    it('alarms on the age of the oldest message of each queue and of each DLQ', () => {
      for (const pipeline of dev.stack.pipelines) {
        expect(alarmNamed(dev, `hookrelay-dev-${pipeline.provider}-queue-backlog`)).toMatchObject({
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(pipeline.queue), 'QueueName'] } }],
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
        ['Stage', `<Ref:${logicalIdOf(restIngress(synthesized).api.deploymentStage)}>`],
      ]);
    });

    it("draws the dashboard's API lines from this stack's API stage only: every API Gateway metric has ApiName and Stage", () => {
      const dashboard = Object.values(dev.template.findResources('AWS::CloudWatch::Dashboard'))[0]!['Properties'] as { DashboardBody: unknown };
      const body = JSON.parse(resolveWithStandIns(dashboard.DashboardBody)) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> };
      const apiLines = body.widgets.flatMap((widget) => widget.properties.metrics ?? []).filter((line) => line[0] === 'AWS/ApiGateway');
      expect(apiLines.length).toBeGreaterThanOrEqual(5);
      const stageRef = `<Ref:${logicalIdOf(restIngress(dev).api.deploymentStage)}>`;
      for (const line of apiLines) expect(line.slice(2, 6)).toEqual(['ApiName', 'hookrelay-dev', 'Stage', stageRef]);
    });

    it('alarms on a spike of 401 refusals per route, summing the Rejected metric of every 401 code under the route', () => {
      expect(SIGNATURE_REJECTION_CODES).toEqual(['MISSING_SIGNATURE', 'MALFORMED_SIGNATURE', 'INVALID_SIGNATURE', 'TIMESTAMP_OUT_OF_TOLERANCE']);
      for (const route of ['stripe', 'stripe-eu', 'partner-a']) {
        const alarm = alarmNamed(custom, `hookrelay-dev-${route}-signature-rejections`);
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
                    { Name: 'provider', Value: route },
                    { Name: 'code', Value: code },
                  ]),
                },
              }),
            }),
          );
        }
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

    it('notifies the operations topic of the root stack from every alarm in every stack, and e-mails it when configured', () => {
      const topicRef = { Ref: logicalIdOf(dev.stack.observability.alarmTopic) };
      for (const alarm of Object.values(dev.template.findResources('AWS::CloudWatch::Alarm'))) {
        expect(alarm['Properties']).toMatchObject({ AlarmActions: [topicRef], OKActions: [topicRef] });
      }
      for (const stack of dev.stack.providerStacks) {
        const nestedAlarms = Object.values(dev.templateOf(stack).findResources('AWS::CloudWatch::Alarm'));
        expect(nestedAlarms).toHaveLength(7);
        for (const alarm of nestedAlarms) {
          expect(dev.throughParameters(stack, alarm['Properties'])).toMatchObject({ AlarmActions: [topicRef], OKActions: [topicRef] });
        }
      }
      // No e-mail subscription unless configured: the only ones are the archive's.
      expect(resourcesEverywhere(dev, 'AWS::SNS::Subscription').map((subscription) => subscription['Properties'].Protocol)).toEqual(providerNames.map(() => 'firehose'));
      custom.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    });

    it.each([
      { stage: 'dev', synthesized: dev },
      { stage: 'prod', synthesized: prod },
    ])('builds one dashboard per stage ($stage)', ({ stage, synthesized }) => {
      synthesized.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: `hookrelay-${stage}` });
    });

    it(`shows every alarm on the dashboard, at most ${MAX_ALARMS_PER_STATUS_WIDGET} per status widget (CloudWatch's limit)`, () => {
      const dashboard = Object.values(dev.template.findResources('AWS::CloudWatch::Dashboard'))[0]!['Properties'] as { DashboardBody: unknown };
      const body = JSON.parse(resolveWithStandIns(dev.throughNestedOutputs(dashboard.DashboardBody))) as { widgets: Array<{ type: string; properties: { alarms?: string[] } }> };
      const shown = body.widgets.filter((widget) => widget.type === 'alarm').map((widget) => widget.properties.alarms!);
      for (const alarms of shown) expect(alarms.length).toBeLessThanOrEqual(MAX_ALARMS_PER_STATUS_WIDGET);
      expect(shown.flat()).toHaveLength(dev.stack.observability.alarms.alarms.length);
      expect(shown.flat()).toHaveLength(4 + 2 + 7 * providerNames.length); // API and verifier, archive, each provider
    });
  });

  describe('outputs', () => {
    const outputsOf = (synthesized: SynthesizedStage) => synthesized.template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;

    it.each(Object.keys(everyOption.routes!))("outputs the webhook URL and secret name of route %s under the keys the tools read", (route) => {
      const outputs = outputsOf(custom);
      expect(resolveWithStandIns(outputs[outputKey(route, 'WebhookUrl')]!.Value)).toBe(`https://hooks.example.com/webhooks/${route}`);
      expect(outputs[outputKey(route, 'SecretName')]!.Value).toBe(custom.stack.routeSecrets.get(route)!.secretId);
    });

    it('outputs the topic ARN and queues of each provider, once however many routes use it', () => {
      const outputs = outputsOf(custom);
      for (const pipeline of custom.stack.pipelines) {
        expect(custom.throughNestedOutputs(outputs[outputKey(pipeline.provider, 'TopicArn')]!.Value)).toEqual({ Ref: logicalIdOf(pipeline.topic) });
        expect(outputs).toHaveProperty(outputKey(pipeline.provider, 'Queues'));
      }
      expect(Object.keys(outputs).filter((key) => key.endsWith('TopicArn'))).toHaveLength(5 + 1);
    });

    it("gives npm run redrive and npm run tail what they read: each provider's queue, DLQ and topic, and no provider topic but the providers'", () => {
      // Prepare: the outputs as CloudFormation would report them, each reference a recognisable stand-in
      const outputs = Object.fromEntries(
        Object.entries(outputsOf(dev)).map(([key, output]) => [key, resolveWithStandIns(dev.throughNestedOutputs(output.Value))]),
      );

      // Act
      const queues = providerQueues(outputs, 'stripe', 'hookrelay-dev');
      const topics = providerTopicArns(outputs);

      // Assess
      const stripe = pipelineOf(dev, 'stripe');
      expect(queues).toEqual({
        queueUrl: `<Ref:${logicalIdOf(stripe.queue)}>`,
        queueArn: `<GetAtt:${logicalIdOf(stripe.queue)}.Arn>`,
        dlqUrl: `<Ref:${logicalIdOf(stripe.deadLetterQueue)}>`,
        dlqArn: `<GetAtt:${logicalIdOf(stripe.deadLetterQueue)}.Arn>`,
      });
      expect(topics.sort()).toEqual(dev.stack.pipelines.map((pipeline) => `<Ref:${logicalIdOf(pipeline.topic)}>`).sort());
      expect(providerTopicArns(outputs, 'github')).toEqual([`<Ref:${logicalIdOf(pipelineOf(dev, 'github').topic)}>`]);
      expect(() => providerQueues(outputs, 'paypal', 'hookrelay-dev')).toThrow(/Stack hookrelay-dev has no output PaypalQueues/);
    });

    it('outputs four values per provider with one route, four for the stack and four for the archive: every registered provider fits in 200 outputs', () => {
      // Four for the stack and the API endpoint CDK adds, four for the archive.
      expect(Object.keys(outputsOf(dev))).toHaveLength(4 * providerNames.length + 5 + 4);
    });

    it('outputs the payload bucket name, which subscribers are granted s3:GetObject on', () => {
      dev.template.hasOutput('PayloadBucketName', { Value: { Ref: logicalIdOf(dev.stack.payloads.bucket) } });
    });

    it('outputs the dashboard URL', () => {
      const url = resolveWithStandIns(outputsOf(dev)['DashboardUrl']!.Value);
      expect(url).toBe(
        `https://<Ref:AWS::Region>.console.aws.amazon.com/cloudwatch/home?region=<Ref:AWS::Region>#dashboards:name=<Ref:${logicalIdOf(dev.stack.observability.dashboard)}>`,
      );
    });
  });

  describe('stages', () => {
    it.each([
      { stage: 'dev', synthesized: dev, policy: 'Delete', days: 30 },
      { stage: 'prod', synthesized: prod, policy: 'Retain', days: 365 },
    ])('retains data and logs only in prod, in every stack ($stage)', ({ synthesized, policy, days }) => {
      for (const type of ['AWS::SQS::Queue', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
        const resources = resourcesEverywhere(synthesized, type);
        expect(resources.length).toBeGreaterThan(0);
        for (const resource of resources) expect(resource['DeletionPolicy']).toBe(policy);
      }
      for (const logGroup of resourcesEverywhere(synthesized, 'AWS::Logs::LogGroup')) expect(logGroup['Properties']).toMatchObject({ RetentionInDays: days });
    });
  });
});
