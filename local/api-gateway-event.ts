import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';

/**
 * Builds the event API Gateway (REST, Lambda proxy integration) would hand the verifier for this
 * request. Text bodies arrive as strings, as on the deployed API; bytes that are not valid UTF-8
 * arrive base64-encoded with `isBase64Encoded` (never mangled), which exercises the decoding path.
 */
export function toApiGatewayEvent(input: {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  stage?: string;
}): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    multiValueHeaders[name] = values;
    headers[name] = values[values.length - 1]!;
  }
  headers['x-forwarded-proto'] ??= 'http';
  multiValueHeaders['x-forwarded-proto'] ??= [headers['x-forwarded-proto']];

  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of input.query) {
    queryStringParameters[key] = value;
    (multiValueQueryStringParameters[key] ??= []).push(value);
  }
  const asText = input.body.toString('utf8');
  const isText = Buffer.from(asText, 'utf8').equals(input.body);
  const provider = /^\/webhooks\/([^/]+)$/.exec(input.path)?.[1];

  return {
    resource: '/webhooks/{provider}',
    path: input.path,
    httpMethod: input.method,
    headers,
    multiValueHeaders,
    queryStringParameters: input.query.size > 0 ? queryStringParameters : null,
    multiValueQueryStringParameters: input.query.size > 0 ? multiValueQueryStringParameters : null,
    pathParameters: provider === undefined ? null : { provider: safeDecode(provider) },
    stageVariables: null,
    body: input.body.length === 0 ? null : isText ? asText : input.body.toString('base64'),
    isBase64Encoded: input.body.length > 0 && !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: input.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: input.sourceIp,
        user: null,
        userAgent: headers['user-agent'] ?? null,
        userArn: null,
      },
      path: input.path,
      stage: input.stage ?? 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/webhooks/{provider}',
      domainName: headers['host'],
    },
  };
}

/** Like API Gateway, pass an undecodable segment through as it is instead of failing. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
