import type { APIGatewayProxyEvent } from 'aws-lambda';
import { normaliseHeaders, type WebhookRequest } from '../core/request';

/** Where the URL a sender signed comes from, most authoritative first. */
export interface SignedUrlSources {
  /** The route's configured exact public URL (query included): used byte for byte. */
  readonly signedUrl?: string | undefined;
  /** The exact URL the request was sent to, when the adapter knows it (the local gateway does). */
  readonly receivedUrl?: string | undefined;
  /** The public base URL (custom domain) to which the request path is appended. */
  readonly publicBaseUrl?: string | undefined;
}

/**
 * API Gateway Lambda proxy event → the core's `WebhookRequest`: a REST API's, or an HTTP API's at
 * payload format 1.0, which has the same fields (lower-case header names, `resource` = the route's
 * path, no stage segment in the `$default` stage's paths). The body is kept as the exact bytes the
 * sender signed: base64-decoded when API Gateway encoded it (a REST API with every media type binary
 * always does; an HTTP API does for every body that is not text or JSON), never re-serialised.
 * @param route the event's route, where the caller has already read it. @default `providerOf(event)`
 */
export function toWebhookRequest(event: APIGatewayProxyEvent, urls: SignedUrlSources = {}, route: string = providerOf(event)): WebhookRequest {
  const headers = normaliseHeaders(event.multiValueHeaders, event.headers);
  const fields = {
    route,
    method: event.httpMethod === 'GET' ? ('GET' as const) : ('POST' as const),
    headers,
    url: urls.signedUrl ?? urls.receivedUrl ?? rebuiltUrl(event, headers, urls.publicBaseUrl),
    query: queryParameters(event),
  };
  return withRequestBody(fields, event.body, event.isBase64Encoded);
}

/**
 * A request whose body arrived as text: `rawBody` is encoded from it only if something asks for the
 * bytes. A class rather than an object literal with a getter, so every request has the same shape.
 */
class TextBodyRequest implements WebhookRequest {
  public readonly route: string;
  public readonly method: WebhookRequest['method'];
  public readonly headers: WebhookRequest['headers'];
  public readonly url: string;
  public readonly query: WebhookRequest['query'];
  public readonly bodyText: string;
  #bytes: Buffer | undefined;

  public constructor(fields: Omit<WebhookRequest, 'rawBody' | 'bodyText'>, text: string) {
    this.route = fields.route;
    this.method = fields.method;
    this.headers = fields.headers;
    this.url = fields.url;
    this.query = fields.query;
    this.bodyText = text;
  }

  public get rawBody(): Buffer {
    return (this.#bytes ??= Buffer.from(this.bodyText, 'utf8'));
  }
}

/**
 * A request with the body as API Gateway hands it over: base64-decoded bytes, or for a text body the
 * text itself, whose bytes (`rawBody`) are encoded only if something asks for them. Hashing a string
 * hashes its UTF-8 encoding, so a scheme that signs the body never needs the bytes built; encoding
 * 3 KB with a few characters beyond ASCII, then decoding them again to parse, was a quarter of an
 * accepted request's CPU (`npm run bench -- sdkCpu`).
 */
export function withRequestBody(fields: Omit<WebhookRequest, 'rawBody' | 'bodyText'>, body: string | null | undefined, isBase64Encoded: boolean): WebhookRequest {
  if (body === null || body === undefined) return { ...fields, rawBody: Buffer.alloc(0), bodyText: '' };
  if (isBase64Encoded) return { ...fields, rawBody: Buffer.from(body, 'base64') };
  return new TextBodyRequest(fields, body);
}

/** Query parameters as API Gateway decoded them; a repeated key keeps every value. */
function queryParameters(event: APIGatewayProxyEvent): Record<string, string[]> {
  const query: Record<string, string[]> = Object.create(null);
  if (event.multiValueQueryStringParameters) {
    for (const [key, values] of Object.entries(event.multiValueQueryStringParameters)) query[key] = [...(values ?? [])];
  } else if (event.queryStringParameters) {
    for (const [key, value] of Object.entries(event.queryStringParameters)) if (value !== undefined) query[key] = [value];
  }
  return query;
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
 * The URL the sender posted to, rebuilt when no exact one is configured: behind a custom domain the
 * public base URL, else Host and the stage path. API Gateway hands over the query string decoded,
 * so it is re-encoded here: a URL whose query the sender wrote differently (repeated keys, commas,
 * URLs as values) is only verified exactly with a configured `signedUrl`.
 */
function rebuiltUrl(event: APIGatewayProxyEvent, headers: Record<string, string[]>, publicBaseUrl?: string): string {
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
