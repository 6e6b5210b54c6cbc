import { parseJson } from './envelope';
import { UnsupportedEventError } from './errors';

/**
 * The three ways a hookrelay topic reaches a Lambda function, reduced to one shape: the envelope's
 * JSON text and the SNS message attributes.
 *  - SQS queue subscribed with raw message delivery: the body is the envelope; SNS message
 *    attributes arrive as SQS message attributes.
 *  - SQS queue subscribed without raw delivery: the body is SNS's JSON notification, whose
 *    `Message` is the envelope and `MessageAttributes` the attributes.
 *  - SNS invoking the function directly: `Sns.Message` and `Sns.MessageAttributes`.
 *
 * The event types are the parts of `aws-lambda`'s that are read here, so the kit needs no types
 * package; the full types from `@types/aws-lambda` are assignable to them.
 */
export interface SqsRecordLike {
  readonly messageId: string;
  readonly body: string;
  readonly eventSource: string;
  readonly attributes?: { readonly ApproximateReceiveCount?: string };
  readonly messageAttributes?: Readonly<Record<string, { readonly stringValue?: string | undefined; readonly dataType?: string }>>;
}

export interface SnsRecordLike {
  readonly EventSource: string;
  readonly Sns: {
    readonly MessageId: string;
    readonly Message: string;
    readonly MessageAttributes?: Readonly<Record<string, { readonly Type?: string; readonly Value: string }>>;
  };
}

export interface SqsEventLike {
  readonly Records: readonly SqsRecordLike[];
}

export interface SnsEventLike {
  readonly Records: readonly SnsRecordLike[];
}

/** One message from a topic, whichever way it came. */
export interface Delivery {
  /** The SQS message id (what partial batch failures name) or the SNS message id. */
  readonly messageId: string;
  /** The envelope's JSON text. */
  readonly envelopeText: string;
  /** The envelope text, parsed, when the transport had to parse it anyway. */
  readonly envelopeJson?: unknown;
  readonly attributes: Readonly<Record<string, string>>;
  /** SQS's ApproximateReceiveCount: 1 on the first delivery. Undefined for SNS. */
  readonly receiveCount: number | undefined;
}

export function isSqsEvent(event: unknown): event is SqsEventLike {
  return firstRecord(event)?.['eventSource'] === 'aws:sqs';
}

export function isSnsEvent(event: unknown): event is SnsEventLike {
  return firstRecord(event)?.['EventSource'] === 'aws:sns';
}

export function assertSupportedEvent(event: unknown): never {
  const shape = Array.isArray((event as { Records?: unknown } | null)?.Records) ? 'records of another source' : 'no Records';
  throw new UnsupportedEventError(`Expected an SQS or SNS event from a hookrelay topic, got an event with ${shape}`);
}

interface SnsNotification {
  readonly Type: 'Notification';
  readonly Message: string;
  readonly TopicArn: string;
  readonly MessageAttributes?: Readonly<Record<string, { readonly Type?: string; readonly Value: string }>>;
}

export function fromSqsRecord(record: SqsRecordLike): Delivery {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
  const base = { messageId: record.messageId, receiveCount: Number.isFinite(receiveCount) ? receiveCount : undefined };
  const json = parseJson(record.body, 'Message body');
  if (isSnsNotification(json)) {
    return { ...base, envelopeText: json.Message, attributes: snsAttributes(json.MessageAttributes) };
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (typeof value.stringValue === 'string') attributes[name] = value.stringValue;
  }
  return { ...base, envelopeText: record.body, envelopeJson: json, attributes };
}

export function fromSnsRecord(record: SnsRecordLike): Delivery {
  return {
    messageId: record.Sns.MessageId,
    envelopeText: record.Sns.Message,
    attributes: snsAttributes(record.Sns.MessageAttributes),
    receiveCount: undefined,
  };
}

/** SNS's JSON wrapper (a queue subscribed without raw message delivery). An envelope has no `Type`. */
function isSnsNotification(json: unknown): json is SnsNotification {
  if (typeof json !== 'object' || json === null) return false;
  const candidate = json as Record<string, unknown>;
  return candidate['Type'] === 'Notification' && typeof candidate['Message'] === 'string' && typeof candidate['TopicArn'] === 'string';
}

function snsAttributes(attributes: SnsNotification['MessageAttributes']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (typeof value?.Value === 'string') result[name] = value.Value;
  }
  return result;
}

function firstRecord(event: unknown): Record<string, unknown> | undefined {
  const records = (event as { Records?: unknown } | null | undefined)?.Records;
  if (!Array.isArray(records) || records.length === 0) return undefined;
  const first: unknown = records[0];
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : undefined;
}
