/**
 * Every way a webhook can be refused or fail, as one error type with a stable code.
 * Codes are part of the public interface (`{ "error", "code" }` bodies, metrics, logs);
 * the HTTP status for each code is decided in exactly one place: `lambdas/http/responses.ts`.
 */
export const WebhookErrorCode = {
  /** No route of that name (`/webhooks/<route>`). */
  UNKNOWN_PROVIDER: 'UNKNOWN_PROVIDER',
  /** The route does not answer this method (GET only where the sender verifies endpoints with it). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** A path outside `/webhooks/…`, `/health` (and the local gateway's `/_local/…`). */
  NOT_FOUND: 'NOT_FOUND',
  /** The request target is not a URL at all. */
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  /** A header the provider always sends is absent (signature, timestamp, id). */
  MISSING_SIGNATURE: 'MISSING_SIGNATURE',
  /** The signature header is present but cannot be parsed. */
  MALFORMED_SIGNATURE: 'MALFORMED_SIGNATURE',
  /** No configured secret produces the received signature. */
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  /**
   * An endpoint-verification request (a GET challenge) presented a credential that does not match
   * (Meta's verify token): refused without echoing the challenge.
   */
  VERIFICATION_FAILED: 'VERIFICATION_FAILED',
  /** The signed timestamp is too old or too far in the future. */
  TIMESTAMP_OUT_OF_TOLERANCE: 'TIMESTAMP_OUT_OF_TOLERANCE',
  /** The body is larger than the provider's configured maximum (checked before hashing). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The signature is valid but the body is not what the provider sends (not JSON, no id…). */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** The same event is being accepted by a concurrent request right now; retry shortly. */
  EVENT_IN_PROGRESS: 'EVENT_IN_PROGRESS',
  /** No signing secret could be loaded for the provider (Secrets Manager down, secret empty). */
  SECRETS_UNAVAILABLE: 'SECRETS_UNAVAILABLE',
  /** The idempotency store could not be reached; nothing was enqueued. */
  IDEMPOTENCY_STORE_UNAVAILABLE: 'IDEMPOTENCY_STORE_UNAVAILABLE',
  /** The event could not be enqueued; nothing was recorded, the provider's retry will go through. */
  ENQUEUE_FAILED: 'ENQUEUE_FAILED',
  /** Anything unexpected. */
  INTERNAL_ERROR: 'INTERNAL_ERROR',

  // Answered by API Gateway (and WAF) themselves, deployed, in the same `{ error, code }` shape.
  /** Over the route's or the stage's throttling. */
  THROTTLED: 'THROTTLED',
  /** Over WAF's per-IP rate limit. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The source address is outside the route's allowlist, or a WAF rule blocked the request. */
  FORBIDDEN: 'FORBIDDEN',
  /** API Gateway could not invoke the verifier, or the invocation failed. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** The verifier did not answer within API Gateway's 29 s. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** Any other error of API Gateway's own (its status is kept). */
  GATEWAY_ERROR: 'GATEWAY_ERROR',
} as const;

export type WebhookErrorCode = (typeof WebhookErrorCode)[keyof typeof WebhookErrorCode];

export interface WebhookErrorOptions {
  cause?: unknown;
  /** Safe, non-secret context for logs (never payloads, signatures or MACs). */
  details?: Record<string, string | number | boolean | undefined>;
}

/** Codes of failures on hookrelay's side (5xx): their errors keep a stack trace for diagnosis. */
const SERVER_SIDE_CODES: ReadonlySet<WebhookErrorCode> = new Set<WebhookErrorCode>([
  'SECRETS_UNAVAILABLE',
  'IDEMPOTENCY_STORE_UNAVAILABLE',
  'ENQUEUE_FAILED',
  'INTERNAL_ERROR',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'GATEWAY_ERROR',
]);

/**
 * Marks WebhookError instances across copies of this module (a bundle and a test runner's registry
 * can each hold one), where `instanceof` would see two different classes.
 */
const WEBHOOK_ERROR = Symbol.for('hookrelay.WebhookError');

export class WebhookError extends Error {
  public declare readonly [WEBHOOK_ERROR]: true;
  public readonly code: WebhookErrorCode;
  public readonly details: Record<string, string | number | boolean | undefined>;

  public constructor(code: WebhookErrorCode, message: string, options: WebhookErrorOptions = {}) {
    // A refusal of what a sender sent is expected, not a bug: capturing its stack trace was a third
    // of a refused request's CPU (npm run bench -- forgedCost). Failures on our side keep theirs.
    const expected = !SERVER_SIDE_CODES.has(code);
    const stackTraceLimit = Error.stackTraceLimit;
    if (expected) Error.stackTraceLimit = 0;
    try {
      super(message, options.cause === undefined ? undefined : { cause: options.cause });
    } finally {
      if (expected) Error.stackTraceLimit = stackTraceLimit;
    }
    this.name = 'WebhookError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

// On the prototype, not each instance: a refusal is constructed on every refused request.
Object.defineProperty(WebhookError.prototype, WEBHOOK_ERROR, { value: true });

export const isWebhookError = (error: unknown): error is WebhookError =>
  typeof error === 'object' && error !== null && (error as { [WEBHOOK_ERROR]?: unknown })[WEBHOOK_ERROR] === true;
