import { ArnFormat, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  ContentHandling,
  EndpointType,
  Integration,
  IntegrationType,
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
import type { CfnPermission, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ApiGatewayDomain } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { WebhookErrorCode } from '../../lambdas/core/errors';
import { HEALTH_PATH, healthAnswer } from '../../lambdas/http/health';
import { retryAfterForCode, statusForCode } from '../../lambdas/http/responses';
import { SOURCE_NOT_ALLOWED_MESSAGE } from '../../lambdas/http/source-allowlist';
import { DEFAULTS } from '../config/defaults';
import { acknowledgeGuardFinding } from '../policy-checks';
import { addAliasRecord, type CustomDomain } from './custom-domain';
import { ACCESS_LOG_FIELDS, accessLogGroup, allowApiGatewayInvoke, publicUrl, type Throttling, type WebhookRoute } from './ingress-common';
import { WebhookFirewall } from './webhook-firewall';

export interface IngressApiProps {
  /** API Gateway stage name (also the path segment of the execute-api URL). */
  readonly stageName: string;
  /** The webhook routes. */
  readonly routes: readonly WebhookRoute[];
  /** The verifier: every route is a Lambda proxy integration with it. */
  readonly verifier: IFunction;
  /** Stage-wide throttling. @default { rateLimit: 200, burstLimit: 400 } */
  readonly throttling?: Throttling;
  /** Retention of the access logs. @default DEFAULT_LOG_RETENTION (RetentionDays.ONE_MONTH) */
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

/** An answer API Gateway gives itself, without (or instead of) the verifier's. */
export interface GatewayAnswer {
  readonly id: string;
  readonly type: ResponseType;
  /** The refusal's code: its status and `Retry-After` come from the one code table (`lambdas/http/responses.ts`). */
  readonly code: WebhookErrorCode;
  readonly error: string;
  /**
   * Leave the status to API Gateway, for a type that stands for several statuses (DEFAULT_5XX: each
   * 5xx keeps its own).
   * @default false: the code's status
   */
  readonly keepsStatus?: boolean;
}

/**
 * API Gateway's own answers, in the verifier's `{ "error", "code" }` shape. The 5xx ones mean the
 * verifier could not answer (it failed, timed out, or could not be invoked, e.g. a body too large
 * for Lambda's 6 MB invocation payload); nothing was accepted, and senders retry a 5xx.
 */
export const GATEWAY_ANSWERS: readonly GatewayAnswer[] = [
  { id: 'UnknownRoute', type: ResponseType.MISSING_AUTHENTICATION_TOKEN, error: 'No webhook route for this method and path', code: 'UNKNOWN_PROVIDER' },
  { id: 'Throttled', type: ResponseType.THROTTLED, error: 'Too many requests; retry later', code: 'THROTTLED' },
  { id: 'RequestTooLarge', type: ResponseType.REQUEST_TOO_LARGE, error: 'Request body exceeds API Gateway’s 10 MB limit', code: 'PAYLOAD_TOO_LARGE' },
  { id: 'AccessDenied', type: ResponseType.ACCESS_DENIED, error: SOURCE_NOT_ALLOWED_MESSAGE, code: 'FORBIDDEN' },
  { id: 'WafFiltered', type: ResponseType.WAF_FILTERED, error: 'Request blocked by the web application firewall', code: 'FORBIDDEN' },
  { id: 'IntegrationFailure', type: ResponseType.INTEGRATION_FAILURE, error: 'The webhook could not be handed to the verifier; retry later', code: 'UPSTREAM_UNAVAILABLE' },
  { id: 'IntegrationTimeout', type: ResponseType.INTEGRATION_TIMEOUT, error: 'The verifier did not answer in time; retry later', code: 'UPSTREAM_TIMEOUT' },
  // Setting DEFAULT_5XX's status would change the status of every other 5xx answer.
  { id: 'Default5xx', type: ResponseType.DEFAULT_5XX, error: 'The webhook could not be accepted right now; retry later', code: 'GATEWAY_ERROR', keepsStatus: true },
];

/**
 * The public face of hookrelay: a regional REST API, named per deployment, with `/webhooks/{route}`
 * for each route — one resource each, so each has its own throttling and source allowlist, answering
 * `POST` and, where the route's sender verifies endpoints with one, `GET` — all integrated with the
 * one verifier through one Lambda permission, plus `GET /health`.
 * Every body is binary to API Gateway (`*\/*`): it reaches the verifier base64-encoded, byte for
 * byte as sent, whatever its encoding; JSON answers still go out as text (the verifier's are not
 * flagged `isBase64Encoded`). Access logs are JSON and never contain bodies.
 */
export class IngressApi extends Construct {
  public readonly apiType = 'rest';
  public readonly api: RestApi;
  public readonly accessLogs: LogGroup;
  /** The methods of each route's `/webhooks/{route}` resource. */
  public readonly webhookMethods: ReadonlyMap<string, readonly Method[]>;
  /**
   * The one permission for API Gateway to invoke the verifier: from this API's stage, any method
   * under `/webhooks/` (one per method would grow the function's policy, which Lambda caps at
   * 20 KB, with every route).
   */
  public readonly invokePermission: CfnPermission;
  public readonly firewall: WebhookFirewall | undefined;
  public readonly domain: DomainName | undefined;

  readonly #customDomain: CustomDomain | undefined;

  public constructor(scope: Construct, id: string, props: IngressApiProps) {
    super(scope, id);
    const throttling = props.throttling ?? DEFAULTS.api.throttling;
    // The stack name, unique per deployment: API Gateway's metrics are keyed by a REST API's name, so
    // two APIs of one name in an account would share their metrics. It prefixes the WAF's metrics too.
    const apiName = Stack.of(this).stackName;
    this.accessLogs = accessLogGroup(this, { retention: props.accessLogRetention, removalPolicy: props.removalPolicy });

    // Execution logs for errors only; data tracing would log request and response bodies.
    const executionLogging = { loggingLevel: MethodLoggingLevel.ERROR, dataTraceEnabled: false };
    // A method's settings replace the stage-wide ones rather than adding to them, so each route
    // repeats the logging settings next to its own throttling.
    const methodThrottling: Record<string, MethodDeploymentOptions> = {};
    for (const route of props.routes) {
      for (const method of route.methods) {
        methodThrottling[`/webhooks/${route.route}/${method}`] = {
          ...executionLogging,
          throttlingRateLimit: route.throttling.rateLimit,
          throttlingBurstLimit: route.throttling.burstLimit,
        };
      }
    }

    this.api = new RestApi(this, 'Api', {
      restApiName: apiName,
      description: 'hookrelay: verified, deduplicated webhook ingestion',
      // Every body binary: API Gateway passes it base64-encoded instead of decoding it as UTF-8,
      // which would replace every byte sequence that is not valid UTF-8 (and break its signature).
      binaryMediaTypes: ['*/*'],
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: props.manageCloudWatchRole ?? DEFAULTS.api.manageCloudWatchRole,
      policy: sourceAllowlistPolicy(props.routes),
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
        methodOptions: methodThrottling,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: restApiAccessLogFormat({ firewall: props.firewall !== undefined }),
        ...executionLogging,
        tracingEnabled: props.tracing ?? DEFAULTS.tracing,
      },
    });

    // API Gateway's own answers in the verifier's shape, `{ "error", "code" }`, so callers parse
    // one format. An unknown route is API Gateway's MISSING_AUTHENTICATION_TOKEN (403 by
    // default): here it is 404 UNKNOWN_PROVIDER, answered without invoking the verifier.
    // Status and Retry-After come from the code table, as the verifier's own answers do.
    for (const answer of GATEWAY_ANSWERS) {
      const retryAfterSeconds = retryAfterForCode(answer.code);
      this.api.addGatewayResponse(answer.id, {
        type: answer.type,
        statusCode: answer.keepsStatus ? undefined : String(statusForCode(answer.code)),
        responseHeaders: {
          'Content-Type': "'application/json'",
          ...(retryAfterSeconds !== undefined ? { 'Retry-After': `'${retryAfterSeconds}'` } : {}),
        },
        templates: { 'application/json': JSON.stringify({ error: answer.error, code: answer.code }) },
      });
    }

    // A Lambda proxy integration without LambdaIntegration's permission per method: the one
    // permission below covers every route.
    const integration = new Integration({
      type: IntegrationType.AWS_PROXY,
      integrationHttpMethod: 'POST',
      uri: Stack.of(this).formatArn({
        service: 'apigateway',
        account: 'lambda',
        resource: 'path/2015-03-31/functions',
        resourceName: `${props.verifier.functionArn}/invocations`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    });
    const webhooks = this.api.root.addResource('webhooks');
    const methods = new Map<string, Method[]>();
    for (const route of props.routes) {
      const resource = webhooks.addResource(route.route);
      const routeMethods = route.methods.map((httpMethod) => resource.addMethod(httpMethod, integration));
      for (const method of routeMethods) {
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
      }
      methods.set(route.route, routeMethods);
    }
    this.webhookMethods = methods;
    // This stage, any method, any route: `arn:…:execute-api:<region>:<account>:<api id>/<stage>/*/webhooks/*`.
    this.invokePermission = allowApiGatewayInvoke(this, props.verifier, 'InvokeFromWebhookRoutes', this.api.arnForExecuteApi('*', '/webhooks/*', props.stageName));
    this.#addHealthCheck(props.routes);

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
          metricPrefix: apiName,
          rateLimitPerFiveMinutes: props.firewall.rateLimitPerFiveMinutes,
          exemptSourceCidrs: props.routes.flatMap((route) => route.allowedSourceCidrs ?? []),
        })
      : undefined;
    if (!(props.tracing ?? DEFAULTS.tracing)) {
      acknowledgeGuardFinding(
        this.api.deploymentStage,
        'api_gw_xray_enabled_check',
        'X-Ray tracing is a configuration switch (tracing, off by default for its cost); access logs record every request with its latencies.',
      );
    }
    if (!this.firewall) {
      Validations.of(this.api.deploymentStage).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG3',
        reason:
          'WAF is optional (config waf.enabled, off by default for its cost): requests are throttled per route, ' +
          'optionally restricted by source IP, and refused by signature before any work is done.',
      });
    }

    this.#customDomain = props.customDomain;
    this.domain = props.customDomain ? this.#addCustomDomain(props.customDomain) : undefined;
  }

  /** The public URL of a route (on the custom domain when there is one). */
  public webhookUrl(route: string): string {
    return publicUrl(`/webhooks/${route}`, this.#customDomain, (path) => this.api.urlForPath(path));
  }

  /** The URL of `GET /health` (the stage's execute-api URL). */
  public get healthUrl(): string {
    return this.api.urlForPath(HEALTH_PATH);
  }

  /**
   * `GET /health` answered by API Gateway itself — no Lambda invocation, no cost beyond the request —
   * with what the local gateway answers: `{ status, providers: [route names], routes: [{ route, provider, methods }] }`.
   */
  #addHealthCheck(routes: readonly WebhookRoute[]): void {
    const answer = healthAnswer(routes);
    const health = this.api.root.addResource(HEALTH_PATH.slice(1)).addMethod(
      'GET',
      new MockIntegration({
        // With every media type binary, a mock integration gets the request as binary and cannot
        // apply its template: convert it to text first.
        contentHandling: ContentHandling.CONVERT_TO_TEXT,
        passthroughBehavior: PassthroughBehavior.NEVER,
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        integrationResponses: [
          { statusCode: '200', responseTemplates: { 'application/json': JSON.stringify(answer) } },
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
    addAliasRecord(this, customDomain, new ApiGatewayDomain(domain));
    return domain;
  }
}

/**
 * The access log: `ACCESS_LOG_FIELDS` (one JSON line per request, no bodies), the resource path (the
 * route's, `/webhooks/stripe`), and WAF's answer when a web ACL is attached.
 */
export function restApiAccessLogFormat(options: { readonly firewall: boolean }): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      ...ACCESS_LOG_FIELDS,
      resourcePath: AccessLogField.contextResourcePath(),
      ...(options.firewall ? { wafStatus: AccessLogField.contextWafResponseCode() } : {}),
    }),
  );
}

/**
 * The API's resource policy when any route restricts its sources: everything is allowed, except
 * calling a restricted route (any method) from outside its CIDR blocks. Without restrictions, no policy.
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
            resources: [`execute-api:/*/*/webhooks/${route.route}`],
            conditions: { NotIpAddress: { 'aws:SourceIp': [...(route.allowedSourceCidrs ?? [])] } },
          }),
      ),
    ],
  });
}
