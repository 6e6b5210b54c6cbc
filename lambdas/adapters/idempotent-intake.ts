import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyInconsistentStateError,
  IdempotencyPersistenceLayerError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { WebhookError } from '../core/errors';

/**
 * "Do this side effect at most once per key" on DynamoDB, with Powertools idempotency:
 * a conditional PutItem (IN_PROGRESS, with an in-progress expiry) → the side effect → UpdateItem
 * (COMPLETED, with the stored result). If the side effect throws, the record is deleted so the
 * sender's retry goes through. A later call with the same key gets the stored result, marked
 * `replayed`. Three sequential round trips for a first delivery, one for a replay.
 *
 * Two rules on top of Powertools, each closing a window where an event could be lost or doubled:
 *  - A duplicate that finds the record IN_PROGRESS waits (bounded, `inProgressWaitMs`) for the
 *    first to finish and then replays its result; if it does not finish in time, EVENT_IN_PROGRESS
 *    (409): the side effect is never run twice concurrently.
 *  - If the side effect succeeded but marking the record COMPLETED failed, the call still succeeds:
 *    the effect happened, so reporting failure would only make the sender repeat it. The record
 *    stays IN_PROGRESS until its in-progress expiry; the next stage dedupes anything later.
 */
export interface IdempotentIntakeOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  /** Namespace of the keys, so several users can share one table. */
  readonly keyPrefix: string;
  /** How long a completed key is remembered. */
  readonly windowSeconds: number;
  /** Total time a duplicate waits for an in-progress first delivery. @default 1000 */
  readonly inProgressWaitMs?: number;
  /** Told when the side effect succeeded but the COMPLETED write did not. */
  readonly onCompletionWriteFailed?: (key: string, error: unknown) => void;
}

export interface IntakeResult<TResult> {
  readonly result: TResult;
  /** True when the stored result of an earlier call was returned and the effect was not run. */
  readonly replayed: boolean;
}

const WAIT_STEPS_MS = [25, 50, 100, 150, 200, 250, 300];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class IdempotentIntake {
  readonly #config: IdempotencyConfig;
  readonly #run: (input: { key: string; effect: () => Promise<unknown> }) => Promise<unknown>;
  readonly #options: IdempotentIntakeOptions;

  public constructor(options: IdempotentIntakeOptions) {
    this.#options = options;
    this.#config = new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      expiresAfterSeconds: options.windowSeconds,
      throwOnNoIdempotencyKey: true,
      responseHook: (response) => ({ replayed: true, result: response }),
    });
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: options.tableName,
      awsSdkV3Client: options.dynamodb,
    });
    this.#run = makeIdempotent(
      async (input: { key: string; effect: () => Promise<unknown> }) => input.effect(),
      { persistenceStore, config: this.#config, keyPrefix: options.keyPrefix },
    ) as (input: { key: string; effect: () => Promise<unknown> }) => Promise<unknown>;
  }

  /** Lets in-progress records expire with the invocation, so a crashed attempt can be retried. */
  public registerLambdaContext(context: Context | undefined): void {
    if (context && typeof context.getRemainingTimeInMillis === 'function') this.#config.registerLambdaContext(context);
  }

  public async once<TResult>(key: string, effect: () => Promise<TResult>): Promise<IntakeResult<TResult>> {
    let effectSucceeded = false;
    let effectResult: TResult | undefined;
    const trackedEffect = async () => {
      effectResult = await effect();
      effectSucceeded = true;
      return effectResult as unknown;
    };

    const budget = this.#options.inProgressWaitMs ?? 1000;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome = await this.#run({ key, effect: trackedEffect });
        if (isReplay(outcome)) return { result: outcome.result as TResult, replayed: true };
        return { result: outcome as TResult, replayed: false };
      } catch (error) {
        if (effectSucceeded && error instanceof IdempotencyPersistenceLayerError) {
          this.#options.onCompletionWriteFailed?.(key, error);
          return { result: effectResult as TResult, replayed: false };
        }
        const inProgress =
          error instanceof IdempotencyAlreadyInProgressError || error instanceof IdempotencyInconsistentStateError;
        if (inProgress) {
          const step = WAIT_STEPS_MS[Math.min(attempt, WAIT_STEPS_MS.length - 1)]!;
          if (waited + step > budget) {
            throw new WebhookError('EVENT_IN_PROGRESS', 'The same event is being processed by another request', {
              cause: error,
            });
          }
          await sleep(step);
          waited += step;
          continue;
        }
        if (error instanceof IdempotencyPersistenceLayerError) {
          throw new WebhookError('IDEMPOTENCY_STORE_UNAVAILABLE', 'The idempotency store is unavailable', {
            cause: error,
          });
        }
        throw error;
      }
    }
  }
}

function isReplay(outcome: unknown): outcome is { replayed: true; result: unknown } {
  return typeof outcome === 'object' && outcome !== null && (outcome as { replayed?: unknown }).replayed === true;
}
