import fc from 'fast-check';
import { providerNames } from '../../../lambdas/core/registry';
import type { VerifierHandler } from '../../../lambdas/verifier/handler';
import { lambdaContext } from '../../../local/queue-poller';
import { webhookEvent } from '../../helpers/api-gateway-events';
import { verifierUnderTest } from '../../helpers/verifier-under-test';

/**
 * Whatever arrives at the API — garbage headers, invalid base64 flagged as base64, unicode paths,
 * empty or binary bodies, for every provider route and for routes that do not exist — the
 * deployed verifier answers with a 4xx JSON `{ error, code }`, never a 5xx, never a throw.
 */
describe('Handler: verifier (property-based)', () => {
  let verifier: VerifierHandler;

  beforeAll(async () => {
    // Every provider routed; SendGrid's "secret" is a public key: any other string never matches.
    ({ verifier } = await verifierUnderTest({ secrets: Object.fromEntries(providerNames.map((name) => [name, ['fuzz-secret']])), maxBodyBytes: 8192, serviceName: 'fuzz-verifier' }));
  });

  const headerName = fc.oneof(
    fc.constantFrom('stripe-signature', 'x-hub-signature-256', 'x-github-delivery', 'x-github-event', 'x-slack-signature', 'x-slack-request-timestamp', 'x-twilio-signature', 'webhook-signature', 'webhook-id', 'webhook-timestamp', 'x-twilio-email-event-webhook-signature', 'x-twilio-email-event-webhook-timestamp', 'x-shopify-hmac-sha256', 'x-signature', 'content-type'),
    fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(s)),
  );
  const headerValue = fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('t=1,v1=00', 'sha256=zz', 'v1,!!!', 'v0=', ''), fc.string({ unit: 'grapheme', maxLength: 50 }), fc.constant('x'.repeat(10_240)));
  const body = fc.oneof(fc.string({ maxLength: 300 }), fc.json(), fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), fc.constant(''));
  const provider = fc.oneof(fc.constantFrom(...providerNames), fc.string({ maxLength: 12 }), fc.constantFrom('STRIPE', '%00', '..', '😀'));

  it('never answers 5xx and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(provider, fc.dictionary(headerName, headerValue, { maxKeys: 6 }), body, fc.boolean(), fc.boolean(), async (name, headers, payload, flagBase64, garbleBase64) => {
        const event = webhookEvent(name, payload, headers);
        const mutated = flagBase64 ? { ...event, body: garbleBase64 ? `${event.body ?? ''}*%$` : Buffer.from(event.body ?? '').toString('base64'), isBase64Encoded: true } : event;
        const response = await verifier({ ...mutated, pathParameters: { provider: name } }, lambdaContext('fuzz', 10_000));
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(JSON.parse(response.body)).toEqual({ error: expect.any(String), code: expect.any(String) });
      }),
      { numRuns: 400 },
    );
  });
});
