import type { APIGatewayProxyEvent } from 'aws-lambda';
import { SOURCE_NOT_ALLOWED_MESSAGE } from '../../../lambdas/http/source-allowlist';
import type { VerifierHandler } from '../../../lambdas/verifier/handler';
import type { LocalResources } from '../../../local/local-resources';
import { lambdaContext } from '../../../local/queue-poller';
import { httpApiEvent, webhookEvent } from '../../helpers/api-gateway-events';
import { githubSignatureHeader, stripeEventBody, stripeSignatureHeader } from '../../helpers/official-signers';
import { drain, verifierUnderTest } from '../../helpers/verifier-under-test';

const SECRETS = { stripe: ['whsec_allowlist'], github: ['gh-allowlist'] };
// Stripe's route accepts two documentation ranges; GitHub's has no allowlist.
const STRIPE_CIDRS = ['192.0.2.0/24', '2001:db8:5::/48'];

let verifier: VerifierHandler;
let resources: LocalResources;

beforeAll(async () => {
  ({ verifier, resources } = await verifierUnderTest({ secrets: SECRETS, allowedSourceCidrs: { stripe: STRIPE_CIDRS } }));
});

/** The event of each ingress shape, from `sourceIp`: the REST API's (as the local gateway builds it) and the HTTP API's (payload 1.0). */
const shapes = {
  rest: (route: string, body: string, headers: Record<string, string>, sourceIp: string | undefined): APIGatewayProxyEvent => {
    const event = webhookEvent(route, body, headers);
    return { ...event, requestContext: { ...event.requestContext, identity: { ...event.requestContext.identity, sourceIp: sourceIp as string } } };
  },
  http: (route: string, body: string, headers: Record<string, string>, sourceIp: string | undefined): APIGatewayProxyEvent => {
    const event = httpApiEvent({ path: `/webhooks/${route}`, body, headers: { 'content-type': 'application/json', ...headers }, sourceIp: sourceIp as string });
    return sourceIp === undefined ? { ...event, requestContext: { ...event.requestContext, identity: { ...event.requestContext.identity, sourceIp: undefined as unknown as string } } } : event;
  },
};

/** How many messages were on the provider's queue (removed from it). */
const queuedCount = async (provider: string): Promise<number> => (await drain(resources.providers[provider]!.queueUrl)).length;

describe('Handler: verifier, source allowlist (allowedSourceCidrs)', () => {
  afterEach(async () => {
    await queuedCount('stripe');
    await queuedCount('github');
  });

  describe.each(Object.keys(shapes) as Array<keyof typeof shapes>)('behind the %s API', (shape) => {
    const signedStripe = (sourceIp: string | undefined) => {
      const { body } = stripeEventBody();
      return shapes[shape]('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_allowlist') }, sourceIp);
    };

    it.each([
      { case: 'IPv4 inside the block', sourceIp: '192.0.2.44', status: 200 },
      { case: 'IPv6 inside the block', sourceIp: '2001:db8:5:1::7', status: 200 },
      { case: 'IPv4-mapped IPv6 inside the IPv4 block', sourceIp: '::ffff:192.0.2.44', status: 200 },
      { case: 'IPv4 outside', sourceIp: '198.51.100.1', status: 403 },
      { case: 'IPv6 outside', sourceIp: '2001:db8:6::1', status: 403 },
      { case: 'malformed address', sourceIp: '192.0.2.300', status: 403 },
      { case: 'a forwarded list instead of one address', sourceIp: '198.51.100.1, 192.0.2.44', status: 403 },
      { case: 'empty address', sourceIp: '', status: 403 },
      { case: 'no address', sourceIp: undefined, status: 403 },
    ])('$case ($sourceIp) → $status', async ({ sourceIp, status }) => {
      // Act
      const response = await verifier(signedStripe(sourceIp), lambdaContext('test-verifier'));

      // Assess
      expect(response.statusCode).toBe(status);
      if (status === 403) expect(JSON.parse(response.body)).toEqual({ error: SOURCE_NOT_ALLOWED_MESSAGE, code: 'FORBIDDEN' });
      expect(await queuedCount('stripe')).toBe(status === 200 ? 1 : 0);
    });

    it('refuses a source outside the allowlist before checking the signature: 403, not 401', async () => {
      // Act
      const response = await verifier(shapes[shape]('stripe', '{"id":"evt_1"}', { 'Stripe-Signature': 't=1,v1=00' }, '198.51.100.1'), lambdaContext('test-verifier'));

      // Assess
      expect({ status: response.statusCode, code: JSON.parse(response.body).code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    });

    it('accepts any source on a route without an allowlist', async () => {
      // Prepare
      const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1, shape });
      const headers = { 'X-GitHub-Event': 'ping', 'X-GitHub-Delivery': crypto.randomUUID(), 'X-Hub-Signature-256': await githubSignatureHeader(body, 'gh-allowlist') };

      // Act
      const response = await verifier(shapes[shape]('github', body, headers, '198.51.100.1'), lambdaContext('test-verifier'));

      // Assess
      expect(response.statusCode).toBe(200);
    });
  });
});
