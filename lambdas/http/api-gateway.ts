import type { APIGatewayProxyEvent } from 'aws-lambda';
import { normaliseHeaders, type WebhookRequest } from '../core/request';

/**
 * API Gateway (REST, Lambda proxy) event → the core's `WebhookRequest`. The body is kept as the
 * exact bytes the sender signed: base64-decoded when API Gateway encoded it, never re-serialised.
 */
export function toWebhookRequest(event: APIGatewayProxyEvent, publicBaseUrl?: string): WebhookRequest {
  const headers = normaliseHeaders(event.multiValueHeaders, event.headers);
  const rawBody =
    event.body === null || event.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    provider: providerOf(event),
    headers,
    rawBody,
    url: publicUrl(event, headers, publicBaseUrl),
  };
}

/**
 * The provider route: the `{provider}` path parameter where the API has one (the local gateway),
 * else the segment after `/webhooks/` of the resource path (the deployed API gives each provider a
 * resource of its own, `/webhooks/stripe`, for per-provider throttling), else of the request path.
 */
export function providerOf(event: Pick<APIGatewayProxyEvent, 'pathParameters' | 'resource' | 'path'>): string {
  const fromParameter = event.pathParameters?.['provider'];
  const name = fromParameter ?? providerFromPath(event.resource?.includes('{') ? event.path : (event.resource ?? event.path));
  return name.toLowerCase();
}

function providerFromPath(path: string | undefined): string {
  const match = /\/webhooks\/([^/?]+)/.exec(path ?? '');
  if (!match) return '';
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

/**
 * The URL the sender posted to, which Twilio signs. Behind a custom domain or stage path the
 * configured public base URL is authoritative; otherwise it is rebuilt from Host and the stage path.
 */
function publicUrl(event: APIGatewayProxyEvent, headers: Record<string, string[]>, publicBaseUrl?: string): string {
  const query = queryString(event);
  if (publicBaseUrl) {
    const resourcePath = event.path ?? event.requestContext?.resourcePath ?? '';
    return `${publicBaseUrl.replace(/\/+$/, '')}${resourcePath}${query}`;
  }
  const proto = headers['x-forwarded-proto']?.[0] ?? 'https';
  const host = headers['host']?.[0] ?? event.requestContext?.domainName ?? 'localhost';
  const path = event.requestContext?.path ?? event.path ?? '';
  return `${proto}://${host}${path}${query}`;
}

function queryString(event: APIGatewayProxyEvent): string {
  const multi = event.multiValueQueryStringParameters;
  const single = event.queryStringParameters;
  const pairs: string[] = [];
  if (multi) {
    for (const [key, values] of Object.entries(multi)) {
      for (const value of values ?? []) pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    }
  } else if (single) {
    for (const [key, value] of Object.entries(single)) {
      if (value !== undefined) pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    }
  }
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}
