import { WebhookError } from '../../../lambdas/core/errors';
import type { VerifyContext, WebhookProvider } from '../../../lambdas/core/provider';
import { checkWebhook, verifyWebhook, type VerificationSettings } from '../../../lambdas/core/verify-webhook';
import { withRequestBody } from '../../../lambdas/http/api-gateway';
import { captureWebhookError, NOW, webhookRequest } from '../../fixtures/request';

/** A provider whose `verify` does what the test says and records the context it was given. */
function fakeProvider(verify: (context: VerifyContext) => void = () => undefined, event = { id: 'e1', type: 't' }) {
  const calls: VerifyContext[] = [];
  const provider: Pick<WebhookProvider, 'name' | 'defaultToleranceSeconds' | 'defaultMaxBodyBytes' | 'verify'> = {
    name: 'fake',
    defaultToleranceSeconds: 300,
    defaultMaxBodyBytes: 1024,
    verify(_request, context) {
      calls.push(context);
      verify(context);
      return { secretIndex: 0, events: [{ ...event, payload: {}, payloadJson: '{}' }] };
    },
  };
  return { provider, calls };
}

const request = webhookRequest({ provider: 'fake', body: '{"a":1}' });
const settings: VerificationSettings<undefined> = { secrets: ['s1', 's2'], nowSeconds: NOW, maxBodyBytes: 100, options: undefined };

describe('Function: verifyWebhook', () => {
  it('passes secrets, now, options and the provider default tolerance to the provider', () => {
    // Prepare
    const { provider, calls } = fakeProvider();

    // Act
    const result = verifyWebhook(provider, request, settings);

    // Assess
    expect(result.events).toHaveLength(1);
    expect(calls).toEqual([{ secrets: ['s1', 's2'], verifyTokens: [], nowSeconds: NOW, toleranceSeconds: 300, options: undefined }]);
  });

  it.each([
    { case: 'a narrower route tolerance', toleranceSeconds: 60 },
    { case: 'a zero route tolerance', toleranceSeconds: 0 },
  ])('passes $case instead of the default', ({ toleranceSeconds }) => {
    // Prepare
    const { provider, calls } = fakeProvider();

    // Act
    verifyWebhook(provider, request, { ...settings, toleranceSeconds });

    // Assess
    expect(calls[0]?.toleranceSeconds).toBe(toleranceSeconds);
  });

  it.each([
    { case: 'a body one byte over the limit', body: 'x'.repeat(101), secrets: ['s'], code: 'PAYLOAD_TOO_LARGE' },
    { case: 'no configured secret', body: '{}', secrets: [], code: 'SECRETS_UNAVAILABLE' },
  ])('refuses $case with $code without calling the provider', ({ body, secrets, code }) => {
    // Prepare
    const { provider, calls } = fakeProvider();

    // Act
    const error = captureWebhookError(() => verifyWebhook(provider, webhookRequest({ provider: 'fake', body }), { ...settings, secrets }));

    // Assess
    expect(error.code).toBe(code);
    expect(calls).toHaveLength(0);
  });

  it('accepts a body exactly at the limit', () => {
    // Prepare
    const { provider } = fakeProvider();

    // Act
    const result = verifyWebhook(provider, webhookRequest({ provider: 'fake', body: 'x'.repeat(100) }), settings);

    // Assess
    expect(result.secretIndex).toBe(0);
  });

  it('rethrows a WebhookError from the provider unchanged', () => {
    // Prepare
    const thrown = new WebhookError('INVALID_SIGNATURE', 'no match');
    const { provider } = fakeProvider(() => {
      throw thrown;
    });

    // Act
    const error = captureWebhookError(() => verifyWebhook(provider, request, settings));

    // Assess
    expect(error).toBe(thrown);
  });

  it.each([
    { case: 'a TypeError', thrown: new TypeError('x is undefined'), unexpected: 'TypeError' },
    { case: 'a string', thrown: 'boom', unexpected: 'string' },
  ])('fails closed with INVALID_PAYLOAD when the provider throws $case', ({ thrown, unexpected }) => {
    // Prepare
    const { provider } = fakeProvider(() => {
      throw thrown;
    });

    // Act
    const error = captureWebhookError(() => verifyWebhook(provider, request, settings));

    // Assess
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.details).toEqual({ unexpected });
    expect(error.cause).toBe(thrown);
  });

  it.each([
    { case: 'a 100 KB event type', event: { id: 'e1', type: 'x'.repeat(100_000) } },
    { case: 'an event type with a lone surrogate', event: { id: 'e1', type: 'push\uD800' } },
    { case: 'a 600 KB event id', event: { id: 'x'.repeat(600_000), type: 't' } },
    { case: 'an event id holding U+FFFF', event: { id: 'e\uFFFF', type: 't' } },
  ])('refuses, as INVALID_PAYLOAD, a verified event with $case (SQS and SNS would refuse the message attribute)', ({ event }) => {
    // Prepare
    const { provider } = fakeProvider(() => undefined, event);

    // Act
    const error = captureWebhookError(() => verifyWebhook(provider, request, settings));

    // Assess
    expect(error.code).toBe('INVALID_PAYLOAD');
  });

  it("applies the provider's default body limit when the route sets none", () => {
    // Prepare
    const { provider } = fakeProvider();
    const { maxBodyBytes: _ignored, ...withoutLimit } = settings;

    // Act
    const error = captureWebhookError(() => verifyWebhook(provider, webhookRequest({ provider: 'fake', body: 'x'.repeat(1025) }), withoutLimit));

    // Assess
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('Function: checkWebhook', () => {
  it('returns the refusal instead of throwing it', () => {
    // Prepare
    const thrown = new WebhookError('INVALID_SIGNATURE', 'no match');
    const { provider } = fakeProvider(() => {
      throw thrown;
    });

    // Act
    const outcome = checkWebhook(provider, request, settings);

    // Assess
    expect(outcome).toEqual({ refusal: thrown });
  });

  it('returns the verified webhook', () => {
    // Prepare
    const { provider } = fakeProvider();

    // Act
    const outcome = checkWebhook(provider, request, settings);

    // Assess
    expect(outcome.verified?.events).toHaveLength(1);
    expect(outcome.refusal).toBeUndefined();
  });

  it.each([
    // 34 characters of 3 UTF-8 bytes each: 102 bytes, over a limit of 100 although only 34 code units.
    { case: 'a text body over the limit in bytes, not in characters', body: '☕'.repeat(34), bodyBytes: 102 },
    { case: 'a text body one byte over the limit', body: 'x'.repeat(101), bodyBytes: 101 },
  ])('counts $case in UTF-8 bytes (PAYLOAD_TOO_LARGE with the exact size)', ({ body, bodyBytes }) => {
    // Prepare
    const { provider, calls } = fakeProvider();
    const { rawBody: _bytes, ...fields } = webhookRequest({ provider: 'fake' });

    // Act
    const outcome = checkWebhook(provider, withRequestBody(fields, body, false), settings);

    // Assess
    expect(outcome.refusal?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(outcome.refusal?.details).toEqual({ bodyBytes, maxBodyBytes: 100 });
    expect(calls).toHaveLength(0);
  });

  it('accepts a text body of exactly the limit in bytes', () => {
    // Prepare
    const { provider } = fakeProvider();
    const { rawBody: _bytes, ...fields } = webhookRequest({ provider: 'fake' });

    // Act
    const outcome = checkWebhook(provider, withRequestBody(fields, `${'☕'.repeat(33)}x`, false), settings);

    // Assess
    expect(outcome.verified?.secretIndex).toBe(0);
  });
});
