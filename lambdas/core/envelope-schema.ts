import * as z from 'zod/mini';

/**
 * The envelope as the processor reads it back from its queue: the message the verifier built
 * (`envelope.ts`), `{ id, provider, source?, type, receivedAt, payload | payloadLocation }`,
 * validated with zod/mini before anything is published. zod/mini rather than full zod: the same
 * checks at a fraction of the load time. The verifier builds envelopes and never loads it.
 */
export const envelopeSchema = z.object({
  /** The provider's event id (unique within the provider's topic): the subscriber's dedupe key. */
  id: z.string().check(z.minLength(1)),
  /** The provider module that verified the event. */
  provider: z.string().check(z.minLength(1)),
  /** The route it arrived on (`/webhooks/<source>`); several routes may share a provider. */
  source: z.optional(z.string().check(z.minLength(1))),
  type: z.string().check(z.minLength(1)),
  /** ISO-8601 time the verifier accepted the event (RFC 3339, UTC, with seconds). */
  receivedAt: z.iso.datetime(),
  payload: z.optional(z.unknown()),
  /** Set instead of `payload` when the payload could not travel inline (claim check). */
  payloadLocation: z.optional(z.string()),
});

export type Envelope = z.infer<typeof envelopeSchema>;

/** The result of checking a value: the envelope, or the names of the fields that are wrong. */
export type EnvelopeCheck = { readonly envelope: Envelope; readonly invalidFields?: undefined } | { readonly envelope?: undefined; readonly invalidFields: string[] };

/** Checks a parsed message against the envelope's schema; unknown fields are dropped. */
export function checkEnvelope(value: unknown): EnvelopeCheck {
  const result = envelopeSchema.safeParse(value);
  if (result.success) return { envelope: result.data };
  return { invalidFields: [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)'))] };
}
