import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  MockIntegration,
  PassthroughBehavior,
  ResponseType,
  RestApi,
  SecurityPolicy,
  type DomainName,
  type MethodDeploymentOptions,
  type Method,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { WebhookFirewall } from './webhook-firewall';

export interface Throttling {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst. */
  readonly burstLimit: number;
}

export interface WebhookRoute {
  /** Provider name: the route is `POST /webhooks/{provider}`. */
  readonly provider: string;
  /**
   * Methods the route answers: `GET` too where the sender verifies its endpoint with a GET (Okta,
   * Meta). Each is throttled like the route. @default ['POST']
   */
  readonly methods?: ReadonlyArray<'GET' | 'POST'>;
  /** Throttling of this route alone. */
  readonly throttling: Throttling;
  /** Source CIDR blocks allowed to post; empty allows any. @default [] */
  readonly allowedSourceCidrs?: readonly string[];
}

export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
  /** Zone in which to create the alias record. @default none */
  readonly hostedZone?: { readonly id: string; readonly name: string };
}

export interface IngressApiProps {
  /** API Gateway stage name (also the path segment of the execute-api URL). */
  readonly stageName: string;
  /** One route per enabled provider. */
  readonly routes: readonly WebhookRoute[];
  /** The verifier: every route is a Lambda proxy integration with it. */
  readonly verifier: IFunction;
  /** Stage-wide throttling. @default { rateLimit: 200, burstLimit: 400 } */
  readonly throttling?: Throttling;
  /** Retention of the access logs. @default RetentionDays.ONE_MONTH */
  readonly accessLogRetention?: RetentionDays;
  /** What happens to the access log group when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /** X-Ray tracing of the stage. @default false */
  readonly tracing?: boolean;
  /** Create the account-wide CloudWatch role API Gateway logs through. @default true */
  readonly manageCloudWatchRole?: boolean;
  /** Put a WAF web ACL in front of the stage. @default no WAF */
  readonly firewall?: { readonly rateLimitPerFiveMinutes: number };
  /** Serve the API on this domain as well. @default execute-api URL only */
  readonly customDomain?: CustomDomain;
}

/** API Gateway refusals that never reach the verifier, mapped to hookrelay's codes. */
const GATEWAY_RESPONSES: ReadonlyArray<readonly [string, ResponseType, string, string, string]> = [
  ['UnknownRoute', ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'No webhook route for this method and path', 'UNKNOWN_PROVIDER'],
  ['Throttled', ResponseType.THROTTLED, '429', 'Too many requests; retry later', 'THROTTLED'],
  ['RequestTooLarge', ResponseType.REQUEST_TOO_LARGE, '413', 'Request body exceeds API Gateway’s 10 MB limit', 'PAYLOAD_TOO_LARGE'],
  ['AccessDenied', ResponseType.ACCESS_DENIED, '403', 'This source address may not call this route', 'FORBIDDEN'],
  ['WafFiltered', ResponseType.WAF_FILTERED, '403', 'Request blocked by the web application firewall', 'FORBIDDEN'],
];

/**
 * The public face of hookrelay: a regional REST API with `POST /webhooks/{provider}` for each
 * enabled provider — one resource each, so each has its own throttling and source allowlist — all
 * integrated with the one verifier, plus `GET /health`. Bodies stay text (no binary media types);
 * API Gateway base64-encodes only what it cannot pass as text and flags it `isBase64Encoded`.
 * Access logs are JSON and never contain bodies.
 */
export class IngressApi extends Construct {
  public readonly api: RestApi;
  public readonly accessLogs: LogGroup;
  /** The `POST /webhooks/{provider}` method of each provider. */
  public readonly webhookMethods: ReadonlyMap<string, Method>;
  public readonly firewall: WebhookFirewall | undefined;
  public readonly domain: DomainName | undefined;

  readonly #customDomainName: string | undefined;

  public constructor(scope: Construct, id: string, props: IngressApiProps) {
    super(scope, id);
    const throttling = props.throttling ?? { rateLimit: 200, burstLimit: 400 };
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });

    // Execution logs for errors only; data tracing would log request and response bodies.
    const executionLogging = { loggingLevel: MethodLoggingLevel.ERROR, dataTraceEnabled: false };
    // A method's settings replace the stage-wide ones rather than adding to them, so each route
    // repeats the logging settings next to its own throttling.
    const methodThrottling: Record<string, MethodDeploymentOptions> = {};
    for (const route of props.routes) {
      for (const method of route.methods ?? ['POST']) {
        methodThrottling[`/webhooks/${route.provider}/${method}`] = {
          ...executionLogging,
          throttlingRateLimit: route.throttling.rateLimit,
          throttlingBurstLimit: route.throttling.burstLimit,
        };
      }
    }

    this.api = new RestApi(this, 'Api', {
      description: 'hookrelay: verified, deduplicated webhook ingestion',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: props.manageCloudWatchRole ?? true,
      policy: sourceAllowlistPolicy(props.routes),
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
        methodOptions: methodThrottling,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: accessLogFormat(),
        ...executionLogging,
        tracingEnabled: props.tracing ?? false,
      },
    });

    // API Gateway's own refusals answer in the verifier's shape, `{ "error", "code" }`, so callers
    // parse one format. An unknown route is API Gateway's MISSING_AUTHENTICATION_TOKEN (403 by
    // default): here it is 404 UNKNOWN_PROVIDER, answered without invoking the verifier.
    for (const [id, type, statusCode, error, code] of GATEWAY_RESPONSES) {
      this.api.addGatewayResponse(id, {
        type,
        statusCode,
        responseHeaders: { 'Content-Type': "'application/json'" },
        templates: { 'application/json': JSON.stringify({ error, code }) },
      });
    }

    const integration = new LambdaIntegration(props.verifier, { proxy: true, allowTestInvoke: false });
    const webhooks = this.api.root.addResource('webhooks');
    const methods = new Map<string, Method>();
    for (const route of props.routes) {
      const resource = webhooks.addResource(route.provider);
      for (const httpMethod of route.methods ?? ['POST']) {
        const method = resource.addMethod(httpMethod, integration);
        Validations.of(method).acknowledge(
          {
            id: 'AwsSolutions::AwsSolutions-APIG4',
            reason: 'Webhook senders cannot use IAM or Cognito; every request is authenticated by its signature in the verifier.',
          },
          {
            id: 'AwsSolutions::AwsSolutions-COG4',
            reason: 'Webhook senders cannot use IAM or Cognito; every request is authenticated by its signature in the verifier.',
          },
        );
        if (httpMethod === 'POST') methods.set(route.provider, method);
      }
    }
    this.webhookMethods = methods;
    this.#addHealthCheck(props.routes.map((route) => route.provider));

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG2',
      reason:
        'A request model cannot check a signature over raw bytes; the verifier validates headers and body, ' +
        'and answers 400/401/413 itself.',
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: "API Gateway's account-wide logging role; AWS maintains this policy for exactly that service.",
      });
    }

    this.firewall = props.firewall
      ? new WebhookFirewall(this, 'Firewall', {
          stageArn: this.api.deploymentStage.stageArn,
          metricPrefix: `hookrelay-${props.stageName}`,
          rateLimitPerFiveMinutes: props.firewall.rateLimitPerFiveMinutes,
        })
      : undefined;
    if (!this.firewall) {
      Validations.of(this.api.deploymentStage).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG3',
        reason:
          'WAF is optional (config waf.enabled, off by default for its cost): requests are throttled per route, ' +
          'optionally restricted by source IP, and refused by signature before any work is done.',
      });
    }

    this.#customDomainName = props.customDomain?.domainName;
    this.domain = props.customDomain ? this.#addCustomDomain(props.customDomain) : undefined;
  }

  /** The public URL of a provider's route (on the custom domain when there is one). */
  public webhookUrl(provider: string): string {
    return this.#customDomainName
      ? `https://${this.#customDomainName}/webhooks/${provider}`
      : this.api.urlForPath(`/webhooks/${provider}`);
  }

  /** `GET /health` answered by API Gateway itself: no Lambda invocation, no cost beyond the request. */
  #addHealthCheck(providers: readonly string[]): void {
    const health = this.api.root.addResource('health').addMethod(
      'GET',
      new MockIntegration({
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        integrationResponses: [
          { statusCode: '200', responseTemplates: { 'application/json': JSON.stringify({ status: 'ok', providers }) } },
        ],
      }),
      { methodResponses: [{ statusCode: '200' }] },
    );
    Validations.of(health).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-APIG4', reason: 'A public health check for uptime monitors; it returns only the route names.' },
      { id: 'AwsSolutions::AwsSolutions-COG4', reason: 'A public health check for uptime monitors; it returns only the route names.' },
    );
  }

  #addCustomDomain(customDomain: CustomDomain): DomainName {
    const domain = this.api.addDomainName('CustomDomain', {
      domainName: customDomain.domainName,
      certificate: Certificate.fromCertificateArn(this, 'Certificate', customDomain.certificateArn),
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    if (customDomain.hostedZone) {
      new ARecord(this, 'AliasRecord', {
        zone: HostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
          hostedZoneId: customDomain.hostedZone.id,
          zoneName: customDomain.hostedZone.name,
        }),
        recordName: customDomain.domainName,
        target: RecordTarget.fromAlias(new ApiGatewayDomain(domain)),
      });
    }
    return domain;
  }
}

/** One JSON line per request. There is no `$context` variable for bodies, so none can be logged. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      requestTime: AccessLogField.contextRequestTime(),
      sourceIp: AccessLogField.contextIdentitySourceIp(),
      userAgent: AccessLogField.contextIdentityUserAgent(),
      httpMethod: AccessLogField.contextHttpMethod(),
      resourcePath: AccessLogField.contextResourcePath(),
      status: AccessLogField.contextStatus(),
      protocol: AccessLogField.contextProtocol(),
      responseLength: AccessLogField.contextResponseLength(),
      responseLatency: AccessLogField.contextResponseLatency(),
      integrationStatus: AccessLogField.contextIntegrationStatus(),
      integrationLatency: AccessLogField.contextIntegrationLatency(),
      integrationError: AccessLogField.contextIntegrationErrorMessage(),
      errorMessage: AccessLogField.contextErrorMessage(),
      wafStatus: AccessLogField.contextWafResponseCode(),
    }),
  );
}

/**
 * The API's resource policy when any route restricts its sources: everything is allowed, except
 * posting to a restricted route from outside its CIDR blocks. Without restrictions, no policy.
 */
function sourceAllowlistPolicy(routes: readonly WebhookRoute[]): PolicyDocument | undefined {
  const restricted = routes.filter((route) => (route.allowedSourceCidrs ?? []).length > 0);
  if (restricted.length === 0) return undefined;
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
      }),
      ...restricted.map(
        (route) =>
          new PolicyStatement({
            effect: Effect.DENY,
            principals: [new AnyPrincipal()],
            actions: ['execute-api:Invoke'],
            resources: [`execute-api:/*/POST/webhooks/${route.provider}`],
            conditions: { NotIpAddress: { 'aws:SourceIp': [...(route.allowedSourceCidrs ?? [])] } },
          }),
      ),
    ],
  });
}
