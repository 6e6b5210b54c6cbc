import { Match } from 'aws-cdk-lib/assertions';
import { loadVerifierConfig } from '../../lambdas/runtime-config';
import type { HookrelayConfigInput } from '../../lib/config/schema';
import { HEALTH_CHECK_THROTTLING, type HttpIngressApi } from '../../lib/constructs/http-ingress-api';
import { registeredProviderMethods } from '../../lib/webhook-stack';
import { outputKey } from '../../tools/lib/stack-outputs';
import { everyOption, logicalIdOf, resolveWithStandIns, synthesizeStage, type SynthesizedStage } from './synth';

// Every option an HTTP API takes (WAF is refused with it), and the generic provider answering GET
// as well, as in webhook-stack.test.ts: synthesized once for the whole file.
const { waf: _waf, ...everyHttpOption } = everyOption;
const http = synthesizeStage('dev', { ...everyHttpOption, api: { type: 'http' } }, {
  providerMethods: (provider) => (provider === 'generic' ? ['GET', 'POST'] : registeredProviderMethods(provider)),
});
// Small stages for what the custom domain hides: the execute-api URLs of each type.
const fewRoutes: HookrelayConfigInput['routes'] = { stripe: {}, meta: {} };
const httpOnExecuteApi = synthesizeStage('dev', { routes: fewRoutes, api: { type: 'http' } });
const restOnExecuteApi = synthesizeStage('dev', { routes: fewRoutes });

function httpIngress(synthesized: SynthesizedStage): HttpIngressApi {
  const { ingress } = synthesized.stack;
  if (ingress.apiType !== 'http') throw new Error(`expected an HTTP API, found ${ingress.apiType}`);
  return ingress;
}

const resourcesOf = (synthesized: SynthesizedStage, type: string) =>
  Object.entries(synthesized.template.findResources(type)) as Array<[string, { Properties: Record<string, any>; DependsOn?: string[] }]>;

const stageOf = (synthesized: SynthesizedStage) => resourcesOf(synthesized, 'AWS::ApiGatewayV2::Stage')[0]![1];

describe("Stack: WebhookStack with api.type 'http'", () => {
  describe('routes', () => {
    it('creates one route per method of each /webhooks/<route>, and GET /health: no $default route reaches the verifier', () => {
      // Act
      const routeKeys = resourcesOf(http, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties['RouteKey'] as string);

      // Assess
      expect(routeKeys.sort()).toEqual(
        [
          ...Object.keys(everyOption.routes!).map((route) => `POST /webhooks/${route}`),
          'GET /webhooks/generic',
          'GET /webhooks/partner-a',
          'GET /health',
        ].sort(),
      );
      expect(routeKeys).not.toContain('$default');
      http.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      http.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', Name: 'hookrelay-dev' });
    });

    it('integrates every route with the one verifier: a Lambda proxy integration at payload format 1.0, the REST API event shape', () => {
      // Act
      const integrations = resourcesOf(http, 'AWS::ApiGatewayV2::Integration');

      // Assess
      expect(integrations).toHaveLength(1);
      const [integrationId, integration] = integrations[0]!;
      expect(integration.Properties).toEqual({
        ApiId: { Ref: logicalIdOf(httpIngress(http).api) },
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(http.stack.verifier), 'Arn'] },
        PayloadFormatVersion: '1.0',
      });
      for (const [, route] of resourcesOf(http, 'AWS::ApiGatewayV2::Route')) {
        expect(route.Properties['Target']).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] });
      }
    });

    it('builds no REST API, gateway responses, account logging role or WAF', () => {
      const types = new Set(Object.values(http.template.toJSON()['Resources'] as Record<string, { Type: string }>).map((resource) => resource.Type));
      expect([...types].filter((type) => type.startsWith('AWS::ApiGateway::') || type.startsWith('AWS::WAFv2::'))).toEqual([]);
    });
  });

  describe('stage', () => {
    it('serves the $default stage, deployed automatically on every change', () => {
      expect(stageOf(http).Properties).toMatchObject({ StageName: '$default', AutoDeploy: true, ApiId: { Ref: logicalIdOf(httpIngress(http).api) } });
    });

    it('throttles the stage with the stage limits, each route with its own, routes of one provider apart, and the health check tightly', () => {
      // Act
      const { DefaultRouteSettings, RouteSettings } = stageOf(http).Properties as Record<string, Record<string, unknown>>;

      // Assess
      expect(DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 });
      expect(RouteSettings).toMatchObject({
        'POST /webhooks/stripe': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        'POST /webhooks/stripe-eu': { ThrottlingRateLimit: 30, ThrottlingBurstLimit: 60 },
        'POST /webhooks/github': { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
        'GET /webhooks/partner-a': { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
        'POST /webhooks/partner-a': { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
        'GET /health': { ThrottlingRateLimit: HEALTH_CHECK_THROTTLING.rateLimit, ThrottlingBurstLimit: HEALTH_CHECK_THROTTLING.burstLimit },
      });
      expect(Object.keys(RouteSettings!)).toHaveLength(resourcesOf(http, 'AWS::ApiGatewayV2::Route').length);
    });

    it('creates the stage after every route its settings name (CloudFormation refuses settings for a route key that does not exist yet)', () => {
      const routeIds = resourcesOf(http, 'AWS::ApiGatewayV2::Route').map(([id]) => id);
      expect(stageOf(http).DependsOn).toEqual(expect.arrayContaining(routeIds));
    });

    it.each([
      { stage: 'dev', synthesized: http, days: 30 },
      { stage: 'dev, execute-api only', synthesized: httpOnExecuteApi, days: 30 },
    ])('writes JSON access logs without bodies, kept for the configured retention ($stage)', ({ synthesized, days }) => {
      // Act
      const accessLogsId = logicalIdOf(httpIngress(synthesized).accessLogs);
      const { AccessLogSettings } = stageOf(synthesized).Properties as { AccessLogSettings: { DestinationArn: unknown; Format: string } };

      // Assess
      expect(AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [accessLogsId, 'Arn'] });
      const format = JSON.parse(AccessLogSettings.Format) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', path: '$context.path', sourceIp: '$context.identity.sourceIp' });
      expect(Object.values(format).filter((variable) => /body|requestOverride|responseOverride/i.test(variable))).toEqual([]);
      expect(synthesized.template.toJSON()['Resources'][accessLogsId]['Properties']).toEqual({ RetentionInDays: days });
    });

    it('serves the custom domain with TLS 1.2 at its root ($default stage, no mapping key) and creates its alias record', () => {
      http.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: 'hooks.example.com',
        DomainNameConfigurations: [{ CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d', EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
      });
      http.template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: '$default', ApiMappingKey: Match.absent() });
      http.template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'hooks.example.com.',
        Type: 'A',
        AliasTarget: { DNSName: { 'Fn::GetAtt': [logicalIdOf(httpIngress(http).domain!), 'RegionalDomainName'] } },
      });
      httpOnExecuteApi.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    });
  });

  describe('permissions', () => {
    it('lets API Gateway invoke the verifier from this API only: any method under /webhooks/, and GET /health', () => {
      // Act
      const permissions = resourcesOf(http, 'AWS::Lambda::Permission').map(([, permission]) => permission.Properties);

      // Assess
      const api = logicalIdOf(httpIngress(http).api);
      const arnPrefix = `arn:<Ref:AWS::Partition>:execute-api:<Ref:AWS::Region>:<Ref:AWS::AccountId>:<Ref:${api}>`;
      expect(permissions.map((permission) => resolveWithStandIns(permission['SourceArn'])).sort()).toEqual([`${arnPrefix}/*/*/webhooks/*`, `${arnPrefix}/*/GET/health`]);
      for (const permission of permissions) {
        expect(permission).toMatchObject({
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [logicalIdOf(http.stack.verifier), 'Arn'] },
        });
      }
    });
  });

  describe('verifier', () => {
    it("hands each route's allowedSourceCidrs to the verifier, which enforces them in place of a resource policy", () => {
      // Act
      const resource = http.template.toJSON()['Resources'][logicalIdOf(http.stack.verifier)] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
      const variables = Object.fromEntries(Object.entries(resource.Properties.Environment.Variables).map(([name, value]) => [name, resolveWithStandIns(value)]));
      const { routes } = loadVerifierConfig(variables);

      // Assess
      expect(routes['stripe']?.allowedSourceCidrs).toEqual(['3.18.12.63/32', '2600:1f18::/32']);
      expect(routes['partner-a']?.allowedSourceCidrs).toEqual(['198.51.100.0/24']);
      expect(Object.entries(routes).filter(([, route]) => route.allowedSourceCidrs !== undefined).map(([name]) => name)).toEqual(['stripe', 'partner-a']);
    });
  });

  describe('outputs', () => {
    const outputValue = (synthesized: SynthesizedStage, key: string) =>
      resolveWithStandIns((synthesized.template.toJSON()['Outputs'] as Record<string, { Value: unknown }>)[key]!.Value);
    const executeApi = (synthesized: SynthesizedStage, api: unknown) =>
      `https://<Ref:${logicalIdOf(api as never)}>.execute-api.<Ref:AWS::Region>.<Ref:AWS::URLSuffix>`;

    it.each(Object.keys(everyOption.routes!))('outputs the URL of route %s on the custom domain', (route) => {
      expect(outputValue(http, outputKey(route, 'WebhookUrl'))).toBe(`https://hooks.example.com/webhooks/${route}`);
    });

    it.each([
      { type: 'http', synthesized: httpOnExecuteApi, stage: '(none: the $default stage)' },
      { type: 'rest', synthesized: restOnExecuteApi, stage: 'dev' },
    ])('outputs execute-api URLs without a custom domain: $type, stage segment $stage', ({ synthesized }) => {
      // Act
      const { ingress } = synthesized.stack;
      // The REST stage segment is a reference to the stage, whose name is the configuration's stage.
      const stagePath = ingress.apiType === 'rest' ? `/<Ref:${logicalIdOf(ingress.api.deploymentStage)}>` : '';
      const base = `${executeApi(synthesized, ingress.api)}${stagePath}`;

      // Assess
      if (ingress.apiType === 'rest') synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'dev' });
      expect({
        stripe: outputValue(synthesized, 'StripeWebhookUrl'),
        meta: outputValue(synthesized, 'MetaWebhookUrl'),
        health: outputValue(synthesized, 'HealthUrl'),
      }).toEqual({ stripe: `${base}/webhooks/stripe`, meta: `${base}/webhooks/meta`, health: `${base}/health` });
    });
  });

  describe('observability', () => {
    const dimensionsOf = (metric: { Dimensions: { Name: string; Value: unknown }[] }) =>
      metric.Dimensions.map((dimension) => [dimension.Name, resolveWithStandIns(dimension.Value)]);

    it("alarms on 5xx answers of this API's stage only: dimensions ApiId and Stage", () => {
      // Act
      const alarm = resourcesOf(http, 'AWS::CloudWatch::Alarm')
        .map(([, resource]) => resource.Properties)
        .find((properties) => properties['AlarmName'] === 'hookrelay-dev-api-server-errors')!;

      // Assess
      expect(alarm).toMatchObject({ MetricName: '5xx', Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Period: 300, Threshold: 5 });
      expect(dimensionsOf(alarm as never)).toEqual([
        ['ApiId', `<Ref:${logicalIdOf(httpIngress(http).api)}>`],
        ['Stage', '$default'],
      ]);
    });

    it("draws the dashboard's API lines from this API's stage only: every API Gateway metric has ApiId and Stage", () => {
      const dashboard = resourcesOf(http, 'AWS::CloudWatch::Dashboard')[0]![1].Properties as { DashboardBody: unknown };
      const body = JSON.parse(resolveWithStandIns(dashboard.DashboardBody)) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> };
      const apiLines = body.widgets.flatMap((widget) => widget.properties.metrics ?? []).filter((line) => line[0] === 'AWS/ApiGateway');
      expect(apiLines.length).toBeGreaterThanOrEqual(5);
      for (const line of apiLines) expect(line.slice(2, 6)).toEqual(['ApiId', `<Ref:${logicalIdOf(httpIngress(http).api)}>`, 'Stage', '$default']);
    });
  });
});
