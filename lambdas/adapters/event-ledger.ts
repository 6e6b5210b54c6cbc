import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { WebhookError } from '../core/errors';
import type { WebhookEvent } from '../core/provider';

/**
 * One DynamoDB item per event, shared by the verifier and the processor: the whole delivery state
 * machine in one write per stage.
 *
 *   (none) ──verifier: conditional PutItem──▶ ACCEPTED {leaseUntil} ──processor: publish, PutItem──▶ PUBLISHED
 *                                               │
 *                                               └─ lease passed (the accepting invocation is over) ─▶ may be taken over
 *
 * Verifier (`accept`): PutItem ACCEPTED, on the condition that no live item exists — none, expired
 * (the idempotency window passed), or ACCEPTED with its lease passed — then SendMessage: two
 * sequential round trips and one write unit per event. The lease is the accepting invocation's own
 * deadline: after it, that invocation either enqueued the event or died, so another may take over
 * and enqueue again (at worst a second copy of the message, which the processor recognises). If
 * the enqueue fails, the item is deleted (if still ours) and the sender's retry goes through.
 * A delivery that finds the item:
 *   - PUBLISHED: answered with the stored answer and `replayed` (nothing enqueued);
 *   - ACCEPTED and leased: the first is still enqueueing or its processor still publishing: it
 *     waits (bounded) for PUBLISHED, then replays, else EVENT_IN_PROGRESS (409, retry shortly).
 *
 * Processor (`publishBatchOnce`): BatchGetItem (consistent) → publish what is not PUBLISHED yet
 * (one PublishBatch for up to 10) → BatchWriteItem PUBLISHED: three round trips per batch and one
 * write unit per event. An SQS redelivery, a second copy of the message, or a crash after
 * publishing and recording is recognised and not published again.
 *
 * What one write per stage gives up, against a claim written before publishing (the design
 * Powertools idempotency implements, at two writes per stage): two copies of one event processed
 * at the same moment by two processor invocations can both publish. Copies exist only after the
 * verifier enqueued the same event twice (a send whose response was lost, or a takeover), and
 * both must then be received in the same instant, in different batches. Subscribers dedupe on the
 * envelope id anyway: SNS itself delivers at least once.
 */
export type LedgerStatus = 'ACCEPTED' | 'PUBLISHED';

export interface EventLedgerOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  /** How long an event is remembered after it is accepted. */
  readonly windowSeconds: number;
  /** How long a delivery that finds the event in flight waits for it to be published. @default 1000 */
  readonly inProgressWaitMs?: number;
  /** Milliseconds clock. @default Date.now */
  readonly now?: () => number;
}

export interface AcceptOutcome {
  /**
   * The id of the event the item holds: this delivery's, or for a repeat the first delivery's
   * (which, for a route that deduplicates on content rather than a signed id, may differ).
   */
  readonly eventId: string;
  /** True when an earlier delivery's answer was returned and nothing was enqueued. */
  readonly replayed: boolean;
}

/** Attempts `accept` makes at most: a takeover races at most once in practice. */
const MAX_ACCEPT_ATTEMPTS = 3;
const WAIT_STEPS_MS = [25, 50, 100, 150, 200, 250, 300];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The item key of an event: its route (`source`) and what it is deduplicated on there, hashed to a
 * fixed size. An event is deduplicated on its id, or, for schemes that sign no id and no timestamp,
 * on the fingerprint of what they sign (`WebhookEvent.contentKey`); a route uses one kind or the
 * other, never both. The verifier keys an accepted event with this and hands the key to the
 * processor with the message (`LEDGER_KEY_ATTRIBUTE`); the processor derives it from the envelope's
 * id only for a message that came without it.
 */
export function eventLedgerKey(source: string, event: Pick<WebhookEvent, 'id' | 'contentKey'>): string {
  const deduplicationKey = event.contentKey === undefined ? `id:${event.id}` : `content:${event.contentKey}`;
  return `event#${createHash('sha256').update(source).update('\n').update(deduplicationKey).digest('base64url')}`;
}

/** The item key of a bound signature (`VerifiedWebhook.signatureBinding`) on a route. */
export function signatureKey(source: string, signed: string): string {
  return `signature#${createHash('sha256').update(source).update('\n').update(signed).digest('base64url')}`;
}

interface LedgerItem {
  readonly status: LedgerStatus;
  readonly leaseUntil?: number;
  readonly answer?: string;
  readonly expiration?: number;
}

/**
 * The answer an item keeps for replays, as stored: `{"eventId":…}`. Written by both sides (the
 * verifier when it accepts, the processor when it records an event whose item is gone) and read by
 * the verifier when it replays.
 */
function storedAnswer(eventId: string): string {
  return JSON.stringify({ eventId });
}

/** The event id of a stored answer, or undefined if the item holds none. */
function answeredEventId(answer: string | undefined): string | undefined {
  if (answer === undefined) return undefined;
  const { eventId } = JSON.parse(answer) as { eventId?: unknown };
  return typeof eventId === 'string' ? eventId : undefined;
}

function toItem(attributes: Record<string, AttributeValue> | undefined): LedgerItem | undefined {
  if (!attributes?.['status']?.S) return undefined;
  return {
    status: attributes['status'].S as LedgerStatus,
    ...(attributes['leaseUntil']?.N ? { leaseUntil: Number(attributes['leaseUntil'].N) } : {}),
    ...(attributes['answer']?.S ? { answer: attributes['answer'].S } : {}),
    ...(attributes['expiration']?.N ? { expiration: Number(attributes['expiration'].N) } : {}),
  };
}

function storeUnavailable(cause: unknown): WebhookError {
  return new WebhookError('IDEMPOTENCY_STORE_UNAVAILABLE', 'The idempotency store is unavailable', { cause });
}

export interface PublishableRecord<TRecord> {
  readonly key: string;
  readonly record: TRecord;
  /** The event's id: the stored answer, for records whose item is missing when they are recorded as published. */
  readonly eventId: string;
  /** When the event was accepted (ms): the item expires a window after it. */
  readonly acceptedAt: number;
}

export interface BatchPublishOutcome<TRecord> {
  /** Records to report as failed (retried by SQS, parked in the DLQ after maxReceiveCount). */
  readonly failed: TRecord[];
  /** Records already published (a redelivery or a second copy): acknowledged, not published again. */
  readonly duplicates: TRecord[];
  readonly published: TRecord[];
  /** Published, but their PUBLISHED state could not be recorded (logged; the effect happened). */
  readonly unrecorded: TRecord[];
}

export class EventLedger {
  readonly #options: EventLedgerOptions;

  public constructor(options: EventLedgerOptions) {
    this.#options = options;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /**
   * The verifier's side: records `key` (`eventLedgerKey`) as ACCEPTED until `leaseUntil` and runs
   * `enqueue`, unless the event is already accepted; see the class comment. `eventId` is stored for
   * replays.
   */
  public async accept(key: string, eventId: string, leaseUntil: number, enqueue: () => Promise<void>): Promise<AcceptOutcome> {
    const { dynamodb, tableName, windowSeconds } = this.#options;
    for (let attempt = 0; attempt < MAX_ACCEPT_ATTEMPTS; attempt++) {
      const now = this.#now();
      const nowSeconds = Math.floor(now / 1000);
      let existing: LedgerItem | undefined;
      try {
        await dynamodb.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              id: { S: key },
              status: { S: 'ACCEPTED' },
              leaseUntil: { N: String(leaseUntil) },
              answer: { S: storedAnswer(eventId) },
              expiration: { N: String(nowSeconds + windowSeconds) },
            },
            ConditionExpression: 'attribute_not_exists(#id) OR #expiration < :nowSeconds OR (#status = :accepted AND #leaseUntil < :now)',
            ExpressionAttributeNames: { '#id': 'id', '#expiration': 'expiration', '#status': 'status', '#leaseUntil': 'leaseUntil' },
            ExpressionAttributeValues: { ':nowSeconds': { N: String(nowSeconds) }, ':now': { N: String(now) }, ':accepted': { S: 'ACCEPTED' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException')) {
          throw storeUnavailable(error);
        }
        // DynamoDB returns the item that failed the condition; stand-ins that do not are asked.
        existing = toItem((error as ConditionalCheckFailedException).Item) ?? (await this.#get(key));
        const settled = await this.#awaitPublished(key, existing);
        if (settled === 'vanished') continue;
        return { eventId: answeredEventId(settled.answer) ?? eventId, replayed: true };
      }
      try {
        await enqueue();
      } catch (error) {
        await this.#release(key, leaseUntil);
        throw error;
      }
      return { eventId, replayed: false };
    }
    throw new WebhookError('EVENT_IN_PROGRESS', 'The same event is being processed by another request');
  }

  /**
   * Binds a signed one-time value (`signatureKey`) to the digest of the content it first came with,
   * for the idempotency window: true when this is the first use or the same content again, false
   * when the value was already used with other content. One conditional write per call; an item of
   * its own (`signature#…`), so no event key can collide with it.
   */
  public async bindSignature(signatureKey: string, contentDigest: string): Promise<boolean> {
    const { dynamodb, tableName, windowSeconds } = this.#options;
    const nowSeconds = Math.floor(this.#now() / 1000);
    try {
      await dynamodb.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { id: { S: signatureKey }, content: { S: contentDigest }, expiration: { N: String(nowSeconds + windowSeconds) } },
          ConditionExpression: 'attribute_not_exists(#id) OR #expiration < :nowSeconds OR #content = :content',
          ExpressionAttributeNames: { '#id': 'id', '#expiration': 'expiration', '#content': 'content' },
          ExpressionAttributeValues: { ':nowSeconds': { N: String(nowSeconds) }, ':content': { S: contentDigest } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw storeUnavailable(error);
    }
  }

  /**
   * Waits (bounded) for an in-flight event to be published. Returns its item once PUBLISHED, or
   * 'vanished' when the holder released it or its lease passed (the caller tries to accept again).
   */
  async #awaitPublished(key: string, first: LedgerItem | undefined): Promise<LedgerItem | 'vanished'> {
    const budget = this.#options.inProgressWaitMs ?? 1000;
    let item = first;
    let waited = 0;
    for (let step = 0; ; step++) {
      if (item === undefined || (item.expiration !== undefined && item.expiration < Math.floor(this.#now() / 1000))) return 'vanished';
      if (item.status === 'PUBLISHED') return item;
      if ((item.leaseUntil ?? 0) < this.#now()) return 'vanished';
      const pause = WAIT_STEPS_MS[Math.min(step, WAIT_STEPS_MS.length - 1)]!;
      if (waited + pause > budget) {
        throw new WebhookError('EVENT_IN_PROGRESS', 'The same event is being processed by another request');
      }
      await sleep(pause);
      waited += pause;
      item = await this.#get(key);
    }
  }

  async #get(key: string): Promise<LedgerItem | undefined> {
    try {
      const { Item } = await this.#options.dynamodb.send(new GetItemCommand({ TableName: this.#options.tableName, Key: { id: { S: key } }, ConsistentRead: true }));
      return toItem(Item);
    } catch (error) {
      throw storeUnavailable(error);
    }
  }

  /** Deletes our ACCEPTED item after a failed enqueue, so the sender's retry is accepted anew. */
  async #release(key: string, leaseUntil: number): Promise<void> {
    try {
      await this.#options.dynamodb.send(
        new DeleteItemCommand({
          TableName: this.#options.tableName,
          Key: { id: { S: key } },
          ConditionExpression: '#status = :accepted AND #leaseUntil = :lease',
          ExpressionAttributeNames: { '#status': 'status', '#leaseUntil': 'leaseUntil' },
          ExpressionAttributeValues: { ':accepted': { S: 'ACCEPTED' }, ':lease': { N: String(leaseUntil) } },
        }),
      );
    } catch {
      // Already published (the send had succeeded after all), or DynamoDB failing: the lease then
      // expires with the invocation, and a retry takes over.
    }
  }

  /**
   * The processor's side: publishes each record not yet PUBLISHED (`publish` gets them all at once
   * and says which failed), then records them PUBLISHED; see the class comment.
   */
  public async publishBatchOnce<TRecord>(
    records: ReadonlyArray<PublishableRecord<TRecord>>,
    publish: (records: TRecord[]) => Promise<{ failed: TRecord[] }>,
  ): Promise<BatchPublishOutcome<TRecord>> {
    if (records.length === 0) return { failed: [], duplicates: [], published: [], unrecorded: [] };
    let states: Map<string, LedgerItem>;
    try {
      states = await this.#getMany([...new Set(records.map((entry) => entry.key))]);
    } catch {
      // The store cannot say what was published: retry the whole batch later.
      return { failed: records.map((entry) => entry.record), duplicates: [], published: [], unrecorded: [] };
    }
    const duplicates: TRecord[] = [];
    const toPublish: Array<PublishableRecord<TRecord>> = [];
    const seen = new Set<string>();
    for (const entry of records) {
      // A second copy within one batch is a duplicate of the first.
      if (states.get(entry.key)?.status === 'PUBLISHED' || seen.has(entry.key)) duplicates.push(entry.record);
      else toPublish.push(entry);
      seen.add(entry.key);
    }
    const { failed } = toPublish.length === 0 ? { failed: [] as TRecord[] } : await publish(toPublish.map((entry) => entry.record));
    const failedSet = new Set(failed);
    const published = toPublish.filter((entry) => !failedSet.has(entry.record));
    const unrecorded = await this.#recordPublished(published);
    return { failed, duplicates, published: published.map((entry) => entry.record), unrecorded };
  }

  async #getMany(keys: string[]): Promise<Map<string, LedgerItem>> {
    const { dynamodb, tableName } = this.#options;
    const states = new Map<string, LedgerItem>();
    for (let offset = 0; offset < keys.length; offset += 100) {
      let pending: Array<Record<string, AttributeValue>> = keys.slice(offset, offset + 100).map((key) => ({ id: { S: key } }));
      for (let round = 0; pending.length > 0 && round < 5; round++) {
        if (round > 0) await sleep(25 * 2 ** round);
        const output = await dynamodb.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of output.Responses?.[tableName] ?? []) {
          const state = toItem(item);
          if (state && item['id']?.S) states.set(item['id'].S, state);
        }
        pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
      if (pending.length > 0) throw new Error('DynamoDB left keys unprocessed');
    }
    return states;
  }

  /** Records the published events; returns those whose state could not be written. */
  async #recordPublished<TRecord>(entries: Array<PublishableRecord<TRecord>>): Promise<TRecord[]> {
    const { dynamodb, tableName, windowSeconds } = this.#options;
    const unrecorded: TRecord[] = [];
    for (let offset = 0; offset < entries.length; offset += 25) {
      const chunk = entries.slice(offset, offset + 25);
      const byKey = new Map(chunk.map((entry) => [entry.key, entry]));
      let writes = chunk.map((entry) => ({
        PutRequest: {
          Item: {
            id: { S: entry.key },
            status: { S: 'PUBLISHED' },
            answer: { S: storedAnswer(entry.eventId) },
            expiration: { N: String(Math.floor(entry.acceptedAt / 1000) + windowSeconds) },
          },
        },
      }));
      // Retried (UnprocessedItems, throttling, a transient error) for about a second: the events
      // are published, and a missing record would let a later repeat of the sender publish again.
      for (let round = 0; writes.length > 0 && round < 6; round++) {
        if (round > 0) await sleep(25 * 2 ** round);
        try {
          const { UnprocessedItems } = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: writes } }));
          writes = (UnprocessedItems?.[tableName] ?? []) as typeof writes;
        } catch {
          // Tried again below; reported if it never succeeds.
        }
      }
      for (const write of writes) unrecorded.push(byKey.get(write.PutRequest!.Item!['id']!.S!)!.record);
    }
    return unrecorded;
  }
}
