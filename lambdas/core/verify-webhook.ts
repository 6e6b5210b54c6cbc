import { assertPublishableField, MAX_EVENT_ID_LENGTH, MAX_EVENT_TYPE_LENGTH } from './envelope';
import { isWebhookError, WebhookError } from './errors';
import { bodyBytesOver, type VerifiedWebhook, type WebhookProvider } from './provider';
import type { WebhookRequest } from './request';

export interface VerificationSettings<TOptions = unknown> {
  readonly secrets: readonly string[];
  /** The route's second credential (Meta's verify token). @default [] */
  readonly verifyTokens?: readonly string[];
  readonly nowSeconds: number;
  /** @default the provider's `defaultToleranceSeconds` */
  readonly toleranceSeconds?: number;
  /** Largest body accepted, in bytes; checked before any other work. @default the provider's `defaultMaxBodyBytes` */
  readonly maxBodyBytes?: number;
  readonly options: TOptions;
}

/** A verification's result: the verified webhook, or the refusal (never thrown). */
export type VerificationOutcome = { readonly verified: VerifiedWebhook; readonly refusal?: undefined } | { readonly verified?: undefined; readonly refusal: WebhookError };

/**
 * The whole pure verification step: size, signature, timestamp, payload, and whether each event's
 * id and type can travel as SQS/SNS message attributes. Fails closed: a bug in a provider module
 * that throws something other than a WebhookError still refuses the request with a 4xx (never
 * accepts it, never answers 5xx for sender-controlled input); the cause is kept for logs.
 *
 * A refusal is returned, not thrown: throwing it on through another frame cost a refused request
 * about a microsecond more (`npm run bench -- sdkCpu`). `verifyWebhook` is the throwing form.
 */
export function checkWebhook<TOptions>(
  provider: Pick<WebhookProvider<TOptions>, 'name' | 'defaultToleranceSeconds' | 'defaultMaxBodyBytes' | 'verify'>,
  request: WebhookRequest,
  settings: VerificationSettings<TOptions>,
): VerificationOutcome {
  const maxBodyBytes = settings.maxBodyBytes ?? provider.defaultMaxBodyBytes;
  const oversize = bodyBytesOver(request, maxBodyBytes);
  if (oversize !== undefined) {
    return { refusal: new WebhookError('PAYLOAD_TOO_LARGE', `Body exceeds ${maxBodyBytes} bytes`, { details: { bodyBytes: oversize, maxBodyBytes } }) };
  }
  if (settings.secrets.length === 0) {
    return { refusal: new WebhookError('SECRETS_UNAVAILABLE', `No signing secret is configured for ${provider.name}`) };
  }
  try {
    const verified = provider.verify(request, {
      secrets: settings.secrets,
      verifyTokens: settings.verifyTokens ?? [],
      nowSeconds: settings.nowSeconds,
      toleranceSeconds: settings.toleranceSeconds ?? provider.defaultToleranceSeconds,
      options: settings.options,
    });
    if (isWebhookError(verified)) return { refusal: verified };
    for (const event of verified.events) {
      assertPublishableField('id', event.id, MAX_EVENT_ID_LENGTH);
      assertPublishableField('type', event.type, MAX_EVENT_TYPE_LENGTH);
    }
    return { verified };
  } catch (error) {
    if (isWebhookError(error)) return { refusal: error };
    return {
      refusal: new WebhookError('INVALID_PAYLOAD', 'Request could not be verified', {
        cause: error,
        details: { unexpected: error instanceof Error ? error.name : typeof error },
      }),
    };
  }
}

/** `checkWebhook` that throws its refusal (a `WebhookError`). */
export function verifyWebhook<TOptions>(
  provider: Pick<WebhookProvider<TOptions>, 'name' | 'defaultToleranceSeconds' | 'defaultMaxBodyBytes' | 'verify'>,
  request: WebhookRequest,
  settings: VerificationSettings<TOptions>,
): VerifiedWebhook {
  const outcome = checkWebhook(provider, request, settings);
  if (outcome.refusal) throw outcome.refusal;
  return outcome.verified;
}
