import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { idempotencyKey, type Envelope } from '../core/envelope';
import { WebhookError } from '../core/errors';
import type { WebhookEvent } from '../core/provider';
import { findProvider } from '../core/registry';
import { verifyWebhook } from '../core/verify-webhook';
import type { VerifierClients } from '../adapters/aws-clients';
import { enqueueEnvelope } from '../adapters/event-queue';
import { IdempotentIntake } from '../adapters/idempotent-intake';
import { storePayload } from '../adapters/payload-store';
import { SigningSecrets } from '../adapters/signing-secrets';
import { providerOf, toWebhookRequest } from '../http/api-gateway';
import { errorResponse, jsonResponse, toWebhookError } from '../http/responses';
import type { Telemetry } from '../observability/telemetry';
import type { RouteConfig, VerifierRuntimeConfig } from '../runtime-config';

export interface VerifierDependencies {
  readonly config: VerifierRuntimeConfig;
  readonly clients: VerifierClients;
  readonly telemetry: Telemetry;
  /** Milliseconds clock. @default Date.now */
  readonly now?: () => number;
}

export type VerifierHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface AcceptedEvent {
  eventId: string;
  replayed: boolean;
}

/**
 * POST /webhooks/{provider}: verify → deduplicate → enqueue → answer.
 * Everything the sender controls is answered with a 4xx; a 5xx means our side failed, nothing was
 * recorded as delivered, and the sender's retry will go through.
 */
export function createVerifierHandler(deps: VerifierDependencies): VerifierHandler {
  const { config, clients, telemetry } = deps;
  const { logger } = telemetry;
  const now = deps.now ?? Date.now;

  // Cold start: provider options are validated once; a broken route fails loudly here, not per request.
  const routes = new Map(
    Object.entries(config.routes).flatMap(([name, route]) => {
      const provider = findProvider(name);
      if (!provider) throw new Error(`Route "${name}" names no known provider`);
      return [[name, { route, provider, options: provider.parseOptions(route.options) }] as const];
    }),
  );
  const secrets = new SigningSecrets(clients.secretsManager, {
    refreshSeconds: config.secretsRefreshSeconds,
    maxStaleSeconds: config.secretsMaxStaleSeconds,
    now,
    onStaleServed: (secretId, ageSeconds) =>
      logger.warn('Secrets Manager failed; serving cached signing secrets', { secretId, ageSeconds }),
  });
  const intake = new IdempotentIntake({
    dynamodb: clients.dynamodb,
    tableName: config.idempotencyTableName,
    keyPrefix: 'verifier',
    windowSeconds: config.idempotencyWindowSeconds,
    onCompletionWriteFailed: (key) =>
      logger.warn('Event enqueued but its idempotency record was not completed', { idempotencyKey: key }),
  });

  /** Puts one event on its provider's queue, at most once per event id. */
  async function acceptOnce(providerName: string, route: RouteConfig, event: WebhookEvent): Promise<AcceptedEvent> {
    const receivedAt = new Date(now()).toISOString();
    const { replayed } = await intake.once(idempotencyKey(providerName, event.id), async () => {
      try {
        const envelope = await toEnvelope(providerName, event, receivedAt);
        await enqueueEnvelope(clients.sqs, route.queueUrl, envelope);
      } catch (cause) {
        throw new WebhookError('ENQUEUE_FAILED', 'The event could not be enqueued', { cause });
      }
      return { eventId: event.id };
    });
    return { eventId: event.id, replayed };
  }

  /** Claim check: a payload too large to publish on SNS travels through S3 as a pointer. */
  async function toEnvelope(providerName: string, event: WebhookEvent, receivedAt: string): Promise<Envelope> {
    const base = { id: event.id, provider: providerName, type: event.type, receivedAt };
    const payloadJson = JSON.stringify(event.payload ?? null);
    if (config.payloadBucketName && Buffer.byteLength(payloadJson) > config.largePayloadThresholdBytes) {
      const payloadLocation = await storePayload(clients.s3, config.payloadBucketName, providerName, event.id, payloadJson);
      return { ...base, payloadLocation };
    }
    return { ...base, payload: event.payload };
  }

  async function handle(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
    const started = now();
    intake.registerLambdaContext(context);
    // Deployed, each provider is a resource of its own (per-provider throttling): no path parameter.
    const providerName = providerOf(event);
    // The route name comes from the sender's path: for an unknown one, logs get a bounded copy and
    // metrics the single value `unknown`, so arbitrary paths cannot create metric dimensions.
    const metricProvider = routes.has(providerName) ? providerName : 'unknown';
    const logContext: Record<string, string | number | boolean | undefined> = { provider: providerName.slice(0, 64) };
    try {
      const target = routes.get(providerName);
      if (!target) throw new WebhookError('UNKNOWN_PROVIDER', `No webhook route for provider "${providerName.slice(0, 64)}"`);
      const { route, provider, options } = target;
      const request = toWebhookRequest(event, route.publicUrl);
      logContext['bodyBytes'] = request.rawBody.length;
      telemetry.count('Received', providerName);

      const verified = verifyWebhook(provider, request, {
        secrets: await secrets.get(route.secretId),
        nowSeconds: Math.floor(now() / 1000),
        toleranceSeconds: route.toleranceSeconds,
        maxBodyBytes: route.maxBodyBytes,
        options,
      });
      logContext['secretIndex'] = verified.secretIndex;
      telemetry.count('Verified', providerName);
      if (verified.reply) {
        logger.info('Webhook handshake answered', { ...logContext, status: verified.reply.statusCode, ms: now() - started });
        return jsonResponse(verified.reply.statusCode, verified.reply.body);
      }

      // A batch (SendGrid) is accepted event by event, a few at a time; if any fails the answer is
      // 5xx and the sender's retry replays the accepted ones and accepts the rest.
      const accepted = await mapWithConcurrency(verified.events, BATCH_CONCURRENCY, (webhookEvent) =>
        acceptOnce(providerName, route, webhookEvent),
      );
      const eventIds = accepted.map((a) => a.eventId);
      const replayed = accepted.length > 0 && accepted.every((a) => a.replayed);
      for (const a of accepted) telemetry.count(a.replayed ? 'Duplicate' : 'Enqueued', providerName);

      logger.info('Webhook accepted', { ...logContext, eventIds, replayed, status: 200, ms: now() - started });
      return jsonResponse(
        200,
        { received: true, eventId: eventIds[0] ?? null, ...(eventIds.length > 1 ? { eventIds } : {}) },
        replayed ? { 'Idempotent-Replayed': 'true' } : {},
      );
    } catch (thrown) {
      const error = toWebhookError(thrown);
      const response = errorResponse(error);
      telemetry.count(response.statusCode >= 500 ? 'Failed' : 'Rejected', metricProvider, { code: error.code });
      const fields = { ...logContext, ...error.details, code: error.code, status: response.statusCode, ms: now() - started };
      if (response.statusCode >= 500) logger.error('Webhook failed', { ...fields, error: describeCause(error) });
      else logger.info('Webhook refused', fields);
      return response;
    } finally {
      telemetry.flush();
    }
  }

  // Every log line carries the request id, function name and cold-start flag.
  return middy(handle).use(injectLambdaContext(logger, { resetKeys: true })) as unknown as VerifierHandler;
}

/** Events of one batch accepted in parallel: bounded, so a large batch cannot exhaust sockets or throttle DynamoDB. */
const BATCH_CONCURRENCY = 16;

/** Like `Promise.all(items.map(fn))` with at most `limit` in flight; results keep the input order. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** Error names and AWS error codes only: messages of SDK errors can echo request content. */
function describeCause(error: WebhookError): string {
  const parts: string[] = [];
  let cause: unknown = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 4; depth++) {
    parts.push(cause.name);
    cause = cause.cause;
  }
  return parts.join(' ← ') || error.code;
}
