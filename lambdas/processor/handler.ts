import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { envelopeAttributes, type EnvelopeAttributes } from '../core/envelope';
import { checkEnvelope, type Envelope } from '../core/envelope-schema';
import type { ProcessorClients } from '../adapters/aws-clients';
import { LEDGER_KEY_ATTRIBUTE, publishEnvelopes } from '../adapters/envelope-messages';
import { EventLedger, eventLedgerKey, type PublishableRecord } from '../adapters/event-ledger';
import { boundedIds } from '../observability/log-lines';
import { observability } from '../observability/middleware';
import type { Telemetry } from '../observability/telemetry';
import type { ProcessorRuntimeConfig } from '../environment';

export interface ProcessorDependencies {
  readonly config: ProcessorRuntimeConfig;
  readonly clients: ProcessorClients;
  readonly telemetry: Telemetry;
}

export type ProcessorHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** A message that can never be published as it is. It fails until the redrive parks it in the DLQ. */
export class PoisonMessageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

/** Parses and validates a queue message; the reason names the fields, never their values. */
export function parseEnvelope(body: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PoisonMessageError('Message body is not JSON');
  }
  const { envelope, invalidFields } = checkEnvelope(json);
  if (invalidFields) throw new PoisonMessageError(`Message is not a valid envelope (fields: ${invalidFields.join(', ')})`);
  if (envelope.payload === undefined && envelope.payloadLocation === undefined) {
    throw new PoisonMessageError('Message has neither payload nor payloadLocation');
  }
  return envelope;
}

/** A queued message ready to publish, with the attributes it is published with. */
interface QueuedEnvelope {
  readonly record: SQSRecord;
  readonly envelope: Envelope;
  readonly attributes: EnvelopeAttributes;
}

/** How many times SQS has handed the message over, this time included (for logs). */
function receiveCount(record: SQSRecord): number {
  return Number(record.attributes?.ApproximateReceiveCount ?? '1');
}

/**
 * SQS batch → SNS. Each record is validated (a poison message fails until SQS parks it in the DLQ);
 * the valid ones are published at most once per event through the event ledger (one read and one
 * write for the batch, see `adapters/event-ledger.ts`), with SNS PublishBatch: one request for up
 * to ten envelopes, which SNS bills as one. The message body is published exactly as queued: the
 * payload inside it is the text the sender signed, and parsing and re-serialising it would change
 * numbers, key order and escapes. Failed records are reported as partial batch failures.
 *
 * Why not Powertools batch and idempotency here, as elsewhere: they handle records one at a time
 * and write twice per record (a claim, then the completion). Publishing a batch in one request and
 * recording it in one write per event takes SNS from $0.50 to $0.05 per million envelopes (at ten
 * per batch) and DynamoDB from two write units per event to one (README, "Cost per million").
 */
export function createProcessorHandler(deps: ProcessorDependencies): ProcessorHandler {
  const { config, clients, telemetry } = deps;
  const { logger } = telemetry;
  const ledger = new EventLedger({
    dynamodb: clients.dynamodb,
    tableName: config.idempotencyTableName,
    windowSeconds: config.idempotencyWindowSeconds,
  });

  /** Parses a record, or reports it as poison (counted and logged) and returns undefined. */
  function parseRecord(record: SQSRecord): QueuedEnvelope | undefined {
    try {
      const envelope = parseEnvelope(record.body);
      if (envelope.provider !== config.provider) {
        throw new PoisonMessageError(`Envelope provider does not match this processor (${config.provider})`);
      }
      return { record, envelope, attributes: envelopeAttributes(envelope) };
    } catch (error) {
      telemetry.count('Failed', config.provider, { code: 'POISON_MESSAGE' });
      logger.error('Poison message; it will reach the DLQ after maxReceiveCount', {
        messageId: record.messageId,
        receiveCount: receiveCount(record),
        reason: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  async function publish(items: QueuedEnvelope[]): Promise<{ failed: QueuedEnvelope[] }> {
    const { failed } = await publishEnvelopes(
      clients.sns,
      config.topicArn,
      items.map((item) => ({ text: item.record.body, attributes: item.attributes })),
    );
    for (const index of failed.keys()) {
      const item = items[index]!;
      telemetry.count('Failed', config.provider, { code: 'PUBLISH_FAILED' });
      logger.warn('Publish failed; the message will be retried', {
        messageId: item.record.messageId,
        eventId: item.envelope.id,
        receiveCount: receiveCount(item.record),
        error: failed.get(index),
      });
    }
    return { failed: [...failed.keys()].map((index) => items[index]!) };
  }

  async function handle(event: SQSEvent): Promise<SQSBatchResponse> {
    const poison: SQSRecord[] = [];
    const queued: Array<PublishableRecord<QueuedEnvelope>> = [];
    for (const record of event.Records) {
      const item = parseRecord(record);
      if (!item) {
        poison.push(record);
        continue;
      }
      queued.push({
        record: item,
        // The verifier names the event's ledger item; a message without it (redriven from an older
        // version) is keyed on its route (the `source` attribute) and id.
        key: record.messageAttributes?.[LEDGER_KEY_ATTRIBUTE]?.stringValue ?? eventLedgerKey(item.attributes.source, { id: item.envelope.id }),
        eventId: item.envelope.id,
        acceptedAt: Date.parse(item.envelope.receivedAt),
      });
    }
    const outcome = await ledger.publishBatchOnce(queued, publish);
    for (const _item of outcome.published) telemetry.count('Published', config.provider);
    for (const _item of outcome.duplicates) telemetry.count('Duplicate', config.provider);
    // One line per batch, counting its events and naming the first few (`boundedIds`): a line per
    // envelope was most of what a processor logged (≈ 500 bytes per event at $0.50 per GB ingested,
    // `npm run bench -- cost`). Failures, poison messages and unrecorded publishes keep a line of
    // their own, with the message id.
    if (outcome.published.length > 0 || outcome.duplicates.length > 0) {
      logger.info('Envelopes published', {
        ...boundedIds('published', outcome.published.map((item) => item.envelope.id)),
        ...(outcome.duplicates.length > 0 ? boundedIds('duplicatesSkipped', outcome.duplicates.map((item) => item.envelope.id)) : {}),
      });
    }
    for (const item of outcome.unrecorded) {
      logger.warn('Envelope published but its state was not recorded', { messageId: item.record.messageId, eventId: item.envelope.id });
    }
    const failedIds = [...poison.map((record) => record.messageId), ...outcome.failed.map((item) => item.record.messageId)];
    return { batchItemFailures: failedIds.map((itemIdentifier) => ({ itemIdentifier })) };
  }

  return middy<SQSEvent, SQSBatchResponse>().use(observability(telemetry)).handler(handle);
}
