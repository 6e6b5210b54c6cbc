import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  envelopeAttributes,
  envelopeText,
  escapeNoncharacters,
  idempotencyKey,
  MAX_PUBLISHED_MESSAGE_BYTES,
  messageBytes,
  planEnvelope,
  type EnvelopeHeader,
} from '../core/envelope';
import { WebhookError } from '../core/errors';
import type { WebhookEvent } from '../core/provider';
import { findProvider } from '../core/registry';
import { verifyWebhook } from '../core/verify-webhook';
import type { VerifierClients } from '../adapters/aws-clients';
import { sendEnvelope, type EnvelopeMessage } from '../adapters/envelope-messages';
import { IdempotentIntake } from '../adapters/idempotent-intake';
import { storePayload } from '../adapters/payload-store';
import { SigningSecrets } from '../adapters/signing-secrets';
import { providerOf, toWebhookRequest } from '../http/api-gateway';
import { errorResponse, jsonResponse, toWebhookError } from '../http/responses';
import { describeCause } from '../observability/describe-cause';
import type { Telemetry } from '../observability/telemetry';
import type { RouteConfig, VerifierRuntimeConfig } from '../runtime-config';
import { mapWithConcurrency } from '../util/map-with-concurrency';

export interface VerifierDependencies {
  readonly config: VerifierRuntimeConfig;
  readonly clients: VerifierClients;
  readonly telemetry: Telemetry;
  /** Milliseconds clock. @default Date.now */
  readonly now?: () => number;
  /**
   * The exact URL a request was sent to, where the transport knows it (the local gateway does; API
   * Gateway REST does not, so on Lambda the URL is configured or rebuilt). @default none
   */
  readonly receivedUrl?: (event: APIGatewayProxyEvent) => string | undefined;
}

export type VerifierHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface AcceptedEvent {
  eventId: string;
  replayed: boolean;
}

/** An event ready to enqueue: its envelope inline, or its payload bound for the payload bucket. */
type PreparedEvent =
  | { readonly event: WebhookEvent; readonly message: EnvelopeMessage }
  | { readonly event: WebhookEvent; readonly header: EnvelopeHeader; readonly claimCheck: 'size' | 'characters' };

/** Events of one batch accepted in parallel: bounded, so a large batch cannot exhaust sockets or throttle DynamoDB. */
const BATCH_CONCURRENCY = 16;

/**
 * The key an event is deduplicated on: its id, or for schemes that sign no id and no timestamp the
 * fingerprint of what they sign. A route uses one kind or the other, never both.
 */
function deduplicationKey(route: string, event: WebhookEvent): string {
  return idempotencyKey(route, event.contentKey === undefined ? event.id : `content:${event.contentKey}`);
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
    onTrimmed: (secretId, entries) =>
      logger.warn('A signing secret had surrounding whitespace; it was trimmed', { secretId, entries }),
  });
  const intake = new IdempotentIntake({
    dynamodb: clients.dynamodb,
    tableName: config.idempotencyTableName,
    keyPrefix: 'verifier',
    windowSeconds: config.idempotencyWindowSeconds,
    onCompletionWriteFailed: (key) =>
      logger.warn('Event enqueued but its idempotency record was not completed', { idempotencyKey: key }),
  });

  /**
   * Decides how each event travels before anything is recorded, so an event that cannot travel at
   * all is refused with a 4xx instead of answered 2xx and lost.
   */
  function prepare(routeName: string, event: WebhookEvent, receivedAt: string): PreparedEvent {
    const header: EnvelopeHeader = { id: event.id, provider: routeName, type: event.type, receivedAt };
    const plan = planEnvelope(header, event.payloadJson, config.largePayloadThresholdBytes);
    if (plan.inline) return { event, message: { text: plan.text, attributes: envelopeAttributes(header) } };
    if (config.payloadBucketName) return { event, header, claimCheck: plan.reason };
    // No payload bucket: characters SQS refuses are escaped (the same JSON value); size cannot be helped.
    const text = envelopeText(header, { json: escapeNoncharacters(event.payloadJson) });
    const attributes = envelopeAttributes(header);
    if (plan.reason === 'size' || messageBytes(text, attributes) > MAX_PUBLISHED_MESSAGE_BYTES) {
      throw new WebhookError('PAYLOAD_TOO_LARGE', 'The event is too large to publish and no payload bucket is configured', {
        details: { messageBytes: plan.bytes },
      });
    }
    return { event, message: { text, attributes } };
  }

  async function messageOf(routeName: string, prepared: PreparedEvent): Promise<EnvelopeMessage> {
    if ('message' in prepared) return prepared.message;
    const location = await storePayload(clients.s3, config.payloadBucketName!, routeName, prepared.event.payloadJson);
    return { text: envelopeText(prepared.header, { location }), attributes: envelopeAttributes(prepared.header) };
  }

  /** Puts one event on its provider's queue, at most once per deduplication key. */
  async function acceptOnce(routeName: string, route: RouteConfig, prepared: PreparedEvent): Promise<AcceptedEvent> {
    const { result, replayed } = await intake.once(deduplicationKey(routeName, prepared.event), async () => {
      try {
        await sendEnvelope(clients.sqs, route.queueUrl, await messageOf(routeName, prepared));
      } catch (cause) {
        throw new WebhookError('ENQUEUE_FAILED', 'The event could not be enqueued', { cause });
      }
      return { eventId: prepared.event.id };
    });
    // A repeat answers with the id of the event it repeats (which, for unsigned ids, may differ).
    return { eventId: result.eventId, replayed };
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
      const request = toWebhookRequest(event, {
        signedUrl: route.signedUrl,
        receivedUrl: deps.receivedUrl?.(event),
        publicBaseUrl: route.publicUrl,
      });
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

      const receivedAt = new Date(now()).toISOString();
      const prepared = verified.events.map((webhookEvent) => prepare(providerName, webhookEvent, receivedAt));
      const claimChecked = prepared.filter((item) => !('message' in item)).length;
      if (claimChecked > 0) logContext['claimChecked'] = claimChecked;

      // A batch (SendGrid) is accepted event by event, a few at a time; if any fails the answer is
      // 5xx and the sender's retry replays the accepted ones and accepts the rest.
      const accepted = await mapWithConcurrency(prepared, BATCH_CONCURRENCY, (item) => acceptOnce(providerName, route, item));
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
