import { randomUUID } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { methodsOf } from '../../../lambdas/core/provider';
import { findProvider } from '../../../lambdas/core/registry';
import type { VerifierHandler } from '../../../lambdas/verifier/handler';
import type { LocalResources } from '../../../local/local-resources';
import { lambdaContext } from '../../../local/queue-poller';
import { httpApiEvent, type HttpApiRequest } from '../../helpers/api-gateway-events';
import { githubSignatureHeader, stripeEventBody, stripeSignatureHeader } from '../../helpers/official-signers';
import { drain, verifierUnderTest } from '../../helpers/verifier-under-test';

/**
 * The verifier behind an HTTP API: each route a Lambda integration at payload format 1.0, on the
 * `$default` stage. The event has the REST API's fields, with the differences `httpApiEvent`
 * describes (lower-case header names, no stage segment in the path, text or base64 bodies by content
 * type, `resourceId` null); each test below sends one of them through the real handler.
 */
const SECRETS = { stripe: ['whsec_http_api'], github: ['gh-http-api'], twilio: ['twilio-http-api'], meta: ['meta-http-api'] };
const API_HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';

let verifier: VerifierHandler;
let resources: LocalResources;

beforeAll(async () => {
  ({ verifier, resources } = await verifierUnderTest({ secrets: SECRETS }));
});

const invoke = (request: HttpApiRequest) => verifier(httpApiEvent(request), lambdaContext('test-verifier'));

/** The bodies on the provider's queue (removed from it). */
const drainQueue = async (provider: string): Promise<Array<{ id: string; payload: unknown }>> =>
  (await drain(resources.providers[provider]!.queueUrl)).map((message) => JSON.parse(message.Body!) as { id: string; payload: unknown });

describe('Handler: verifier, behind an HTTP API (payload format 1.0)', () => {
  afterEach(async () => {
    for (const provider of Object.keys(SECRETS)) await drainQueue(provider);
  });

  it.each([
    { case: 'a JSON body, which the HTTP API hands over as text', contentType: 'application/json; charset=utf-8' as string | undefined },
    { case: 'a JSON body sent as application/octet-stream, handed over base64-encoded', contentType: 'application/octet-stream' },
    { case: 'a JSON body sent without Content-Type, handed over base64-encoded', contentType: undefined },
  ])('routes by the resource (the route path), verifies and enqueues $case', async ({ contentType }) => {
    // Prepare
    const { id, body } = stripeEventBody('invoice.paid', { note: 'café ☕' });
    const headers: Record<string, string> = { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_http_api') };
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    const event = httpApiEvent({ path: '/webhooks/stripe', body, headers });

    // Act
    const response = await verifier(event, lambdaContext('test-verifier'));

    // Assess
    expect(event.isBase64Encoded).toBe(contentType === undefined || contentType === 'application/octet-stream');
    expect({ status: response.statusCode, body: JSON.parse(response.body) }).toEqual({ status: 200, body: { received: true, eventId: id } });
    expect(await drainQueue('stripe')).toEqual([expect.objectContaining({ id, payload: JSON.parse(body) })]);
  });

  it('reads headers the HTTP API has lower-cased, and repeated ones from multiValueHeaders', async () => {
    // Prepare: a second X-GitHub-Event value after the first, as a proxy might append one.
    const body = JSON.stringify({ ref: 'refs/heads/main', after: randomUUID() });
    const delivery = randomUUID();
    const headers = {
      'Content-Type': 'application/json',
      'X-Hub-Signature-256': await githubSignatureHeader(body, 'gh-http-api'),
      'X-GitHub-Delivery': delivery,
      'X-GitHub-Event': ['push', 'ping'],
    };

    // Act
    const response = await invoke({ path: '/webhooks/github', body, headers });

    // Assess: the first value is the event type, as the REST API's event gives it.
    expect(response.statusCode).toBe(200);
    expect(await drainQueue('github')).toEqual([expect.objectContaining({ id: delivery, type: 'push' })]);
  });

  it("verifies a Twilio form callback (base64-encoded by the HTTP API) against the $default stage's URL, which has no stage segment", async () => {
    // Prepare: Twilio signs the URL it was given — here the API's own URL, with a repeated query key.
    const params = { MessageSid: `SM${randomUUID().replaceAll('-', '')}`, MessageStatus: 'delivered' };
    const url = `https://${API_HOST}/webhooks/twilio?account=AC1&tag=a&tag=b`;
    const query = new URLSearchParams([['account', 'AC1'], ['tag', 'a'], ['tag', 'b']]);

    // Act
    const event = httpApiEvent({
      path: '/webhooks/twilio',
      query,
      body: new URLSearchParams(params).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': getExpectedTwilioSignature('twilio-http-api', url, params) },
    });
    const response = await verifier(event, lambdaContext('test-verifier'));

    // Assess
    expect({ base64: event.isBase64Encoded, status: response.statusCode }).toEqual({ base64: true, status: 200 });
    expect(await drainQueue('twilio')).toHaveLength(1);
  });

  it('answers GET /health with every route, its provider and its methods, as the REST API and the local gateway do', async () => {
    // Act
    const response = await invoke({ method: 'GET', path: '/health' });

    // Assess
    expect({ status: response.statusCode, body: JSON.parse(response.body) }).toEqual({
      status: 200,
      body: {
        status: 'ok',
        providers: Object.keys(SECRETS),
        routes: Object.keys(SECRETS).map((route) => ({ route, provider: route, methods: [...methodsOf(findProvider(route)!)] })),
      },
    });
    expect(JSON.parse(response.body).routes).toContainEqual({ route: 'meta', provider: 'meta', methods: ['GET', 'POST'] });
  });

  it.each([
    { case: 'POST /health', request: { method: 'POST', path: '/health', body: '{}' }, status: 404, code: 'UNKNOWN_PROVIDER' },
    { case: 'GET on a POST-only route', request: { method: 'GET', path: '/webhooks/stripe' }, status: 405, code: 'METHOD_NOT_ALLOWED' },
    { case: 'an unknown route', request: { path: '/webhooks/paypal', body: '{}' }, status: 404, code: 'UNKNOWN_PROVIDER' },
  ])('refuses $case with $status $code, should one reach it (the HTTP API routes only the declared routes to it)', async ({ request, status, code }) => {
    // Act
    const response = await invoke(request);

    // Assess
    expect({ status: response.statusCode, code: JSON.parse(response.body).code }).toEqual({ status, code });
  });
});
