import type { APIGatewayProxyEvent } from 'aws-lambda';
import { WebhookError } from '../../../lambdas/core/errors';
import { providerOf, toWebhookRequest } from '../../../lambdas/http/api-gateway';
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
