import { checkEnvelope } from '../../../lambdas/core/envelope-schema';
import { envelopeText } from '../../../lambdas/core/envelope';
import { lambdaContext } from '../../../local/queue-poller';
import { toEnvelope } from '../../../packages/subscriber/src/envelope';
import { InvalidEnvelopeError } from '../../../packages/subscriber/src/errors';
import { webhookEvent } from '../../helpers/api-gateway-events';
import { stripeEventBody, stripeSignatureHeader } from '../../helpers/official-signers';
import { verifierUnderTest, type VerifierUnderTest } from '../../helpers/verifier-under-test';

/**
 * The kit reads what hookrelay publishes: envelopes built by the verifier (`lambdas/core/envelope.ts`)
 * and let through by the processor's schema (`lambdas/core/envelope-schema.ts`). Both are fed to the
 * kit's `toEnvelope` here, so neither side can change the envelope without this file noticing.
 */
const SECRET = 'whsec_envelope_contract';
let pipeline: VerifierUnderTest;

beforeAll(async () => {
  // 1 MiB bodies: room for a payload the verifier claim-checks (over 200 KB).
  pipeline = await verifierUnderTest({ secrets: { stripe: [SECRET] }, maxBodyBytes: 1024 * 1024 });
});

/** Sends a signed Stripe event through the real verifier and processor; returns the published envelope's text. */
async function published(body: string): Promise<string> {
  const response = await pipeline.verifier(webhookEvent('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, SECRET) }), lambdaContext('envelope-test'));
  expect(response.statusCode).toBe(200);
  const [text, ...others] = await pipeline.publishQueued('stripe');
  expect(others).toEqual([]);
  return text!;
}

describe('Function: toEnvelope', () => {
  describe('on envelopes the verifier builds and the processor publishes', () => {
    it.each([
      { case: 'a payload inline', extra: {}, claimChecked: false },
      { case: 'a claim-checked payload (over 200 KB)', extra: { description: 'x'.repeat(210_000) }, claimChecked: true },
    ])('accepts $case, with the fields as published', async ({ extra, claimChecked }) => {
      // Prepare
      const { id, body } = stripeEventBody('invoice.paid', extra);
      const text = await published(body);
      const json = JSON.parse(text) as Record<string, unknown>;

      // Act
      const envelope = toEnvelope(json);

      // Assess
      expect(envelope).toEqual({
        id,
        provider: 'stripe',
        source: 'stripe',
        type: 'invoice.paid',
        receivedAt: json['receivedAt'],
        ...(claimChecked ? { payloadLocation: expect.stringMatching(/^s3:\/\/[^/]+\/stripe\/[0-9a-f]{64}\.json$/) } : { payload: JSON.parse(body) }),
      });
      expect(Date.parse(envelope.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  describe('against the processor schema', () => {
    const header = { id: 'evt_1', provider: 'stripe', source: 'stripe', type: 'invoice.paid', receivedAt: '2026-11-29T03:00:00.000Z' };
    const built = (overrides: Record<string, unknown>) => ({ ...(JSON.parse(envelopeText(header, { json: '{"id":"evt_1"}' })) as object), ...overrides });

    it.each([
      { case: 'receivedAt in UTC, with milliseconds (as the verifier writes it)', envelope: built({}), accepted: true },
      { case: 'receivedAt in UTC, whole seconds', envelope: built({ receivedAt: '2026-11-29T03:00:00Z' }), accepted: true },
      { case: 'receivedAt with an offset', envelope: built({ receivedAt: '2026-11-29T05:00:00+02:00' }), accepted: false },
      { case: 'receivedAt without a zone', envelope: built({ receivedAt: '2026-11-29T03:00:00' }), accepted: false },
      { case: 'no source (published before routes had names)', envelope: built({ source: undefined }), accepted: true },
      { case: 'an empty id', envelope: built({ id: '' }), accepted: false },
      { case: 'no type', envelope: built({ type: undefined }), accepted: false },
    ])('agrees on $case: accepted $accepted', ({ envelope, accepted }) => {
      // Act
      const processorAccepts = checkEnvelope(envelope).envelope !== undefined;
      let kitAccepts = true;
      try {
        toEnvelope(envelope);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidEnvelopeError);
        kitAccepts = false;
      }

      // Assess
      expect({ processor: processorAccepts, kit: kitAccepts }).toEqual({ processor: accepted, kit: accepted });
    });
  });
});
