import { WebhookError } from './errors';

/**
 * The message the verifier puts on a provider's queue and the processor publishes to SNS unchanged,
 * byte for byte: `{ id, provider, source, type, receivedAt, payload }` (or `payloadLocation` instead
 * of `payload` when the payload travels through S3). Its schema, which only the processor needs, is
 * in `envelope-schema.ts`: the verifier builds envelopes and never loads a validator.
 */

/** The envelope's fields other than the payload. */
export interface EnvelopeHeader {
  readonly id: string;
  readonly provider: string;
  readonly source: string;
  readonly type: string;
  readonly receivedAt: string;
}

// ---------------------------------------------------------------------------------------------
// The envelope on the wire.

/**
 * Largest message SNS publishes, counting the body and every message attribute's name, type and
 * value. SQS takes up to 1 MiB, so SNS is the bound for a message that is queued and then published.
 * See https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export const MAX_PUBLISHED_MESSAGE_BYTES = 262_144;

/**
 * Bytes kept free below MAX_PUBLISHED_MESSAGE_BYTES for message attributes added after acceptance
 * (a replay marker), so an envelope that fits when accepted still fits when replayed.
 */
export const ATTRIBUTE_RESERVE_BYTES = 1024;

/** Longest event id and event type, in characters: both become message attributes and log fields. */
export const MAX_EVENT_ID_LENGTH = 256;
export const MAX_EVENT_TYPE_LENGTH = 256;

/**
 * Characters SQS refuses in a message body or attribute (it accepts #x9 #xA #xD #x20–#xD7FF
 * #xE000–#xFFFD #x10000–#x10FFFF): U+FFFE, U+FFFF, other controls, and unpaired surrogates.
 * See https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
const OUTSIDE_SQS_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
/** Noncharacters that may appear raw inside JSON strings but never in an SQS body. */
const NONCHARACTERS = /[\uFFFE\uFFFF]/g;

/** True when SQS and SNS accept every character of `text` as it is. */
export function isWireSafe(text: string): boolean {
  return !OUTSIDE_SQS_CHARACTERS.test(text) && text.isWellFormed();
}

/**
 * JSON text with U+FFFE and U+FFFF written as `\uFFFE` escapes: the same JSON value in characters
 * SQS accepts. Outside JSON strings neither character can occur, so the replacement is always an
 * escape inside a string. Used only where the exact bytes cannot travel (no payload bucket).
 */
export function escapeNoncharacters(jsonText: string): string {
  return jsonText.replace(NONCHARACTERS, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `JSON.stringify` whose output SQS accepts: for values hookrelay builds (form parameters, text). */
export function stringifyForWire(value: unknown): string {
  return escapeNoncharacters(JSON.stringify(value));
}

/** The attributes subscribers filter on, with each envelope message: provider, route (`source`) and type. */
export type EnvelopeAttributes = { readonly provider: string; readonly source: string; readonly eventType: string };

/** An envelope's attributes. An envelope without `source` (written before routes) is its provider's route. */
export function envelopeAttributes(header: Pick<EnvelopeHeader, 'provider' | 'type'> & { readonly source?: string | undefined }): EnvelopeAttributes {
  return { provider: header.provider, source: header.source ?? header.provider, eventType: header.type };
}

/** The envelope's JSON text around the payload's own text, which is embedded unchanged. */
export function envelopeText(
  header: EnvelopeHeader,
  payload: { readonly json: string } | { readonly location: string },
): string {
  const head =
    `{"id":${JSON.stringify(header.id)},"provider":${JSON.stringify(header.provider)},"source":${JSON.stringify(header.source)},` +
    `"type":${JSON.stringify(header.type)},"receivedAt":${JSON.stringify(header.receivedAt)}`;
  return 'json' in payload ? `${head},"payload":${payload.json}}` : `${head},"payloadLocation":${JSON.stringify(payload.location)}}`;
}

/** Size of a message as SNS and SQS count it: UTF-8 body plus each attribute's name, type and value. */
export function messageBytes(body: string, attributes: Readonly<Record<string, string>>): number {
  let bytes = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name, 'utf8') + 'String'.length + Buffer.byteLength(value, 'utf8');
  }
  return bytes;
}

/** Why a payload cannot travel inside its envelope. */
export type ClaimCheckReason = 'size' | 'characters';

export type EnvelopePlan =
  | { readonly inline: true; readonly text: string; readonly bytes: number }
  | { readonly inline: false; readonly reason: ClaimCheckReason; readonly bytes: number };

/**
 * Largest envelope message (body and attributes, `messageBytes`) that carries its payload inline:
 * `maxInlineBytes` (the claim-check threshold), and never more than what SNS publishes less
 * ATTRIBUTE_RESERVE_BYTES.
 */
export function maxInlineMessageBytes(maxInlineBytes: number): number {
  return Math.min(maxInlineBytes, MAX_PUBLISHED_MESSAGE_BYTES - ATTRIBUTE_RESERVE_BYTES);
}

/**
 * Decides, on the exact bytes that would be sent, whether an envelope carries its payload inline:
 * only if the message is at most `maxInlineMessageBytes(maxInlineBytes)` and SQS accepts every
 * character. Otherwise the payload travels through the payload bucket (claim check), as the exact
 * bytes the sender signed.
 */
export function planEnvelope(header: EnvelopeHeader, payloadJson: string, maxInlineBytes: number): EnvelopePlan {
  const text = envelopeText(header, { json: payloadJson });
  const bytes = messageBytes(text, envelopeAttributes(header));
  if (bytes > maxInlineMessageBytes(maxInlineBytes)) {
    return { inline: false, reason: 'size', bytes };
  }
  if (!isWireSafe(payloadJson)) return { inline: false, reason: 'characters', bytes };
  return { inline: true, text, bytes };
}

/**
 * Refuses (INVALID_PAYLOAD) an event id or type that SQS and SNS would not carry as a message
 * attribute: empty, longer than `maxLength` characters, or holding characters SQS refuses. Checked
 * before anything is recorded, so such a request is answered 400 instead of being accepted and then
 * failing every publish.
 */
export function assertPublishableField(field: 'id' | 'type', value: string, maxLength: number): void {
  const label = field === 'id' ? 'Event id' : 'Event type';
  if (value.length === 0) throw new WebhookError('INVALID_PAYLOAD', `${label} is empty`);
  if (value.length > maxLength) {
    throw new WebhookError('INVALID_PAYLOAD', `${label} is longer than ${maxLength} characters`, {
      details: { field, length: value.length, maxLength },
    });
  }
  if (!isWireSafe(value)) {
    throw new WebhookError('INVALID_PAYLOAD', `${label} holds characters SQS and SNS do not accept`, { details: { field } });
  }
}
