import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RouteDeclarationError } from '../../lambdas/routes';
import { SOURCE_NOT_ALLOWED_MESSAGE } from '../../lambdas/http/source-allowlist';
import type { LocalHookrelay } from '../../local/hookrelay-local';
import { localRoutes, readRouteDeclarations } from '../../local/local-routes';
import { startTestGateway } from '../helpers/local-hookrelay';
import { stripeEventBody, stripeSignatureHeader } from '../helpers/official-signers';

function routesFile(routes: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hookrelay-routes-')), 'routes.json');
  writeFileSync(file, JSON.stringify(routes));
  return file;
}

describe('Function: localRoutes', () => {
  it('reads allowedSourceCidrs from a routes file, as the stack reads them from the configuration', () => {
    // Act
    const { routes } = localRoutes(readRouteDeclarations(routesFile({ 'stripe-eu': { provider: 'stripe', allowedSourceCidrs: ['192.0.2.0/24', '2001:db8::/32'] } })), {});

    // Assess
    expect(routes['stripe-eu']).toMatchObject({ provider: 'stripe', allowedSourceCidrs: ['192.0.2.0/24', '2001:db8::/32'] });
  });

  it('refuses an allowlist entry that is not a CIDR block, naming the route and the setting', () => {
    // Act & Assess
    expect(() => localRoutes(readRouteDeclarations(routesFile({ 'stripe-eu': { provider: 'stripe', allowedSourceCidrs: ['192.0.2.1'] } })), {})).toThrow(
      new RouteDeclarationError('Invalid routes:\n  - route "stripe-eu": allowedSourceCidrs.0 is invalid'),
    );
  });
});

describe('Local gateway: a declared allowlist', () => {
  let gateway: LocalHookrelay;
  const secret = 'whsec_local_allowlist';

  beforeAll(async () => {
    // Requests come from 127.0.0.1: one route admits loopback, the other only a documentation range.
    const { routes } = localRoutes(
      readRouteDeclarations(
        routesFile({
          'stripe-loopback': { provider: 'stripe', allowedSourceCidrs: ['127.0.0.0/8', '::1/128'] },
          'stripe-elsewhere': { provider: 'stripe', allowedSourceCidrs: ['192.0.2.0/24'] },
        }),
      ),
      { WEBHOOK_SECRET_STRIPE_LOOPBACK: secret, WEBHOOK_SECRET_STRIPE_ELSEWHERE: secret },
    );
    gateway = await startTestGateway({ routes: { 'stripe-loopback': routes['stripe-loopback']!, 'stripe-elsewhere': routes['stripe-elsewhere']! } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it.each([
    { route: 'stripe-loopback', status: 200 },
    { route: 'stripe-elsewhere', status: 403 },
  ])('answers a signed request from 127.0.0.1 to $route with $status', async ({ route, status }) => {
    // Prepare
    const { body } = stripeEventBody();

    // Act
    const response = await fetch(`${gateway.url}/webhooks/${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(body, secret) },
      body,
    });

    // Assess
    const answer = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(status);
    if (status === 403) expect(answer).toEqual({ error: SOURCE_NOT_ALLOWED_MESSAGE, code: 'FORBIDDEN' });
    await gateway.settled();
  });
});
