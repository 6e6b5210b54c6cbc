import type { DynamoDBPersistenceOptions } from '@aws-lambda-powertools/idempotency/dynamodb/types';
import type { SubscriberLogger } from './logger';

/** Deduplication of deliveries in a DynamoDB table, with Powertools idempotency. */
export interface IdempotencyOptions {
  /**
   * The table, in the layout Powertools idempotency uses: partition key `id` (string), TTL
   * attribute `expiration`. Grant the function read and write on it.
   */
  readonly tableName: string;
  /**
   * How long a handled event is remembered. At least the queue's retention, so a duplicate that
   * waited in the queue is still recognised.
   * @default 604800 (7 days)
   */
  readonly expiresAfterSeconds?: number;
  /**
   * Namespace of this subscriber's records, so subscribers sharing a table each handle every event.
   * @default the function's name (`AWS_LAMBDA_FUNCTION_NAME`), as Powertools does
   */
  readonly keyPrefix?: string;
  /** @default a client configured from the environment */
  readonly dynamoDBClient?: DynamoDBPersistenceOptions['awsSdkV3Client'];
}

export type DedupeOutcome = 'handled' | 'duplicate';

type RegisterContext = (context: { getRemainingTimeInMillis(): number }) => void;

interface Loaded {
  readonly run: (input: { key: string; work: () => Promise<void> }) => Promise<unknown>;
  readonly registerLambdaContext: RegisterContext;
  readonly isPersistenceError: (error: unknown) => boolean;
}

const SEVEN_DAYS_SECONDS = 7 * 24 * 3600;

/**
 * "Run this at most once per key": a conditional PutItem (IN_PROGRESS) → the work → UpdateItem
 * (COMPLETED). If the work throws, the record is deleted and the redelivery runs it again; a key
 * already COMPLETED is a duplicate and the work is skipped; one IN_PROGRESS elsewhere fails this
 * delivery, which SQS redelivers after the visibility timeout.
 *
 * Powertools is imported when the subscriber is created with this option — during init, where
 * Lambda gives full CPU — and not at all otherwise.
 */
export class Deduplicator {
  readonly #loaded: Promise<Loaded>;
  readonly #logger: SubscriberLogger;

  public constructor(options: IdempotencyOptions, logger: SubscriberLogger) {
    this.#logger = logger;
    this.#loaded = load(options);
    // Surfaced by the first `once`; never an unhandled rejection at init.
    this.#loaded.catch(() => undefined);
  }

  public async once(key: string, context: unknown, work: () => Promise<void>): Promise<DedupeOutcome> {
    const loaded = await this.#loaded;
    if (hasRemainingTime(context)) loaded.registerLambdaContext(context);
    let workDone = false;
    try {
      const outcome = await loaded.run({
        key,
        work: async () => {
          await work();
          workDone = true;
        },
      });
      return isDuplicate(outcome) ? 'duplicate' : 'handled';
    } catch (error) {
      // The handlers ran, but marking the record COMPLETED failed: failing the record would run
      // them again on redelivery. The record expires from IN_PROGRESS with this invocation.
      if (workDone && loaded.isPersistenceError(error)) {
        this.#logger.warn('Event handled but its idempotency record was not completed', { idempotencyKey: key });
        return 'handled';
      }
      throw error;
    }
  }
}

async function load(options: IdempotencyOptions): Promise<Loaded> {
  const [{ IdempotencyConfig, IdempotencyPersistenceLayerError, makeIdempotent }, { DynamoDBPersistenceLayer }] = await Promise.all([
    import('@aws-lambda-powertools/idempotency'),
    import('@aws-lambda-powertools/idempotency/dynamodb'),
  ]);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    expiresAfterSeconds: options.expiresAfterSeconds ?? SEVEN_DAYS_SECONDS,
    throwOnNoIdempotencyKey: true,
    responseHook: () => DUPLICATE,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    ...(options.dynamoDBClient ? { awsSdkV3Client: options.dynamoDBClient } : {}),
  });
  const run = makeIdempotent(
    async (input: { key: string; work: () => Promise<void> }) => {
      await input.work();
      return HANDLED;
    },
    { persistenceStore, config, ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }) },
  );
  return {
    run,
    registerLambdaContext: (context) => config.registerLambdaContext(context as never),
    isPersistenceError: (error) => error instanceof IdempotencyPersistenceLayerError,
  };
}

const HANDLED = { handled: true } as const;
const DUPLICATE = { duplicate: true } as const;

function isDuplicate(outcome: unknown): boolean {
  return typeof outcome === 'object' && outcome !== null && (outcome as { duplicate?: unknown }).duplicate === true;
}

function hasRemainingTime(context: unknown): context is { getRemainingTimeInMillis(): number } {
  return typeof (context as { getRemainingTimeInMillis?: unknown } | null)?.getRemainingTimeInMillis === 'function';
}
