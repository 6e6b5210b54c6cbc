/**
 * The event archive's format, in one place for everything that writes or reads it: the CDK stack
 * (Firehose prefixes and the partition query), the local gateway (which writes the same objects) and
 * the replay tool (which reads them). Pure: no AWS SDK, no environment, no clock (GZIP is node:zlib's,
 * a transformation of bytes).
 *
 * Each provider topic delivers to one Firehose stream with raw message delivery OFF, so every record
 * is SNS's own JSON notification, one per line:
 *
 *   {"Type":"Notification","MessageId":"…","TopicArn":"…","Message":"<the envelope>","Timestamp":"…",
 *    "UnsubscribeURL":"…","MessageAttributes":{"provider":{"Type":"String","Value":"stripe"},…}}
 *
 * Raw delivery would archive the envelope itself, but an envelope embeds the payload byte for byte,
 * and senders sign pretty-printed JSON (Stripe does): its newlines would split one event over several
 * lines, which neither Athena's JSON SerDe nor a line reader can take. As a JSON string, `Message`
 * holds the exact envelope text on one line (JSON string escapes are lossless), next to the publish
 * time and the attributes. SNS separates notifications with a line break on its own; see
 * https://docs.aws.amazon.com/sns/latest/dg/firehose-archived-message-format-S3.html
 *
 * Objects are GZIP-compressed and partitioned by route and by the hour SNS published the event (UTC):
 *
 *   events/route=<route>/day=<yyyy-MM-dd>/hour=<HH>/<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<id>.json.gz
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** Where archived events live in the archive bucket. */
export const ARCHIVE_EVENTS_PREFIX = 'events/';
/** Where Firehose puts records it could not partition or deliver, by error type. */
export const ARCHIVE_ERRORS_PREFIX = 'errors/';
/** Where Athena writes query results, in the same bucket, expiring sooner. */
export const QUERY_RESULTS_PREFIX = 'query-results/';
/** Extension of every archive object (GZIP-compressed JSON lines). */
export const ARCHIVE_FILE_EXTENSION = '.json.gz';

/** One partition of the archive: a route's events published within one hour (UTC). */
export interface ArchivePartition {
  readonly route: string;
  /** `yyyy-MM-dd` */
  readonly day: string;
  /** `HH`, 00–23 */
  readonly hour: string;
}

/**
 * Firehose's inline (JQ 1.6) partition keys, evaluated on each record. The route is the `source`
 * attribute (absent from messages published before routes had names, where the provider names it);
 * day and hour come from the SNS publish time. `partitionOf` computes the same in TypeScript.
 */
export const ARCHIVE_PARTITION_QUERIES: Readonly<Record<keyof ArchivePartition, string>> = {
  route: '.MessageAttributes.source.Value // .MessageAttributes.provider.Value',
  day: '.Timestamp[0:10]',
  hour: '.Timestamp[11:13]',
};

/** Firehose's S3 prefix: the partition keys above, in the layout `partitionPrefix` writes. */
export const FIREHOSE_EVENTS_PREFIX =
  `${ARCHIVE_EVENTS_PREFIX}route=!{partitionKeyFromQuery:route}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/`;
/** Firehose's S3 prefix for records it could not process, by error type and UTC day. */
export const FIREHOSE_ERRORS_PREFIX = `${ARCHIVE_ERRORS_PREFIX}!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`;

/** The error type Firehose files a record under when it cannot partition it (its JQ query failed). */
export const PROCESSING_FAILED_ERROR_TYPE = 'processing-failed';

/** The key prefix of one partition's objects. */
export function partitionPrefix(partition: ArchivePartition): string {
  return `${ARCHIVE_EVENTS_PREFIX}route=${partition.route}/day=${partition.day}/hour=${partition.hour}/`;
}

/** The partition holding events of `route` published at `publishedAt` (ISO-8601, UTC). */
export function partitionAt(route: string, publishedAt: string): ArchivePartition {
  return { route, day: publishedAt.slice(0, 10), hour: publishedAt.slice(11, 13) };
}

/** The partition Firehose files a notification under (the same as `ARCHIVE_PARTITION_QUERIES`). */
export function partitionOf(notification: ArchivedNotification): ArchivePartition {
  const route = notification.MessageAttributes?.['source']?.Value ?? notification.MessageAttributes?.['provider']?.Value;
  if (!route) throw new ArchiveFormatError('The notification has neither a source nor a provider attribute');
  return partitionAt(route, notification.Timestamp);
}

const HOUR_MS = 3_600_000;

/** Every partition of `route` that can hold events published from `sinceMs` to `untilMs` (inclusive). */
export function partitionsBetween(route: string, sinceMs: number, untilMs: number): ArchivePartition[] {
  if (!(untilMs >= sinceMs)) return [];
  const partitions: ArchivePartition[] = [];
  for (let hour = Math.floor(sinceMs / HOUR_MS) * HOUR_MS; hour <= untilMs; hour += HOUR_MS) {
    partitions.push(partitionAt(route, new Date(hour).toISOString()));
  }
  return partitions;
}

/** The name Firehose gives an object: `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<id>` and the extension. */
function objectName(streamName: string, writtenAt: string, uniqueId: string): string {
  const stamp = writtenAt.slice(0, 19).replace('T', '-').replace(/:/g, '-');
  return `${streamName}-1-${stamp}-${uniqueId}${ARCHIVE_FILE_EXTENSION}`;
}

/** The key of an object Firehose writes under a partition's prefix; `writtenAt` is ISO-8601. */
export function archiveObjectKey(partition: ArchivePartition, streamName: string, writtenAt: string, uniqueId: string): string {
  return `${partitionPrefix(partition)}${objectName(streamName, writtenAt, uniqueId)}`;
}

/**
 * The key of an object of records Firehose could not process: FIREHOSE_ERRORS_PREFIX with its error
 * type and the UTC day of `writtenAt` filled in, then the object's name.
 */
export function archiveErrorObjectKey(errorType: string, streamName: string, writtenAt: string, uniqueId: string): string {
  const prefix = FIREHOSE_ERRORS_PREFIX.replace('!{firehose:error-output-type}', errorType).replace('!{timestamp:yyyy-MM-dd}', writtenAt.slice(0, 10));
  return `${prefix}${objectName(streamName, writtenAt, uniqueId)}`;
}

/** An archive object's body: its lines (each ending in a line break), GZIP-compressed as Firehose writes them. */
export function encodeArchiveObject(lines: readonly string[]): Buffer {
  return gzipSync(lines.join(''));
}

/** An archive object's text: GZIP bodies decompressed (Firehose's and the local archive's); any other read as UTF-8. */
export function decodeArchiveObject(bytes: Uint8Array): string {
  const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (isGzip ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
}

/** A message attribute as SNS writes it into a notification. */
export interface NotificationAttribute {
  readonly Type: string;
  readonly Value: string;
}

/** One archived record: SNS's JSON notification of one published envelope. */
export interface ArchivedNotification {
  readonly Type: 'Notification';
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  /** The envelope, exactly as published. */
  readonly Message: string;
  /** When SNS published it (ISO-8601, UTC). */
  readonly Timestamp: string;
  readonly UnsubscribeURL?: string;
  readonly MessageAttributes?: Readonly<Record<string, NotificationAttribute>>;
}

/** A record that is not an archived notification of a hookrelay envelope. */
export class ArchiveFormatError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ArchiveFormatError';
  }
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * Reads SNS's JSON notification: an archive line, or the body an SQS subscription without raw
 * message delivery receives. Throws ArchiveFormatError when the text is not one.
 */
export function parseNotification(text: string): ArchivedNotification {
  let notification: ArchivedNotification;
  try {
    notification = JSON.parse(text) as ArchivedNotification;
  } catch {
    throw new ArchiveFormatError('The line is not JSON');
  }
  if (notification?.Type !== 'Notification' || !isString(notification.Message) || !isString(notification.Timestamp) || !isString(notification.MessageId)) {
    throw new ArchiveFormatError('The line is not an SNS notification');
  }
  return notification;
}

/** A notification's message attributes as name → value (SNS writes each as `{ Type, Value }`). */
export function notificationAttributes(notification: Pick<ArchivedNotification, 'MessageAttributes'>): Record<string, string> {
  return Object.fromEntries(Object.entries(notification.MessageAttributes ?? {}).map(([name, attribute]) => [name, attribute.Value]));
}

/**
 * One archive line, as SNS writes a notification for Firehose: the fields in SNS's order, `Subject`
 * only when there is one, and the line break that separates notifications.
 */
export function archiveLine(notification: ArchivedNotification): string {
  const ordered = {
    Type: notification.Type,
    MessageId: notification.MessageId,
    TopicArn: notification.TopicArn,
    ...(notification.Subject != null ? { Subject: notification.Subject } : {}),
    Message: notification.Message,
    Timestamp: notification.Timestamp,
    ...(notification.UnsubscribeURL !== undefined ? { UnsubscribeURL: notification.UnsubscribeURL } : {}),
    ...(notification.MessageAttributes !== undefined ? { MessageAttributes: notification.MessageAttributes } : {}),
  };
  return `${JSON.stringify(ordered)}\n`;
}

/** An archived envelope: the exact text published, where and when, and the envelope's own fields. */
export interface ArchivedEvent {
  readonly messageId: string;
  readonly topicArn: string;
  /** When SNS published it (ISO-8601): the time the archive is partitioned and replays select by. */
  readonly publishedAt: string;
  /** The message attributes it was published with (`provider`, `source`, `eventType`). */
  readonly attributes: Readonly<Record<string, string>>;
  /** The envelope exactly as published: what a replay sends, byte for byte. */
  readonly text: string;
  readonly id: string;
  readonly provider: string;
  /** The route it arrived on. */
  readonly source: string;
  readonly type: string;
  /** When hookrelay accepted it; a replay keeps it. */
  readonly receivedAt: string;
  /** Set when the payload is claim-checked in the payload bucket. */
  readonly payloadLocation?: string;
}

/**
 * Reads one archive line into an event. The envelope's fields are read from a parse of its text,
 * which is kept as it is: numbers in the payload that a parse would round are never re-serialised.
 */
export function parseArchiveLine(line: string): ArchivedEvent {
  const notification = parseNotification(line);
  let envelope: Record<string, unknown>;
  try {
    envelope = JSON.parse(notification.Message) as Record<string, unknown>;
  } catch {
    throw new ArchiveFormatError('The notification message is not JSON');
  }
  const { id, provider, type, receivedAt } = envelope ?? {};
  if (!isString(id) || !isString(provider) || !isString(type) || !isString(receivedAt)) {
    throw new ArchiveFormatError('The notification message is not a hookrelay envelope');
  }
  const source = isString(envelope['source']) ? envelope['source'] : provider;
  const attributes = notificationAttributes(notification);
  return {
    messageId: notification.MessageId,
    topicArn: notification.TopicArn,
    publishedAt: notification.Timestamp,
    attributes,
    text: notification.Message,
    id,
    provider,
    source,
    type,
    receivedAt,
    ...(isString(envelope['payloadLocation']) ? { payloadLocation: envelope['payloadLocation'] } : {}),
  };
}

/** A line of an archive object that could not be read, and why. */
export interface UnreadableLine {
  /** 0-based line number within the object. */
  readonly line: number;
  readonly reason: string;
}

/** An archived event and the 0-based line of its object it was read from. */
export interface ArchivedLine {
  readonly line: number;
  readonly event: ArchivedEvent;
}

/** Every event of one archive object's text (decompressed), and the lines that are not events. */
export function parseArchiveText(text: string): { events: ArchivedLine[]; unreadable: UnreadableLine[] } {
  const events: ArchivedLine[] = [];
  const unreadable: UnreadableLine[] = [];
  // A JSON notification never holds a raw line break (JSON escapes it in strings), so lines are records.
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      events.push({ line: index, event: parseArchiveLine(line) });
    } catch (error) {
      unreadable.push({ line: index, reason: error instanceof Error ? error.message : String(error) });
    }
  });
  return { events, unreadable };
}
