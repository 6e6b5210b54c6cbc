import { randomUUID } from 'node:crypto';
import type { Context, SNSEvent, SNSEventRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../../local/queue-poller';

/**
 * Lambda events as each transport delivers a hookrelay envelope, for the subscriber kit's tests:
 * the shapes of AWS's documented sample events, built around one envelope text.
 */
export interface TestEnvelope {
  id: string;
  provider: string;
  source?: string;
  type: string;
  receivedAt: string;
  payload?: unknown;
  payloadLocation?: string;
}

let sequence = 0;
export function envelopeOf(overrides: Partial<TestEnvelope> = {}): TestEnvelope {
  return {
    id: `evt_${(sequence++).toString(36)}_${randomUUID().slice(0, 8)}`,
    provider: 'stripe',
    type: 'invoice.paid',
    receivedAt: '2026-11-29T03:00:00.000Z',
    payload: { object: 'event', type: overrides.type ?? 'invoice.paid', data: { object: { id: 'in_1', amount_paid: 4900 } } },
    ...overrides,
  };
}

export interface TestMessage {
  /** The envelope's JSON text (or any text, to test refusals). */
  readonly body: string;
  readonly attributes?: Record<string, string>;
  readonly receiveCount?: number;
}

export const messageOf = (envelope: TestEnvelope | string, attributes?: Record<string, string>): TestMessage => {
  const body = typeof envelope === 'string' ? envelope : JSON.stringify(envelope);
  const parsed = typeof envelope === 'string' ? undefined : envelope;
  return {
    body,
    attributes: attributes ?? (parsed ? { provider: parsed.provider, eventType: parsed.type } : {}),
  };
};

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hookrelay-dev-StripePipelineTopic';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:billing';

function sqsRecord(body: string, messageAttributes: SQSRecord['messageAttributes'], receiveCount = 1): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1764385200000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1764385200001',
    },
    messageAttributes,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

/** A queue subscribed with RawMessageDelivery: the body is the envelope; attributes are SQS message attributes. */
export function sqsRawEvent(messages: readonly TestMessage[]): SQSEvent {
  return {
    Records: messages.map((message) =>
      sqsRecord(
        message.body,
        Object.fromEntries(
          Object.entries(message.attributes ?? {}).map(([name, value]) => [
            name,
            { dataType: 'String', stringValue: value, stringListValues: [], binaryListValues: [] },
          ]),
        ),
        message.receiveCount,
      ),
    ),
  };
}

function snsAttributes(attributes: Record<string, string> = {}) {
  return Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { Type: 'String', Value: value }]));
}

/** A queue subscribed without raw delivery: the body is SNS's JSON notification around the envelope. */
export function sqsWrappedEvent(messages: readonly TestMessage[]): SQSEvent {
  return {
    Records: messages.map((message) =>
      sqsRecord(
        JSON.stringify({
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: TOPIC_ARN,
          Message: message.body,
          Timestamp: '2026-11-29T03:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: snsAttributes(message.attributes),
        }),
        {},
        message.receiveCount,
      ),
    ),
  };
}

/** SNS invoking the function directly. */
export function snsEvent(messages: readonly TestMessage[]): SNSEvent {
  return {
    Records: messages.map(
      (message): SNSEventRecord => ({
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC_ARN}:${randomUUID()}`,
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: '2026-11-29T03:00:00.000Z',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          MessageId: randomUUID(),
          Message: message.body,
          MessageAttributes: snsAttributes(message.attributes),
          Type: 'Notification',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          TopicArn: TOPIC_ARN,
          Subject: '',
        },
      }),
    ),
  };
}

/**
 * Each way a subscriber's function receives envelopes, with what its handler returns when every
 * record succeeded: a partial batch response with no failures for SQS, nothing for SNS.
 */
export const transports = [
  { case: 'SQS, raw message delivery', build: sqsRawEvent, allSucceeded: { batchItemFailures: [] } },
  { case: 'SQS, SNS JSON wrapper', build: sqsWrappedEvent, allSucceeded: { batchItemFailures: [] } },
  { case: 'SNS invoking the function', build: snsEvent, allSucceeded: undefined },
] as const;

/** The Lambda context the local queue pollers hand a handler, for the example subscriber's function. */
export const testContext = (): Context => lambdaContext('billing-subscriber');

/** A logger that keeps what it was told. */
export function recordingLogger() {
  const entries: Array<{ level: 'info' | 'warn' | 'error'; message: string; fields: Record<string, unknown> | undefined }> = [];
  return {
    entries,
    info: (message: string, fields?: Record<string, unknown>) => entries.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) => entries.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: Record<string, unknown>) => entries.push({ level: 'error', message, fields }),
  };
}
