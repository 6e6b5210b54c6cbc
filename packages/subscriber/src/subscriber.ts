import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ClaimCheck, type S3ClientLike } from './claim-check';
import { Deduplicator, type IdempotencyOptions } from './deduplication';
import { parseJson, toEnvelope, type Envelope } from './envelope';
import { InvalidEnvelopeError, SubscriberError } from './errors';
import { REPLAY_ATTRIBUTE } from './filter-policy';
import type { EventFor, EventPattern, HookrelayEvent, ProviderName } from './event-types';
import {
  assertSupportedEvent,
  fromSnsRecord,
  fromSqsRecord,
  isSnsEvent,
  isSqsEvent,
  type Delivery,
  type SnsEventLike,
  type SqsEventLike,
} from './lambda-events';
import { jsonLineLogger, type SubscriberLogger } from './logger';
import { compileTypePattern, type TypeMatcher } from './patterns';
import { rawMemberText } from './raw-json';

export interface SubscriberOptions {
  /**
   * Deduplicate on source + event id in this DynamoDB table (Powertools idempotency). SNS delivers
   * at least once: without it, a handler may see the same event twice.
   * @default no deduplication
   */
  readonly idempotency?: IdempotencyOptions;
  /**
   * Hand replays (messages re-published from the archive, attribute `replay`) to the handlers.
   * Otherwise they are acknowledged unhandled — the CDK construct's filter policy keeps them away
   * in the first place.
   * @default false
   */
  readonly includeReplays?: boolean;
  /** @default one JSON line per entry on the console */
  readonly logger?: SubscriberLogger;
  /** Reads claim-checked payloads. @default an `S3Client` from the environment, created on first use */
  readonly s3Client?: S3ClientLike;
}

/** What a handler gets besides the event. */
export interface DeliveryContext {
  /** The SQS (or SNS) message id of this delivery: what a partial batch failure names. */
  readonly messageId: string;
  /** 1 on the first delivery of this message; undefined for a direct SNS invocation. */
  readonly receiveCount: number | undefined;
  /** The Lambda context of the invocation. */
  readonly lambdaContext: unknown;
}

/** May be async: the delivery succeeds when the returned promise resolves. */
export type EventHandler<TEvent> = (event: TEvent, context: DeliveryContext) => unknown;

export interface HandlerOptions {
  /** Only events from these sources (route names, e.g. `stripe-eu`). @default every source */
  readonly sources?: readonly string[];
}

export interface PartialBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** The Lambda handler: a partial batch response for SQS, nothing (or a throw) for SNS. */
export interface SubscriberHandler {
  (event: SqsEventLike, context: unknown): Promise<PartialBatchResponse>;
  (event: SnsEventLike, context: unknown): Promise<void>;
  (event: SqsEventLike | SnsEventLike, context: unknown): Promise<PartialBatchResponse | void>;
}

export interface Subscriber {
  /**
   * Registers a handler for the provider's events whose type matches `pattern`: an exact type
   * (`invoice.paid`) or a glob (`invoice.*`, `*`). Every matching handler runs, in registration
   * order; a throw fails the delivery, which is retried and, after the queue's maxReceiveCount,
   * parked in its DLQ.
   */
  on<P extends ProviderName, const Pattern extends EventPattern<P>>(
    provider: P,
    pattern: Pattern,
    handler: EventHandler<EventFor<P, Pattern>>,
    options?: HandlerOptions,
  ): Subscriber;
  /** The Lambda entry point: `export const handler = subscriber.handler`. */
  readonly handler: SubscriberHandler;
}

interface Registration {
  readonly provider: string;
  readonly matches: TypeMatcher;
  readonly sources: ReadonlySet<string> | undefined;
  readonly handler: EventHandler<HookrelayEvent>;
}

/** Unhandled types are logged once each per container; past this many, each is logged every time. */
const MAX_REMEMBERED_UNHANDLED_TYPES = 1000;

/**
 * A hookrelay subscriber: reads deliveries from SQS (raw or SNS-wrapped) or SNS, validates the
 * envelope, skips replays, deduplicates, reads claim-checked payloads, and dispatches to the
 * handlers registered for the provider and type.
 */
export function createSubscriber(options: SubscriberOptions = {}): Subscriber {
  const logger = options.logger ?? jsonLineLogger;
  const includeReplays = options.includeReplays ?? false;
  const registrations: Registration[] = [];
  const unhandledLogged = new Set<string>();
  const claimCheck = new ClaimCheck(options.s3Client);
  const deduplicator = options.idempotency ? new Deduplicator(options.idempotency, logger) : undefined;
  const batch = new BatchProcessor(EventType.SQS);

  async function processDelivery(delivery: Delivery, lambdaContext: unknown): Promise<void> {
    const envelope = toEnvelope(delivery.envelopeJson ?? parseJson(delivery.envelopeText, 'Envelope'));
    const source = envelope.source ?? delivery.attributes['source'] ?? envelope.provider;
    const replay = delivery.attributes[REPLAY_ATTRIBUTE] !== undefined;
    const about = { messageId: delivery.messageId, provider: envelope.provider, source, eventType: envelope.type, eventId: envelope.id };

    if (replay && !includeReplays) {
      logger.info('Replay acknowledged without handling (includeReplays is off)', about);
      return;
    }
    const handlers = registrations.filter(
      (registration) =>
        registration.provider === envelope.provider &&
        registration.matches(envelope.type) &&
        (registration.sources === undefined || registration.sources.has(source)),
    );
    if (handlers.length === 0) {
      logUnhandledOnce(envelope, source);
      return;
    }

    const work = async () => {
      const event = await toEvent(envelope, source, replay, delivery);
      const context: DeliveryContext = { messageId: delivery.messageId, receiveCount: delivery.receiveCount, lambdaContext };
      for (const registration of handlers) await registration.handler(event, context);
    };
    try {
      if (!deduplicator) return await work();
      const outcome = await deduplicator.once(`${source}#${envelope.id}`, lambdaContext, work);
      if (outcome === 'duplicate') logger.info('Duplicate delivery skipped', about);
    } catch (error) {
      if (error instanceof Error && error.name === 'IdempotencyAlreadyInProgressError') {
        // Two deliveries of one event at once (SNS duplicates often share a batch): this one is
        // retried after the visibility timeout and then finds the event handled.
        logger.info('The same event is being handled by another delivery; this one is retried', about);
        throw error;
      }
      // A handler's own error message may quote the payload: only the kit's messages are logged.
      logger.error('Delivery failed; retried until the queue’s maxReceiveCount, then dead-lettered', {
        ...about,
        receiveCount: delivery.receiveCount,
        error: error instanceof Error ? error.name : typeof error,
        ...(error instanceof SubscriberError ? { code: error.code, reason: error.message } : {}),
      });
      throw error;
    }
  }

  function logUnhandledOnce(envelope: Envelope, source: string): void {
    const key = `${envelope.provider}\u0000${envelope.type}`;
    if (unhandledLogged.has(key)) return;
    if (unhandledLogged.size < MAX_REMEMBERED_UNHANDLED_TYPES) unhandledLogged.add(key);
    logger.warn('No handler for this event type; acknowledged (logged once per type)', {
      provider: envelope.provider,
      source,
      eventType: envelope.type,
    });
  }

  async function toEvent(envelope: Envelope, source: string, replay: boolean, delivery: Delivery): Promise<HookrelayEvent> {
    let payload: unknown;
    let rawPayload: () => string;
    if (envelope.payloadLocation !== undefined) {
      const text = await claimCheck.read(envelope.payloadLocation);
      try {
        payload = JSON.parse(text);
      } catch (cause) {
        throw new InvalidEnvelopeError(`Claim-checked payload ${envelope.payloadLocation} is not JSON`, { cause });
      }
      rawPayload = () => text;
    } else {
      payload = envelope.payload;
      rawPayload = () => rawMemberText(delivery.envelopeText, 'payload') ?? JSON.stringify(payload);
    }
    let rawPayloadText: string | undefined;
    return Object.freeze({
      id: envelope.id,
      provider: envelope.provider,
      source,
      type: envelope.type,
      receivedAt: envelope.receivedAt,
      replay,
      payload,
      get rawPayload() {
        return (rawPayloadText ??= rawPayload());
      },
      payloadLocation: envelope.payloadLocation,
    });
  }

  const handler = (async (event: SqsEventLike | SnsEventLike, context: unknown): Promise<PartialBatchResponse | void> => {
    if (isSqsEvent(event)) {
      return processPartialResponse(
        event as Parameters<typeof processPartialResponse>[0],
        (record: Parameters<typeof fromSqsRecord>[0]) => processDelivery(fromSqsRecord(record), context),
        batch,
        { context: context as never },
      );
    }
    if (isSnsEvent(event)) {
      // SNS invokes asynchronously with one record: a throw makes Lambda retry, then use the
      // function's on-failure destination or DLQ.
      for (const record of event.Records) await processDelivery(fromSnsRecord(record), context);
      return;
    }
    return assertSupportedEvent(event);
  }) as SubscriberHandler;

  const subscriber: Subscriber = {
    on(provider, pattern, eventHandler, handlerOptions) {
      registrations.push({
        provider,
        matches: compileTypePattern(pattern),
        sources: handlerOptions?.sources ? new Set(handlerOptions.sources) : undefined,
        handler: eventHandler as EventHandler<HookrelayEvent>,
      });
      return subscriber;
    },
    handler,
  };
  return subscriber;
}
