/**
 * Every error the kit raises on its own account. `code` is stable; messages name fields and
 * locations, never payload values.
 */
export type SubscriberErrorCode =
  | 'INVALID_ENVELOPE'
  | 'UNSUPPORTED_EVENT'
  | 'PAYLOAD_UNAVAILABLE'
  | 'INVALID_PATTERN';

export class SubscriberError extends Error {
  public readonly code: SubscriberErrorCode;

  public constructor(code: SubscriberErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SubscriberError';
    this.code = code;
  }
}

/**
 * A message that is not a hookrelay envelope. It can never succeed: the record fails every time and
 * the queue's redrive policy parks it in the DLQ, where it can be inspected.
 */
export class InvalidEnvelopeError extends SubscriberError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ENVELOPE', message, options);
    this.name = 'InvalidEnvelopeError';
  }
}

/** The Lambda event is neither an SQS batch nor an SNS notification. */
export class UnsupportedEventError extends SubscriberError {
  public constructor(message: string) {
    super('UNSUPPORTED_EVENT', message);
    this.name = 'UnsupportedEventError';
  }
}

/** A claim-checked payload could not be read from S3 (permissions, expired object, S3 failing). Retried. */
export class PayloadUnavailableError extends SubscriberError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super('PAYLOAD_UNAVAILABLE', message, options);
    this.name = 'PayloadUnavailableError';
  }
}

/** An event-type pattern the caller wrote cannot be used (empty, or not expressible as a filter). */
export class InvalidPatternError extends SubscriberError {
  public constructor(message: string) {
    super('INVALID_PATTERN', message);
    this.name = 'InvalidPatternError';
  }
}
