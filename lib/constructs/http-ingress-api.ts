import { Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnRoute,
  DomainName,
  HttpApi,
  HttpIntegration,
  HttpIntegrationType,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
  SecurityPolicy,
  type CfnStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { CfnPermission, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { HEALTH_PATH } from '../../lambdas/http/health';
import { DEFAULTS } from '../config/defaults';
import { pascalCase } from '../naming';
import { acknowledgeGuardFinding } from '../policy-checks';
import { addAliasRecord, type CustomDomain } from './custom-domain';
import { ACCESS_LOG_FIELDS, accessLogGroup, allowApiGatewayInvoke, publicUrl, type Throttling, type WebhookRoute } from './ingress-common';

export interface HttpIngressApiProps {
  /** The webhook routes. */
  readonly routes: readonly WebhookRoute[];
  /** The verifier: every route is a Lambda integration with it, at payload format 1.0. */
  readonly verifier: IFunction;
  /** Stage-wide throttling (the `$default` stage's default route settings). @default { rateLimit: 200, burstLimit: 400 } */
  readonly throttling?: Throttling;
  /** Retention of the access logs. @default DEFAULT_LOG_RETENTION (RetentionDays.ONE_MONTH) */
  readonly accessLogRetention?: RetentionDays;
  /** What happens to the access log group when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /** Serve the API on this domain as well. @default execute-api URL only */
  readonly customDomain?: CustomDomain;
}

/** `GET /health` answered by the verifier costs an invocation: more than monitors need is refused 429. */
export const HEALTH_CHECK_THROTTLING: Throttling = { rateLimit: 10, burstLimit: 20 };

/**
 * The public face of hookrelay on an HTTP API — the cheaper ingress (`api.type: 'http'`): a route per
 * method of each `/webhooks/{route}` (`POST`, and `GET` where the route's sender verifies endpoints
 * with one) and `GET /health`, all integrated with the one verifier; no `$default` route, so any
 * other method or path is answered 404 by API Gateway without invoking anything. The `$default`
 * stage deploys every change itself, throttles each route with its own limits (and `GET /health`,
 * which costs an invocation here, with `HEALTH_CHECK_THROTTLING`) and writes JSON access logs
 * without bodies.
 *
 * What it does not have, against the REST API: WAF, a resource policy (each route's
 * `allowedSourceCidrs` is handed to the verifier, which refuses other sources 403 itself), gateway
 * responses (its own refusals keep API Gateway's `{"message": …}` bodies), X-Ray tracing of the API
 * and execution logs.
 */
export class HttpIngressApi extends Construct {
  public readonly apiType = 'http';
  public readonly api: HttpApi;
  /** The `$default` stage: its URL has no stage segment. */
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;
  /** The verifier's integration, shared by every route. */
  public readonly integration: HttpIntegration;
  /** The API routes of each webhook route, one per method (`POST /webhooks/stripe`). */
  public readonly webhookRoutes: ReadonlyMap<string, readonly CfnRoute[]>;
  public readonly healthRoute: CfnRoute;
  /** The one permission for API Gateway to invoke the verifier from this API: any method under `/webhooks/`. */
  public readonly invokePermission: CfnPermission;
  /** The permission for `GET /health`, which the verifier answers here (an HTTP API has no mock integration). */
  public readonly healthInvokePermission: CfnPermission;
  public readonly domain: DomainName | undefined;

  readonly #customDomain: CustomDomain | undefined;

  public constructor(scope: Construct, id: string, props: HttpIngressApiProps) {
    super(scope, id);
    const throttling = props.throttling ?? DEFAULTS.api.throttling;
    this.accessLogs = accessLogGroup(this, { retention: props.accessLogRetention, removalPolicy: props.removalPolicy });

    this.api = new HttpApi(this, 'Api', {
      // For people: an HTTP API's metrics are keyed by API id, not by name, so two deployments never share them.
      apiName: Stack.of(this).stackName,
      description: 'hookrelay: verified, deduplicated webhook ingestion',
      // The stage is created below with its throttling and access logs.
      createDefaultStage: false,
    });

    // One Lambda proxy integration at payload format 1.0 — the REST API's event shape, so the verifier
    // reads both alike — shared by every route. `HttpLambdaIntegration` would add a Lambda permission
    // per route; the one permission below covers them all.
    this.integration = new HttpIntegration(this, 'VerifierIntegration', {
      httpApi: this.api,
      integrationType: HttpIntegrationType.AWS_PROXY,
      integrationUri: props.verifier.functionArn,
      payloadFormatVersion: PayloadFormatVersion.VERSION_1_0,
    });
    const addRoute = (id: string, routeKey: string, reason: string): CfnRoute => {
      const route = new CfnRoute(this, id, { apiId: this.api.apiId, routeKey, target: `integrations/${this.integration.integrationId}`, authorizationType: 'NONE' });
      Validations.of(route).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG4', reason });
      acknowledgeGuardFinding(route, 'api_gw_v2_authorization_type_configured_check', `CT.APIGATEWAY.PR.5 asks for IAM, JWT or a Lambda authorizer. ${reason}`);
      return route;
    };
    const webhookRoutes = new Map<string, CfnRoute[]>();
    for (const route of props.routes) {
      webhookRoutes.set(
        route.route,
        route.methods.map((method) =>
          addRoute(
            `${pascalCase(route.route)}${method}`,
            `${method} /webhooks/${route.route}`,
            'Webhook senders cannot use IAM, JWT or Lambda authorizers; every request is authenticated by its signature in the verifier.',
          ),
        ),
      );
    }
    this.webhookRoutes = webhookRoutes;
    this.healthRoute = addRoute('Health', `GET ${HEALTH_PATH}`, 'A public health check for uptime monitors; it returns only the route names.');
    const allRoutes = [...[...webhookRoutes.values()].flat(), this.healthRoute];

    this.#customDomain = props.customDomain;
    this.domain = props.customDomain ? this.#addCustomDomain(props.customDomain) : undefined;

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: throttling.rateLimit, burstLimit: throttling.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: httpApiAccessLogFormat() },
      ...(this.domain ? { domainMapping: { domainName: this.domain } } : {}),
    });
    // Per-route throttling has no L2 property. Route settings name routes by their keys, which must
    // exist when the stage is created or updated: the stage waits for every route.
    const routeThrottling = (limits: Throttling) => ({ ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit });
    const routeSettings: Record<string, ReturnType<typeof routeThrottling>> = {};
    for (const route of props.routes) {
      for (const cfnRoute of webhookRoutes.get(route.route)!) routeSettings[cfnRoute.routeKey] = routeThrottling(route.throttling);
    }
    routeSettings[this.healthRoute.routeKey] = routeThrottling(HEALTH_CHECK_THROTTLING);
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
    for (const route of allRoutes) this.stage.node.addDependency(route);

    // The API has one stage, so the stage segment is left open: `arn:…:execute-api:<region>:<account>:<api id>/*/*/webhooks/*`.
    this.invokePermission = allowApiGatewayInvoke(this, props.verifier, 'InvokeFromWebhookRoutes', this.api.arnForExecuteApi('*', '/webhooks/*', '*'));
    this.healthInvokePermission = allowApiGatewayInvoke(this, props.verifier, 'InvokeFromHealthCheck', this.api.arnForExecuteApi('GET', HEALTH_PATH, '*'));
  }

  /** The public URL of a route (on the custom domain when there is one). */
  public webhookUrl(route: string): string {
    return this.#urlForPath(`/webhooks/${route}`);
  }

  /** The public URL of `GET /health`. */
  public get healthUrl(): string {
    return this.#urlForPath(HEALTH_PATH);
  }

  #urlForPath(path: string): string {
    // The `$default` stage's URL ends in '/' and has no stage segment.
    return publicUrl(path, this.#customDomain, (onStage) => `${this.stage.url}${onStage.slice(1)}`);
  }

  #addCustomDomain(customDomain: CustomDomain): DomainName {
    const domain = new DomainName(this, 'CustomDomain', {
      domainName: customDomain.domainName,
      certificate: Certificate.fromCertificateArn(this, 'Certificate', customDomain.certificateArn),
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    addAliasRecord(this, customDomain, new ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId));
    return domain;
  }
}

/**
 * The access log: `ACCESS_LOG_FIELDS` (one JSON line per request, no bodies) and the requested path
 * — the route key adds nothing to method and path, and is `-` for a path no route matches. An HTTP
 * API has no WAF fields.
 */
export function httpApiAccessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(JSON.stringify({ ...ACCESS_LOG_FIELDS, path: AccessLogField.contextPath() }));
}
