import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { decodeArchiveObject, parseArchiveText, partitionPrefix, partitionsBetween, type ArchivedEvent } from '../../lambdas/core/archive-format';
import { mapWithConcurrency } from '../../lambdas/util/map-with-concurrency';
import { compileTypePattern } from '../../packages/subscriber/src/patterns';

/** One archived event, whatever copies of it were archived: `route#id` (a route name holds no `#`). */
function eventKey(source: string, eventId: string): string {
  return `${source}#${eventId}`;
}

/**
 * Reads the event archive (`lambdas/core/archive-format.ts`) from S3 — the deployed archive bucket
 * or the local gateway's S3 stand-in, through the same SDK calls. Two passes keep memory bounded by
 * the number of events, not their size: `scanArchive` lists and reads every object of the route's
 * partitions once to select events and keeps only their metadata; `readSelected` reads the objects
 * again, one at a time, and yields the selected envelopes' exact text.
 */
export interface ArchiveSelection {
  readonly route: string;
  /** Events published at or after this time (ms since the epoch)… */
  readonly sinceMs: number;
  /** …and before this one. */
  readonly untilMs: number;
  /** Event-type patterns (`invoice.*`); none: every type. */
  readonly types?: readonly string[];
  /** Event ids; none: every id. */
  readonly ids?: readonly string[];
}

/** A selected event, without its envelope text. */
export type PlannedEvent = Omit<ArchivedEvent, 'text'> & {
  /** `route#id`: one event, however many times it was archived. */
  readonly key: string;
  /** Size of the envelope, UTF-8 bytes. */
  readonly bytes: number;
  readonly objectKey: string;
  /** 0-based line within the object. */
  readonly line: number;
};

export interface ArchiveScan {
  /** Hour partitions listed. */
  readonly partitions: number;
  /** Objects read, in the order events are replayed: by the earliest publish time each holds. */
  readonly objectKeys: readonly string[];
  /** Archived records read in those objects (every route's selection criteria not yet applied). */
  readonly records: number;
  /** Further archived copies of selected events (delivery to the archive is at least once). */
  readonly duplicates: number;
  /** Lines that are not archived envelopes. */
  readonly unreadable: readonly { readonly objectKey: string; readonly line: number; readonly reason: string }[];
  /** The selection, one entry per event, in replay order. */
  readonly events: readonly PlannedEvent[];
}

const LIST_CONCURRENCY = 8;
const READ_CONCURRENCY = 4;

/** Kept under this name for test/e2e/local-gateway.test.ts, which reads archive objects with it. */
export { decodeArchiveObject as decodeObject } from '../../lambdas/core/archive-format';

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(ContinuationToken ? { ContinuationToken } : {}) }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys.sort();
}

async function readObject(s3: S3Client, bucket: string, key: string): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return decodeArchiveObject(await Body.transformToByteArray());
}

/**
 * The selection as a test of one archived event (the route's partitions hold only that route's
 * events). Its type patterns are compiled once, here, for every event a scan reads.
 */
export function selectionFilter(selection: ArchiveSelection): (event: ArchivedEvent) => boolean {
  const typeMatchers = selection.types?.length ? selection.types.map(compileTypePattern) : undefined;
  const ids = selection.ids?.length ? new Set(selection.ids) : undefined;
  return (event) => {
    const published = Date.parse(event.publishedAt);
    if (!(published >= selection.sinceMs && published < selection.untilMs)) return false;
    if (event.source !== selection.route) return false;
    if (typeMatchers && !typeMatchers.some((matches) => matches(event.type))) return false;
    if (ids && !ids.has(event.id)) return false;
    return true;
  };
}

/** Lists and reads every object that can hold selected events, and selects them (first archived copy of each). */
export async function scanArchive(s3: S3Client, bucket: string, selection: ArchiveSelection): Promise<ArchiveScan> {
  // The window excludes its end: an event published exactly at `untilMs` is not in it.
  const partitions = partitionsBetween(selection.route, selection.sinceMs, selection.untilMs - 1);
  const inSelection = selectionFilter(selection);
  const objectKeys = (await mapWithConcurrency(partitions, LIST_CONCURRENCY, (partition) => listKeys(s3, bucket, partitionPrefix(partition)))).flat();
  // Each object is parsed as soon as it is read and only its selected events' metadata is kept.
  const perObject = await mapWithConcurrency(objectKeys, READ_CONCURRENCY, async (objectKey) => {
    const parsed = parseArchiveText(await readObject(s3, bucket, objectKey));
    const selected = parsed.events
      .filter(({ event }) => inSelection(event))
      .map(({ line, event }): PlannedEvent => {
        const { text, ...metadata } = event;
        return { ...metadata, key: eventKey(event.source, event.id), bytes: Buffer.byteLength(text, 'utf8'), objectKey, line };
      });
    const firstPublishedAt = parsed.events.reduce((first, { event }) => (event.publishedAt < first ? event.publishedAt : first), '\uffff');
    return { objectKey, firstPublishedAt, selected, records: parsed.events.length + parsed.unreadable.length, unreadable: parsed.unreadable };
  });
  // Objects named within the same second sort by their random suffix: order them by what they hold.
  perObject.sort((a, b) => (a.firstPublishedAt < b.firstPublishedAt ? -1 : a.firstPublishedAt > b.firstPublishedAt ? 1 : a.objectKey < b.objectKey ? -1 : 1));

  const events: PlannedEvent[] = [];
  const seen = new Set<string>();
  const unreadable: { objectKey: string; line: number; reason: string }[] = [];
  let records = 0;
  let duplicates = 0;
  for (const object of perObject) {
    records += object.records;
    for (const problem of object.unreadable) unreadable.push({ objectKey: object.objectKey, ...problem });
    for (const event of object.selected) {
      if (seen.has(event.key)) duplicates += 1;
      else {
        seen.add(event.key);
        events.push(event);
      }
    }
  }
  return { partitions: partitions.length, objectKeys: perObject.map((object) => object.objectKey), records, duplicates, unreadable, events };
}

/**
 * The selected events' envelopes, in replay order, each read again from its object (one object in
 * memory at a time). An object that changed since the scan (it cannot: Firehose never rewrites one)
 * fails loudly rather than sending another event.
 */
export async function* readSelected(s3: S3Client, bucket: string, events: readonly PlannedEvent[]): AsyncGenerator<{ readonly event: PlannedEvent; readonly text: string }> {
  let index = 0;
  while (index < events.length) {
    const objectKey = events[index]!.objectKey;
    const lines = (await readObject(s3, bucket, objectKey)).split('\n');
    for (; index < events.length && events[index]!.objectKey === objectKey; index += 1) {
      const event = events[index]!;
      const archived = parseArchiveText(lines[event.line] ?? '').events[0]?.event;
      if (!archived || eventKey(archived.source, archived.id) !== event.key) {
        throw new Error(`s3://${bucket}/${objectKey} line ${event.line} is no longer ${event.key}`);
      }
      yield { event, text: archived.text };
    }
  }
}
