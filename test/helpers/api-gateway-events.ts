import type { APIGatewayProxyEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { toApiGatewayEvent } from '../../local/api-gateway-event';

/** An API Gateway proxy event for `POST /webhooks/{provider}`, built like the local gateway builds it. */
export function webhookEvent(provider: string, body: string | Buffer, headers: Record<string, string>): APIGatewayProxyEvent {
  return toApiGatewayEvent({
    method: 'POST',
    path: `/webhooks/${provider}`,
    query: new URLSearchParams(),
    headers: { host: 'hooks.example.test', 'content-type': 'application/json', ...lowerCaseKeys(headers) },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    sourceIp: '203.0.113.10',
  });
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}

/**
 * Content types whose bodies an HTTP API hands a Lambda integration as UTF-8 text; every other body,
 * and one without a Content-Type, arrives base64-encoded (an HTTP API has no binaryMediaTypes).
 * Observed on AWS: https://github.com/ministackorg/ministack/pull/766
 */
const HTTP_API_TEXT_TYPES = /^(text\/[^;]*|application\/(json|xml|javascript))(\s*;.*)?$/i;

export interface HttpApiRequest {
  /** @default 'POST' */
  readonly method?: string;
  /** e.g. `/webhooks/stripe` */
  readonly path: string;
  /** Header name → value(s), in any case. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Buffer;
  readonly query?: URLSearchParams;
  /** @default '203.0.113.10' */
  readonly sourceIp?: string;
  /** @default 'abc123' */
  readonly apiId?: string;
}

/**
 * The event an HTTP API route integrated with Lambda at payload format 1.0 hands the verifier, as
 * the API Gateway developer guide describes it (http-api-develop-integrations-lambda) for the
 * `$default` stage: `version` "1.0"; `resource` the route's path (the route key without its method);
 * `path` and `requestContext.path` without a stage segment; header names in lower case, with
 * `multiValueHeaders`; `requestContext.resourceId` null and `stage` "$default"; the body text or
 * base64 as described above.
 */
export function httpApiEvent(request: HttpApiRequest): APIGatewayProxyEvent {
  const apiId = request.apiId ?? 'abc123';
  const domainName = `${apiId}.execute-api.eu-west-1.amazonaws.com`;
  const sourceIp = request.sourceIp ?? '203.0.113.10';
  const method = request.method ?? 'POST';
  const given: Record<string, readonly string[]> = {
    host: [domainName],
    'x-amzn-trace-id': [`Root=1-${randomUUID().replaceAll('-', '').slice(0, 8)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`],
    'x-forwarded-for': [sourceIp],
    'x-forwarded-port': ['443'],
    'x-forwarded-proto': ['https'],
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) given[name.toLowerCase()] = typeof value === 'string' ? [value] : value;
  const headers = Object.fromEntries(Object.entries(given).map(([name, values]) => [name, values[values.length - 1]!]));
  const multiValueHeaders = Object.fromEntries(Object.entries(given).map(([name, values]) => [name, [...values]]));

  const query = request.query ?? new URLSearchParams();
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of query) {
    queryStringParameters[key] = value;
    (multiValueQueryStringParameters[key] ??= []).push(value);
  }

  const bytes = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
  const asText = HTTP_API_TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = Date.now();
  const event = {
    version: '1.0',
    resource: request.path,
    path: request.path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.size > 0 ? queryStringParameters : null,
    multiValueQueryStringParameters: query.size > 0 ? multiValueQueryStringParameters : null,
    requestContext: {
      accountId: '123456789012',
      apiId,
      authorizer: { claims: null, scopes: null },
      domainName,
      domainPrefix: apiId,
      extendedRequestId: randomUUID(),
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: headers['user-agent'] ?? '',
        userArn: null,
      },
      path: request.path,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      resourceId: null,
      resourcePath: request.path,
      stage: '$default',
    },
    pathParameters: null,
    stageVariables: null,
    body: bytes === undefined ? null : asText ? bytes.toString('utf8') : bytes.toString('base64'),
    isBase64Encoded: bytes !== undefined && !asText,
  };
  // The aws-lambda type describes the REST API's event; the HTTP API's 1.0 event has nulls where it has strings.
  return event as unknown as APIGatewayProxyEvent;
}
