import fc from 'fast-check';
import * as z from 'zod/mini';
import { checkEnvelope, isUtcDateTime } from '../../../lambdas/core/envelope-schema';

/** The envelope's schema as zod/mini states it: the oracle the hand-written check must agree with. */
const zodEnvelope = z.object({
  id: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  source: z.optional(z.string().check(z.minLength(1))),
  type: z.string().check(z.minLength(1)),
  receivedAt: z.iso.datetime(),
  payload: z.optional(z.unknown()),
  payloadLocation: z.optional(z.string()),
});

/** Values a field may hold in a message: valid ones, near misses and wrong types. */
const fieldValue = fc.oneof(
  fc.string(),
  fc.constant(''),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2100-02-29T12:00:00Z', '2000-02-29T23:59:59.5Z', '2026-04-31T00:00:00Z', '2026-11-30T24:00:00Z', '2026-11-30T10:15Z', '2026-11-30T10:15:00+01:00', '2026-11-30 10:15:00Z', '2026-13-01T00:00:00Z'),
);

/** Mostly valid: each field usually right, sometimes one of the values above. */
const mostly = (valid: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: fieldValue, weight: 1 });
const nearlyValidMessage = fc.record(
  {
    id: mostly(fc.string({ minLength: 1 })),
    provider: mostly(fc.string({ minLength: 1 })),
    source: mostly(fc.string({ minLength: 1 })),
    type: mostly(fc.string({ minLength: 1 })),
    receivedAt: mostly(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString())),
    payload: fc.jsonValue(),
    payloadLocation: mostly(fc.string()),
  },
  { requiredKeys: ['id', 'provider', 'type', 'receivedAt'] },
);

const message = fc.record(
  { id: fieldValue, provider: fieldValue, source: fieldValue, type: fieldValue, receivedAt: fieldValue, payload: fc.jsonValue(), payloadLocation: fieldValue, extra: fc.string() },
  { requiredKeys: [] },
);

describe('Module: envelope-schema', () => {
  describe('Function: checkEnvelope', () => {
    it('agrees with zod/mini on whether a message is an envelope, which fields are wrong, and what it keeps', () => {
      fc.assert(
        fc.property(fc.oneof(nearlyValidMessage, message, fc.jsonValue()), (value) => {
          // Act
          const ours = checkEnvelope(value);
          const theirs = zodEnvelope.safeParse(value);

          // Assess
          if (theirs.success) {
            expect(ours).toEqual({ envelope: theirs.data });
          } else {
            const fields = [...new Set(theirs.error.issues.map((issue) => issue.path.join('.') || '(root)'))].sort();
            expect([...(ours.invalidFields ?? [])].sort()).toEqual(fields);
          }
        }),
        { numRuns: 3000 },
      );
    });
  });

  describe('Function: isUtcDateTime', () => {
    it.each([
      { case: 'a leap day', value: '2024-02-29T00:00:00Z', valid: true },
      { case: 'the 29th of February of a common year', value: '2023-02-29T00:00:00Z', valid: false },
      { case: 'a fraction of any length', value: '2026-11-30T10:15:00.123456789Z', valid: true },
      { case: 'no seconds', value: '2026-11-30T10:15Z', valid: false },
      { case: 'an offset', value: '2026-11-30T10:15:00+01:00', valid: false },
    ])('$case: $valid', ({ value, valid }) => {
      expect(isUtcDateTime(value)).toBe(valid);
    });
  });
});
