import type { APIGatewayProxyEvent } from 'aws-lambda';
import { WebhookError } from '../../../lambdas/core/errors';
import { receivedRequest } from '../../../lambdas/core/provider';
import { allProviders } from '../../../lambdas/core/registry';
import { checkWebhook } from '../../../lambdas/core/verify-webhook';
import { providerOf, toWebhookRequest, withRequestBody } from '../../../lambdas/http/api-gateway';
import { errorResponse, jsonResponse } from '../../../lambdas/http/responses';
import { webhookEvent } from '../../helpers/api-gateway-events';

/** An event shaped like the deployed REST API's: one resource per provider, so no path parameter. */
function deployedEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  const base = webhookEvent('stripe', '{"a":1}', { host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'x-forwarded-proto': 'https' });
  return {
    ...base,
    resource: '/webhooks/stripe',
    path: '/webhooks/stripe',
    pathParameters: null,
    requestContext: { ...base.requestContext, path: '/prod/webhooks/stripe', resourcePath: '/webhooks/stripe', stage: 'prod' },
    ...overrides,
  };
}

describe('Function: providerOf', () => {
  it.each([
    { case: 'deployed: per-provider resource, no path parameter', event: deployedEvent(), provider: 'stripe' },
    { case: 'local: {provider} path parameter', event: webhookEvent('github', '', {}), provider: 'github' },
    { case: 'upper-case path', event: deployedEvent({ resource: '/webhooks/STRIPE', path: '/webhooks/STRIPE' }), provider: 'stripe' },
    { case: 'a path that is not a webhook route', event: deployedEvent({ resource: '/health', path: '/health' }), provider: '' },
    { case: 'an undecodable segment', event: deployedEvent({ resource: '/webhooks/{provider}', path: '/webhooks/%E0%A4%A', pathParameters: null }), provider: '%e0%a4%a' },
  ])('$case → "$provider"', ({ event, provider }) => {
    expect(providerOf(event)).toBe(provider);
  });
});

describe('Function: toWebhookRequest', () => {
  it.each([
    { case: 'read from the event by default', route: undefined, expected: 'stripe' },
    { case: 'the one the caller already read', route: 'stripe-eu', expected: 'stripe-eu' },
  ])('names the route $case', ({ route, expected }) => {
    expect(toWebhookRequest(deployedEvent(), {}, route).route).toEqual(expected);
  });

  it('keeps the exact bytes of a base64-encoded body', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x7b, 0xe2, 0x82, 0xac]);
    const request = toWebhookRequest(deployedEvent({ body: bytes.toString('base64'), isBase64Encoded: true }));
    expect(request.rawBody.equals(bytes)).toBe(true);
  });

  it('keeps a text body byte for byte (UTF-8, CRLF, emoji)', () => {
    const body = '{\r\n  "name": "café ☕ 🚀"\r\n}';
    expect(toWebhookRequest(deployedEvent({ body })).rawBody.toString('utf8')).toBe(body);
  });

  it('lower-cases header names and keeps every value of a repeated header', () => {
    const request = toWebhookRequest(deployedEvent({ headers: { 'Stripe-Signature': 'b' }, multiValueHeaders: { 'Stripe-Signature': ['a', 'b'] } }));
    expect(request.headers['stripe-signature']).toEqual(['a', 'b']);
  });

  it.each([
    { case: 'execute-api URL with the stage path', publicBaseUrl: undefined, url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/webhooks/stripe?a=1&b=x%20y' },
    { case: 'configured public base URL (custom domain)', publicBaseUrl: 'https://hooks.example.com/', url: 'https://hooks.example.com/webhooks/stripe?a=1&b=x%20y' },
  ])('rebuilds the public URL the sender signed: $case', ({ publicBaseUrl, url }) => {
    const event = deployedEvent({ multiValueQueryStringParameters: { a: ['1'], b: ['x y'] }, queryStringParameters: { a: '1', b: 'x y' } });
    expect(toWebhookRequest(event, { publicBaseUrl }).url).toBe(url);
  });

  it('uses the configured signed URL byte for byte, whatever API Gateway made of the query string', () => {
    // Prepare: API Gateway hands over decoded parameters; re-encoding them cannot give back these bytes.
    const signedUrl = 'https://hooks.example.com/webhooks/twilio?a=1&b=2&a=3&next=https://app.example.com/cb&tags=x,y';
    const event = deployedEvent({
      multiValueQueryStringParameters: { a: ['1', '3'], b: ['2'], next: ['https://app.example.com/cb'], tags: ['x,y'] },
      queryStringParameters: { a: '3', b: '2', next: 'https://app.example.com/cb', tags: 'x,y' },
    });

    // Act
    const request = toWebhookRequest(event, { signedUrl, publicBaseUrl: 'https://ignored.example.com' });

    // Assess
    expect(request.url).toBe(signedUrl);
    expect(request.query).toEqual({ a: ['1', '3'], b: ['2'], next: ['https://app.example.com/cb'], tags: ['x,y'] });
  });

  it('uses the URL the transport received when there is no configured one', () => {
    const receivedUrl = 'http://127.0.0.1:3000/webhooks/twilio?tags=x,y';
    expect(toWebhookRequest(deployedEvent({}), { receivedUrl, publicBaseUrl: 'https://hooks.example.com' }).url).toBe(receivedUrl);
  });
});

describe('Function: withRequestBody', () => {
  const fields = { route: 'stripe', method: 'POST' as const, headers: {}, url: 'https://hooks.example.com/webhooks/stripe', query: {} };

  it.each([
    { case: 'UTF-8 with CRLF and emoji', text: '{\r\n  "name": "café ☕ 🚀"\r\n}', hex: Buffer.from('{\r\n  "name": "café ☕ 🚀"\r\n}').toString('hex') },
    { case: 'a lone surrogate, encoded as U+FFFD as the hash functions encode it', text: 'a\uD800b', hex: '61efbfbd62' },
  ])('keeps a text body as text, its bytes its UTF-8 encoding: $case', ({ text, hex }) => {
    // Act
    const request = withRequestBody(fields, text, false);

    // Assess
    expect(request.bodyText).toBe(text);
    expect(request.rawBody.toString('hex')).toBe(hex);
    expect({ ...request, rawBody: request.rawBody }.rawBody.toString('hex')).toBe(hex);
  });

  it('decodes a base64 body to bytes and leaves the text to be decoded from them', () => {
    // Act
    const request = withRequestBody(fields, Buffer.from([0xff, 0x7b]).toString('base64'), true);

    // Assess
    expect(request.rawBody.toString('hex')).toBe('ff7b');
    expect(request.bodyText).toBeUndefined();
  });

  /**
   * The core hashes and parses the text of a text body and the bytes of a base64 one: both must give
   * every provider the same answer for the same request.
   */
  it.each(allProviders().map((provider) => ({ case: provider.name, provider })))('$case: a genuine and a forged request get the same answer as text and as bytes', ({ provider }) => {
    // Prepare
    const nowSeconds = 1_700_000_000;
    const context = { url: `https://hooks.example.com/webhooks/${provider.name}`, nowSeconds };
    const type = provider.samples.defaultType;
    const options = provider.parseOptions(undefined);
    const sent = provider.sign(provider.samples.request(provider.samples.types[type]!(context), type, context), {
      secret: provider.development.signingSecret ?? provider.development.secret,
      nowSeconds,
      options,
    });
    const { rawBody: genuine, ...received } = receivedRequest(sent, provider.name);
    const forged = Buffer.from(genuine);
    forged[Math.floor(forged.length / 2)]! ^= 0x01;
    const settings = { secrets: [provider.development.secret], verifyTokens: provider.development.verifyToken ? [provider.development.verifyToken] : [], nowSeconds, options };
    const answer = (bytes: Buffer, asText: boolean) => {
      const outcome = checkWebhook(provider, withRequestBody(received, bytes.toString(asText ? 'utf8' : 'base64'), !asText), settings);
      return outcome.refusal ? outcome.refusal.code : outcome.verified.events.map((event) => [event.id, event.type, event.payloadJson, event.contentKey]);
    };

    // Act
    const answers = [genuine, forged].map((bytes) => ({ text: answer(bytes, true), bytes: answer(bytes, false) }));

    // Assess
    expect(answers[0]!.text).toEqual(answers[0]!.bytes);
    expect(answers[1]!.text).toEqual(answers[1]!.bytes);
    expect(typeof answers[0]!.text).toBe('object');
  });
});

/**
 * The deployed API declares every media type binary (`*\/*`), so API Gateway hands the verifier
 * every body base64-encoded: the only form that keeps bytes that are not valid UTF-8.
 */
describe('Binary media type */*', () => {
  const latin1Json = Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0x63, 0x61, 0x66, 0xe9, 0x22, 0x7d]); // {"n":"café"} in Latin-1

  it('a body that is not valid UTF-8 reaches the verifier byte for byte when base64-encoded', () => {
    // Act
    const request = toWebhookRequest(deployedEvent({ body: latin1Json.toString('base64'), isBase64Encoded: true }));

    // Assess
    expect(request.rawBody).toEqual(latin1Json);
  });

  it('the same body decoded as text, as API Gateway does without a binary media type, has lost its bytes', () => {
    // Act
    const request = toWebhookRequest(deployedEvent({ body: latin1Json.toString('utf8'), isBase64Encoded: false }));

    // Assess
    expect(request.rawBody).not.toEqual(latin1Json);
  });

  it('JSON answers stay text: the verifier never flags them isBase64Encoded, so API Gateway returns them as they are', () => {
    // Act
    const answers = [jsonResponse(200, { received: true }), errorResponse(new WebhookError('INVALID_SIGNATURE', 'No'))];

    // Assess
    for (const answer of answers) {
      expect(answer).not.toHaveProperty('isBase64Encoded', true);
      expect(answer.headers).toMatchObject({ 'Content-Type': 'application/json' });
      expect(() => JSON.parse(answer.body)).not.toThrow();
    }
  });
});
