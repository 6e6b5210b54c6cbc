import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogField } from 'aws-cdk-lib/aws-apigateway';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnPermission, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { HttpMethod } from '../../lambdas/core/provider';
import { DEFAULT_LOG_RETENTION } from '../config/defaults';
import { acknowledgeGuardFinding } from '../policy-checks';
import { acknowledgeLogGroupFindings } from './acknowledge';
import type { CustomDomain } from './custom-domain';

/**
 * What the two ingress constructs — the REST API (`IngressApi`) and the HTTP API (`HttpIngressApi`)
 * — share: the routes they serve, their access log group and fields, the Lambda permission through
 * which API Gateway invokes the verifier, and their public URLs.
 */

export interface Throttling {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst. */
  readonly burstLimit: number;
}

export interface WebhookRoute {
  /** Route name: the route is `/webhooks/{route}`. */
  readonly route: string;
  /** The provider verifying the route (reported by the health check). */
  readonly provider: string;
  /** The methods the route answers: its provider's (`POST`, and `GET` for senders that verify endpoints with one). */
  readonly methods: readonly HttpMethod[];
  /** Throttling of each of this route's methods. */
  readonly throttling: Throttling;
  /** Source CIDR blocks allowed to call the route; empty allows any. @default [] */
  readonly allowedSourceCidrs?: readonly string[];
}

export interface AccessLogGroupProps {
  /** @default DEFAULT_LOG_RETENTION (RetentionDays.ONE_MONTH) */
  readonly retention?: RetentionDays;
  /** What happens to the log group when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/** The API's access log group (`AccessLogs` in `scope`), with the findings every hookrelay log group acknowledges. */
export function accessLogGroup(scope: Construct, props: AccessLogGroupProps): LogGroup {
  const retention = props.retention ?? DEFAULT_LOG_RETENTION;
  const logGroup = new LogGroup(scope, 'AccessLogs', { retention, removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY });
  acknowledgeLogGroupFindings(logGroup, retention);
  return logGroup;
}

/**
 * The access log fields of both APIs: one JSON line per request, with what an operator reads to
 * trace a delivery or a refusal API Gateway answered itself — request id, time, source, user agent,
 * method, status, response length and latency, the verifier's status and integration error, API
 * Gateway's error message. Each API adds its path field (`restApiAccessLogFormat`,
 * `httpApiAccessLogFormat`). Each field is paid for on every request (CloudWatch Logs ingestion,
 * `npm run bench -- cost`), so the protocol and the integration latency (the verifier logs its own
 * duration) are left out. There is no `$context` variable for bodies, so none can be logged.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: AccessLogField.contextRequestId(),
  requestTime: AccessLogField.contextRequestTime(),
  sourceIp: AccessLogField.contextIdentitySourceIp(),
  userAgent: AccessLogField.contextIdentityUserAgent(),
  httpMethod: AccessLogField.contextHttpMethod(),
  status: AccessLogField.contextStatus(),
  responseLength: AccessLogField.contextResponseLength(),
  responseLatency: AccessLogField.contextResponseLatency(),
  integrationStatus: AccessLogField.contextIntegrationStatus(),
  integrationError: AccessLogField.contextIntegrationErrorMessage(),
  errorMessage: AccessLogField.contextErrorMessage(),
} as const;

/**
 * Lets API Gateway invoke the verifier from `sourceArn` (an execute-api ARN pattern of this API):
 * one permission (`id` in `scope`) for many routes, where the L2 integrations add one per route or
 * method and grow the function's policy, which Lambda caps at 20 KB.
 */
export function allowApiGatewayInvoke(scope: Construct, verifier: IFunction, id: string, sourceArn: string): CfnPermission {
  verifier.addPermission(id, { principal: new ServicePrincipal('apigateway.amazonaws.com'), sourceArn, scope });
  const permission = scope.node.findChild(id) as CfnPermission;
  acknowledgeGuardFinding(
    permission,
    'lambda_function_public_access_prohibited_check',
    "A false positive: the permission's SourceArn names this API and the paths it may invoke (Fn::Join of the API's id), which the rule " +
      '(CT.LAMBDA.PR.2) reads as neither a string nor a local reference.',
  );
  return permission;
}

/** The public URL of `path` (`/webhooks/stripe`): on the custom domain when there is one, else `executeApiUrl(path)`. */
export function publicUrl(path: string, customDomain: CustomDomain | undefined, executeApiUrl: (path: string) => string): string {
  return customDomain ? `https://${customDomain.domainName}${path}` : executeApiUrl(path);
}
