import type { APIGatewayProxyResult } from 'aws-lambda';
import { isWebhookError, WebhookError, type WebhookErrorCode } from '../core/errors';
import type { DirectReply } from '../core/provider';

/**
 * The one place where an error becomes an HTTP answer. 4xx: the sender's request is refused and a
 * retry would not help (except 409). 5xx: something on our side failed, nothing was recorded as
 * delivered, and the sender's retry will go through. Details of a 5xx never reach the caller.
 */
const STATUS_BY_CODE: Readonly<Record<WebhookErrorCode, number>> = {
  UNKNOWN_PROVIDER: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_FOUND: 404,
  MALFORMED_REQUEST: 400,
  MISSING_SIGNATURE: 401,
  MALFORMED_SIGNATURE: 401,
  INVALID_SIGNATURE: 401,
  TIMESTAMP_OUT_OF_TOLERANCE: 401,
  VERIFICATION_FAILED: 403,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_PAYLOAD: 400,
  EVENT_IN_PROGRESS: 409,
  SECRETS_UNAVAILABLE: 503,
  IDEMPOTENCY_STORE_UNAVAILABLE: 503,
  ENQUEUE_FAILED: 503,
  INTERNAL_ERROR: 500,
  THROTTLED: 429,
  RATE_LIMITED: 429,
  FORBIDDEN: 403,
  UPSTREAM_UNAVAILABLE: 502,
  UPSTREAM_TIMEOUT: 504,
  GATEWAY_ERROR: 502,
};

/** Seconds a sender should wait before retrying, for the codes where waiting helps. */
const RETRY_AFTER_SECONDS: Partial<Record<WebhookErrorCode, number>> = {
  EVENT_IN_PROGRESS: 1,
  THROTTLED: 1,
  RATE_LIMITED: 60,
  UPSTREAM_UNAVAILABLE: 5,
  UPSTREAM_TIMEOUT: 5,
  GATEWAY_ERROR: 5,
  SECRETS_UNAVAILABLE: 5,
  IDEMPOTENCY_STORE_UNAVAILABLE: 5,
  ENQUEUE_FAILED: 5,
};

const PUBLIC_MESSAGE_FOR_5XX = 'The webhook could not be accepted right now; retry later';

export function statusForCode(code: WebhookErrorCode): number {
  return STATUS_BY_CODE[code];
}

/** Seconds in the `Retry-After` header of a refusal with `code`, where waiting helps. */
export function retryAfterForCode(code: WebhookErrorCode): number | undefined {
  return RETRY_AFTER_SECONDS[code];
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** A provider's own reply (a handshake, or a synchronous answer): JSON unless it names another type. */
export function replyResponse(reply: DirectReply, headers: Record<string, string> = {}): APIGatewayProxyResult {
  const contentType = reply.contentType ?? 'application/json';
  if (contentType === 'application/json') return jsonResponse(reply.statusCode, reply.body, headers);
  return {
    statusCode: reply.statusCode,
    headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store', ...headers },
    body: String(reply.body),
  };
}

/** Normalises anything thrown into a WebhookError (unknown errors become INTERNAL_ERROR). */
export function toWebhookError(error: unknown): WebhookError {
  return isWebhookError(error) ? error : new WebhookError('INTERNAL_ERROR', 'Internal error', { cause: error });
}

export function errorResponse(error: WebhookError): APIGatewayProxyResult {
  const statusCode = statusForCode(error.code);
  const retryAfter = RETRY_AFTER_SECONDS[error.code];
  return jsonResponse(
    statusCode,
    { error: statusCode >= 500 ? PUBLIC_MESSAGE_FOR_5XX : error.message, code: error.code },
    retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
  );
}
