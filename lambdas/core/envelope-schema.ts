/**
 * The envelope as the processor reads it back from its queue: the message the verifier built
 * (`envelope.ts`), `{ id, provider, source?, type, receivedAt, payload | payloadLocation }`.
 *
 * Checked by hand rather than with a schema library: it is one fixed shape that hookrelay's own
 * verifier writes, and loading zod/mini cost every processor cold start ≈ 3–5 ms
 * (`npm run bench -- coldStart`). The rules are zod/mini's for the same schema (`z.string()` with
 * `minLength(1)`, `z.iso.datetime()`: RFC 3339 in UTC with seconds, any fraction), and
 * `test/lambdas/core/envelope-schema.test.ts` holds them against zod/mini itself.
 */
export interface Envelope {
  /** The provider's event id (unique within the provider's topic): the subscriber's dedupe key. */
  readonly id: string;
  /** The provider module that verified the event. */
  readonly provider: string;
  /** The route it arrived on (`/webhooks/<source>`); several routes may share a provider. */
  readonly source?: string | undefined;
  readonly type: string;
  /** ISO-8601 time the verifier accepted the event. */
  readonly receivedAt: string;
  readonly payload?: unknown;
  /** Set instead of `payload` when the payload could not travel inline (claim check). */
  readonly payloadLocation?: string | undefined;
}

/** The result of checking a value: the envelope, or the names of the fields that are wrong. */
export type EnvelopeCheck = { readonly envelope: Envelope; readonly invalidFields?: undefined } | { readonly envelope?: undefined; readonly invalidFields: string[] };

const UTC_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** RFC 3339 date-time in UTC with seconds (`2026-11-30T10:15:00.123Z`), a real calendar date. */
export function isUtcDateTime(value: string): boolean {
  const match = UTC_DATE_TIME.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Checks a parsed message against the envelope's shape; unknown fields are dropped, as zod's object does. */
export function checkEnvelope(value: unknown): EnvelopeCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { invalidFields: ['(root)'] };
  const record = value as Record<string, unknown>;
  const invalidFields: string[] = [];
  for (const field of ['id', 'provider', 'type'] as const) if (!nonEmpty(record[field])) invalidFields.push(field);
  if (record['source'] !== undefined && !nonEmpty(record['source'])) invalidFields.push('source');
  if (typeof record['receivedAt'] !== 'string' || !isUtcDateTime(record['receivedAt'])) invalidFields.push('receivedAt');
  if (record['payloadLocation'] !== undefined && typeof record['payloadLocation'] !== 'string') invalidFields.push('payloadLocation');
  if (invalidFields.length > 0) return { invalidFields };
  const envelope: Envelope = {
    id: record['id'] as string,
    provider: record['provider'] as string,
    ...(record['source'] === undefined ? {} : { source: record['source'] as string }),
    type: record['type'] as string,
    receivedAt: record['receivedAt'] as string,
    ...('payload' in record ? { payload: record['payload'] } : {}),
    ...(record['payloadLocation'] === undefined ? {} : { payloadLocation: record['payloadLocation'] as string }),
  };
  return { envelope };
}
