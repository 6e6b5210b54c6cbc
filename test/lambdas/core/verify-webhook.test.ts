import { WebhookError } from '../../../lambdas/core/errors';
import type { VerifyContext, WebhookProvider } from '../../../lambdas/core/provider';
import { verifyWebhook, type VerificationSettings } from '../../../lambdas/core/verify-webhook';
import { captureWebhookError, NOW, webhookRequest } from '../../fixtures/request';

/** A provider whose `verify` does what the test says and records the context it was given. */
function fakeProvider(verify: (context: VerifyContext) => void = () => undefined) {
  const calls: VerifyContext[] = [];
  const provider: WebhookProvider = {
    name: 'fake',
    defaultToleranceSeconds: 300,
    parseOptions: () => undefined,
    verify(_request, context) {
      calls.push(context);
      verify(context);
      return { secretIndex: 0, events: [{ id: 'e1', type: 't', payload: {} }] };
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
    expect(calls).toEqual([{ secrets: ['s1', 's2'], nowSeconds: NOW, toleranceSeconds: 300, options: undefined }]);
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
});
