/**
 * The transport-neutral request the verification core works on. Adapters (API Gateway,
 * the local HTTP server, tests) build it; the core never sees an AWS event.
 */
export interface WebhookRequest {
  /** The route: the path segment after `/webhooks/`, lower-case. */
  readonly route: string;
  /** `POST` for events; `GET` for the endpoint-verification challenges some senders send. */
  readonly method: 'GET' | 'POST';
  /** Header names lower-cased; a repeated header keeps every value in arrival order. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  /**
   * The exact bytes the sender signed (already base64-decoded if the gateway encoded them). An
   * adapter may provide it as an accessor that encodes `bodyText` on first use: copy a request with
   * `{ ...request, rawBody: request.rawBody }`, since a spread copies own properties only.
   */
  readonly rawBody: Buffer;
  /**
   * The body as text, when the adapter received it as text (API Gateway hands a non-binary body
   * over as a string): `rawBody` is then exactly its UTF-8 encoding (a lone surrogate encodes as
   * U+FFFD, as `Buffer.from` and the hash functions encode it). The core hashes and parses this
   * string instead of building the bytes and decoding them again. @default absent: the core decodes
   * `rawBody` where a scheme needs text
   */
  readonly bodyText?: string;
  /**
   * The URL the sender signed, for schemes that sign it (Twilio, Square, HubSpot): the route's
   * configured exact public URL when there is one, else the URL rebuilt from the request.
   */
  readonly url: string;
  /** Query string parameters as received (decoded), a repeated key keeping every value. */
  readonly query: Readonly<Record<string, readonly string[]>>;
}

/** Builds the lower-cased, multi-valued header map from any header shape an adapter meets. */
export function normaliseHeaders(
  ...sources: ReadonlyArray<Record<string, string | readonly string[] | undefined> | null | undefined>
): Record<string, string[]> {
  const headers: Record<string, string[]> = Object.create(null);
  for (const source of sources) {
    if (!source) continue;
    for (const [name, value] of Object.entries(source)) {
      if (value === undefined || value === null) continue;
      const key = name.toLowerCase();
      const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
      const existing = headers[key] ?? (headers[key] = []);
      for (const v of values) if (!existing.includes(v)) existing.push(v);
    }
  }
  return headers;
}

/** First value of a header, or undefined. Header names are matched case-insensitively. */
export function header(request: Pick<WebhookRequest, 'headers'>, name: string): string | undefined {
  const values = request.headers[name.toLowerCase()];
  return values && values.length > 0 ? values[0] : undefined;
}

/** Every value of a header, in arrival order. */
export function headerValues(request: Pick<WebhookRequest, 'headers'>, name: string): readonly string[] {
  return request.headers[name.toLowerCase()] ?? [];
}

/**
 * Query parameters of a URL, decoded as an HTTP adapter decodes them (a repeated key keeps every
 * value); empty when `url` is not an absolute URL. For adapters that receive the URL whole.
 */
export function queryOf(url: string): Record<string, string[]> {
  const query: Record<string, string[]> = Object.create(null);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return query;
  }
  for (const [key, value] of parsed.searchParams) (query[key] ??= []).push(value);
  return query;
}
