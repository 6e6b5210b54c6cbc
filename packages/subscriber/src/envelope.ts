import * as z from 'zod/mini';
import { InvalidEnvelopeError } from './errors';

/** A claim check's location, `s3://bucket/key`: the form hookrelay's payload store writes. */
export const S3_LOCATION = /^s3:\/\/([^/]+)\/(.+)$/;

/**
 * What hookrelay publishes to a provider's topic:
 * `{ id, provider, source?, type, receivedAt, payload | payloadLocation }`, as the verifier builds it
 * (`lambdas/core/envelope.ts`; a test feeds this schema envelopes built there).
 * `zod/mini` rather than full `zod`: the same validation for ≈ 50 ms less cold start. Unknown
 * members are dropped, so envelopes that gain fields keep validating.
 */
const envelopeSchema = z.object({
  /** The provider's event id: unique per source, the deduplication key. */
  id: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  /** The route that received the event (`stripe-eu`); absent on older envelopes, where it is the provider. */
  source: z.optional(z.string().check(z.minLength(1))),
  type: z.string().check(z.minLength(1)),
  /** When hookrelay accepted the event, in UTC (`…Z`) as the verifier writes it; a replay keeps the original time. */
  receivedAt: z.iso.datetime(),
  payload: z.optional(z.unknown()),
  /** Claim check: the payload was too large for SNS and is stored at `s3://bucket/key`. */
  payloadLocation: z.optional(z.string().check(z.regex(S3_LOCATION))),
});

export type Envelope = Readonly<z.infer<typeof envelopeSchema>>;

/** Validates a parsed message; the error names the offending fields, never their values. */
export function toEnvelope(json: unknown): Envelope {
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
    throw new InvalidEnvelopeError(`Message is not a hookrelay envelope (fields: ${fields.join(', ')})`);
  }
  const hasPayload = Object.hasOwn(json as object, 'payload');
  if (hasPayload === (result.data.payloadLocation !== undefined)) {
    throw new InvalidEnvelopeError('Message must carry exactly one of payload and payloadLocation');
  }
  return result.data;
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidEnvelopeError(`${what} is not JSON`, { cause });
  }
}
