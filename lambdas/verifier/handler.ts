import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  envelopeAttributes,
  envelopeText,
  escapeNoncharacters,
  maxInlineMessageBytes,
  messageBytes,
  planEnvelope,
  type EnvelopeHeader,
} from '../core/envelope';
import { WebhookError } from '../core/errors';
import { bodyByteLength, methodsOf, type SignatureBinding, type WebhookEvent, type WebhookProvider } from '../core/provider';
import { findProvider, isProviderName } from '../core/registry';
import { checkWebhook } from '../core/verify-webhook';
import type { VerifierClients } from '../adapters/aws-clients';
import { sendEnvelope, type EnvelopeMessage } from '../adapters/envelope-messages';
import { storePayload } from '../adapters/payload-store';
import { EventLedger, eventLedgerKey, signatureKey, type AcceptOutcome } from '../adapters/event-ledger';
import { SigningSecrets } from '../adapters/signing-secrets';
import { providerOf, toWebhookRequest } from '../http/api-gateway';
import { HEALTH_PATH, healthAnswer, type HealthAnswer } from '../http/health';
import { errorResponse, jsonResponse, replyResponse, toWebhookError } from '../http/responses';
import { SOURCE_NOT_ALLOWED_MESSAGE, SourceAllowlist } from '../http/source-allowlist';
import { describeCause } from '../observability/describe-cause';
import { boundedIds, VERIFIER_LINES } from '../observability/log-lines';
import { observability } from '../observability/middleware';
import type { SummaryValue, Telemetry } from '../observability/telemetry';
import { ConfigurationError } from '../environment';
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

/** An event ready to enqueue: its envelope inline, or its payload bound for the payload bucket. */
type PreparedEvent =
  | { readonly event: WebhookEvent; readonly message: EnvelopeMessage }
  | { readonly event: WebhookEvent; readonly header: EnvelopeHeader; readonly claimCheck: 'size' | 'characters' };

/** Events of one batch accepted in parallel: bounded, so a large batch cannot exhaust sockets or throttle DynamoDB. */
const BATCH_CONCURRENCY = 16;

/** The lease when no Lambda context tells the deadline (the verifier's default timeout). */
const DEFAULT_LEASE_MS = 10_000;

/**
 * POST /webhooks/{provider}: verify → deduplicate → enqueue → answer.
 * Everything the sender controls is answered with a 4xx; a 5xx means our side failed, nothing was
 * recorded as delivered, and the sender's retry will go through.
 */
export function createVerifierHandler(deps: VerifierDependencies): VerifierHandler {
  const { config, clients, telemetry } = deps;
  const { logger } = telemetry;
  const now = deps.now ?? Date.now;

  // Cold start: every route names a registered provider (checked without loading any module).
  // A route's module is loaded, and its options validated, on the route's first request: a cold
  // start evaluates none of them (the configuration was validated with the same modules at synth).
  const routes = new Map<string, RouteConfig>();
  for (const [name, route] of Object.entries(config.routes)) {
    if (!isProviderName(route.provider ?? name)) throw new ConfigurationError(`Route "${name}" names no known provider`);
    routes.set(name, route);
  }
  // A route restricted to its senders' addresses where the ingress cannot enforce the list itself
  // (an HTTP API has no resource policy; the local gateway has none): checked before any other work.
  const allowlists = new Map<string, SourceAllowlist>();
  for (const [name, route] of routes) {
    if (route.allowedSourceCidrs !== undefined && route.allowedSourceCidrs.length > 0) allowlists.set(name, new SourceAllowlist(route.allowedSourceCidrs));
  }
  const verifiers = new Map<string, { provider: WebhookProvider<unknown>; options: unknown }>();
  // `GET /health` reaches the verifier only behind an HTTP API, which cannot answer it itself: built on
  // the first one (it loads every route's provider module for its methods), the same answer after.
  let health: HealthAnswer | undefined;
  const healthResponse = () =>
    jsonResponse(200, (health ??= healthAnswer([...routes].map(([route, { provider = route }]) => ({ route, provider, methods: methodsOf(findProvider(provider)!) })))));
  function verifierOf(name: string, route: RouteConfig) {
    let target = verifiers.get(name);
    if (!target) {
      const provider = findProvider(route.provider ?? name)!;
      target = { provider, options: provider.parseOptions(route.options) };
      verifiers.set(name, target);
    }
    return target;
  }
  const secrets = new SigningSecrets(clients.secretsManager, {
    refreshSeconds: config.secretsRefreshSeconds,
    maxStaleSeconds: config.secretsMaxStaleSeconds,
    now,
    onStaleServed: (secretId, ageSeconds) =>
      logger.warn('Secrets Manager failed; serving cached signing secrets', { secretId, ageSeconds }),
    onTrimmed: (secretId, entries) =>
      logger.warn('A signing secret had surrounding whitespace; it was trimmed', { secretId, entries }),
  });
  const ledger = new EventLedger({
    dynamodb: clients.dynamodb,
    tableName: config.idempotencyTableName,
    windowSeconds: config.idempotencyWindowSeconds,
    now,
  });
  /**
   * Decides how each event travels before anything is recorded, so an event that cannot travel at
   * all is refused with a 4xx instead of answered 2xx and lost.
   */
  function prepare(source: string, providerName: string, event: WebhookEvent, receivedAt: string): PreparedEvent {
    const header: EnvelopeHeader = { id: event.id, provider: providerName, source, type: event.type, receivedAt };
    const plan = planEnvelope(header, event.payloadJson, config.largePayloadThresholdBytes);
    if (plan.inline) return { event, message: { text: plan.text, attributes: envelopeAttributes(header) } };
    if (config.payloadBucketName) return { event, header, claimCheck: plan.reason };
    // No payload bucket: characters SQS refuses are escaped (the same JSON value, each character 3
    // bytes longer), and the escaped message is held to the limit the plan applies; size cannot be helped.
    const text = envelopeText(header, { json: escapeNoncharacters(event.payloadJson) });
    const attributes = envelopeAttributes(header);
    const bytes = messageBytes(text, attributes);
    if (bytes > maxInlineMessageBytes(config.largePayloadThresholdBytes)) {
      throw new WebhookError('PAYLOAD_TOO_LARGE', 'The event is too large to publish and no payload bucket is configured', {
        details: { messageBytes: bytes },
      });
    }
    return { event, message: { text, attributes } };
  }

  async function messageOf(prepared: PreparedEvent): Promise<EnvelopeMessage> {
    if ('message' in prepared) return prepared.message;
    const location = await storePayload(clients.s3, config.payloadBucketName!, prepared.header.source, prepared.event.payloadJson);
    return { text: envelopeText(prepared.header, { location }), attributes: envelopeAttributes(prepared.header) };
  }

  /**
   * Puts one event on its provider's queue, at most once per deduplication key: the event ledger's
   * conditional write, then the send (two round trips, one write unit; `adapters/event-ledger.ts`).
   * The lease is this invocation's deadline: past it, a retry may take over.
   */
  async function acceptOnce(routeName: string, route: RouteConfig, prepared: PreparedEvent, deadline: number): Promise<AcceptOutcome> {
    const key = eventLedgerKey(routeName, prepared.event);
    // A repeat answers with the id of the event it repeats (which, for unsigned ids, may differ).
    return ledger.accept(key, prepared.event.id, deadline, async () => {
      try {
        await sendEnvelope(clients.sqs, route.queueUrl, await messageOf(prepared), key);
      } catch (cause) {
        throw new WebhookError('ENQUEUE_FAILED', 'The event could not be enqueued', { cause });
      }
    });
  }

  /**
   * Records the signed value with the content it came with, once; the same signed value with other
   * content is refused. The record lasts the idempotency window (days), far longer than the
   * signature's tolerance (minutes): by the time it is forgotten, the signature is refused as stale.
   */
  async function bindSignature(routeName: string, binding: SignatureBinding): Promise<void> {
    if (!(await ledger.bindSignature(signatureKey(routeName, binding.signed), binding.content))) {
      throw new WebhookError('INVALID_SIGNATURE', 'This signature was already used with other content');
    }
  }

  async function handle(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
    const started = now();
    // The lease on accepted events: this invocation's end (Lambda stops it then, whatever it was doing).
    const deadline = started + (typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : DEFAULT_LEASE_MS);
    // Deployed, each route is a resource of its own (per-route throttling): no path parameter.
    const routeName = providerOf(event);
    // The route name comes from the sender's path: for an unknown one, logs get a bounded copy and
    // metrics the single value `unknown`, so arbitrary paths cannot create metric dimensions.
    const metricRoute = routes.has(routeName) ? routeName : 'unknown';
    // The request line's fields (`telemetry.summarise`): one line per request, on its metrics line.
    const logContext: Record<string, SummaryValue> = { route: routeName.slice(0, 64), function_request_id: context?.awsRequestId };
    try {
      if (event.httpMethod === 'GET' && event.resource === HEALTH_PATH) return healthResponse();
      const route = routes.get(routeName);
      if (!route) throw new WebhookError('UNKNOWN_PROVIDER', `No webhook route "${routeName.slice(0, 64)}"`);
      const sourceIp = event.requestContext?.identity?.sourceIp;
      if (allowlists.get(routeName)?.allows(sourceIp) === false) {
        throw new WebhookError('FORBIDDEN', SOURCE_NOT_ALLOWED_MESSAGE, { details: { sourceIp: String(sourceIp).slice(0, 64) } });
      }
      const { provider, options } = verifierOf(routeName, route);
      if (!methodsOf(provider).includes(event.httpMethod as 'GET' | 'POST')) {
        throw new WebhookError('METHOD_NOT_ALLOWED', `Route "${routeName}" accepts ${methodsOf(provider).join(', ')}`);
      }
      const request = toWebhookRequest(event, {
        signedUrl: route.signedUrl,
        receivedUrl: deps.receivedUrl?.(event),
        publicBaseUrl: route.publicUrl,
      }, routeName);
      logContext['bodyBytes'] = bodyByteLength(request);
      telemetry.count('Received', routeName);

      const credentials = await secrets.get(route.secretId);
      const { verified, refusal } = checkWebhook(provider, request, {
        secrets: credentials.secrets,
        verifyTokens: credentials.verifyTokens,
        nowSeconds: Math.floor(now() / 1000),
        toleranceSeconds: route.toleranceSeconds,
        maxBodyBytes: route.maxBodyBytes,
        options,
      });
      if (refusal) throw refusal;
      logContext['secretIndex'] = verified.secretIndex;
      if (verified.signatureBinding) await bindSignature(routeName, verified.signatureBinding);
      telemetry.count('Verified', routeName);
      if (verified.reply && verified.events.length === 0) {
        // A handshake: verified like any request, answered as the sender expects, nothing published.
        telemetry.count('Handshake', routeName);
        telemetry.summarise(VERIFIER_LINES.handshake, { ...logContext, status: verified.reply.statusCode, ms: now() - started });
        return replyResponse(verified.reply);
      }

      const receivedAt = new Date(now()).toISOString();
      const prepared = verified.events.map((webhookEvent) => prepare(routeName, provider.name, webhookEvent, receivedAt));
      const claimChecked = prepared.filter((item) => !('message' in item)).length;
      if (claimChecked > 0) logContext['claimChecked'] = claimChecked;

      // A batch (SendGrid) is accepted event by event, a few at a time; if any fails the answer is
      // 5xx and the sender's retry replays the accepted ones and accepts the rest.
      const accepted = await mapWithConcurrency(prepared, BATCH_CONCURRENCY, (item) => acceptOnce(routeName, route, item, deadline));
      const eventIds = accepted.map((a) => a.eventId);
      const replayed = accepted.length > 0 && accepted.every((a) => a.replayed);
      for (const a of accepted) telemetry.count(a.replayed ? 'Duplicate' : 'Enqueued', routeName);

      const replayHeaders: Record<string, string> = replayed ? { 'Idempotent-Replayed': 'true' } : {};
      const status = verified.reply?.statusCode ?? 200;
      telemetry.summarise(VERIFIER_LINES.accepted, { ...logContext, ...boundedIds('eventIds', eventIds), replayed, status, ms: now() - started });
      // The sender's own expected answer (Discord's deferred response, Adyen's "[accepted]") when
      // its scheme has one: computed from the verified request, so a repeat gets the same answer.
      if (verified.reply) return replyResponse(verified.reply, replayHeaders);
      return jsonResponse(200, { received: true, eventId: eventIds[0] ?? null, ...(eventIds.length > 1 ? { eventIds } : {}) }, replayHeaders);
    } catch (thrown) {
      const error = toWebhookError(thrown);
      const response = errorResponse(error);
      telemetry.count(response.statusCode >= 500 ? 'Failed' : 'Rejected', metricRoute, { code: error.code });
      const fields = { ...logContext, ...error.details, code: error.code, status: response.statusCode, ms: now() - started };
      if (response.statusCode >= 500) logger.error(VERIFIER_LINES.failed, { ...fields, error: describeCause(error) });
      else telemetry.summarise(VERIFIER_LINES.refused, fields);
      return response;
    }
  }

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>().use(observability(telemetry)).handler(handle);
}
