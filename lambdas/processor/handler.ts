import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { envelopeAttributes, envelopeSchema, idempotencyKey, type Envelope } from '../core/envelope';
import type { ProcessorClients } from '../adapters/aws-clients';
import { publishEnvelope } from '../adapters/envelope-messages';
import { IdempotentIntake } from '../adapters/idempotent-intake';
import { observability } from '../observability/middleware';
import type { Telemetry } from '../observability/telemetry';
import type { ProcessorRuntimeConfig } from '../runtime-config';

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
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
    throw new PoisonMessageError(`Message is not a valid envelope (fields: ${fields.join(', ')})`);
  }
  const envelope = result.data;
  if (envelope.payload === undefined && envelope.payloadLocation === undefined) {
    throw new PoisonMessageError('Message has neither payload nor payloadLocation');
  }
  return envelope;
}

/**
 * SQS batch → SNS, one record at a time (Powertools BatchProcessor): each record is validated,
 * then published at most once per envelope id (its own idempotency record), so an SQS redelivery,
 * a duplicate enqueue, or a crash after publishing never publishes twice. The message body is
 * published exactly as queued: the payload inside it is the text the sender signed, and parsing and
 * re-serialising it would change numbers, key order and escapes. Failed records are reported as
 * partial batch failures; after maxReceiveCount SQS parks them in the DLQ.
 */
export function createProcessorHandler(deps: ProcessorDependencies): ProcessorHandler {
  const { config, clients, telemetry } = deps;
  const { logger } = telemetry;
  const batch = new BatchProcessor(EventType.SQS);
  const intake = new IdempotentIntake({
    dynamodb: clients.dynamodb,
    tableName: config.idempotencyTableName,
    keyPrefix: 'processor',
    windowSeconds: config.idempotencyWindowSeconds,
    onCompletionWriteFailed: (key) =>
      logger.warn('Envelope published but its idempotency record was not completed', { idempotencyKey: key }),
  });

  async function processRecord(record: SQSRecord): Promise<void> {
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(record.body);
      if (envelope.provider !== config.provider) {
        throw new PoisonMessageError(`Envelope provider does not match this processor (${config.provider})`);
      }
    } catch (error) {
      telemetry.count('Failed', config.provider, { code: 'POISON_MESSAGE' });
      logger.error('Poison message; it will reach the DLQ after maxReceiveCount', {
        messageId: record.messageId,
        receiveCount,
        reason: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }

    const { replayed } = await intake
      .once(idempotencyKey(envelope.source ?? envelope.provider, envelope.id), async () => ({
        messageId: await publishEnvelope(clients.sns, config.topicArn, { text: record.body, attributes: envelopeAttributes(envelope) }),
      }))
      .catch((error: unknown) => {
        telemetry.count('Failed', config.provider, { code: 'PUBLISH_FAILED' });
        logger.warn('Publish failed; the message will be retried', {
          messageId: record.messageId,
          eventId: envelope.id,
          receiveCount,
          error: error instanceof Error ? error.name : typeof error,
        });
        throw error;
      });
    telemetry.count(replayed ? 'Duplicate' : 'Published', config.provider);
    logger.info(replayed ? 'Duplicate envelope skipped' : 'Envelope published', {
      messageId: record.messageId,
      eventId: envelope.id,
      eventType: envelope.type,
    });
  }

  async function handle(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    intake.registerLambdaContext(context);
    return processPartialResponse(event, processRecord, batch, { context });
  }

  return middy<SQSEvent, SQSBatchResponse>().use(observability(telemetry)).handler(handle);
}

