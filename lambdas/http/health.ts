import type { HttpMethod } from '../core/provider';

/** A route as `GET /health` lists it. */
export interface HealthRoute {
  readonly route: string;
  readonly provider: string;
  readonly methods: readonly HttpMethod[];
}

/** What `GET /health` answers. */
export interface HealthAnswer {
  readonly status: 'ok';
  /** The route names (named so before routes could be instances of another provider). */
  readonly providers: readonly string[];
  readonly routes: readonly HealthRoute[];
}

/** The path every ingress answers the health check on. */
export const HEALTH_PATH = '/health';

/**
 * `GET /health`'s answer, the same wherever it is given: by the REST API itself (a mock
 * integration), by the verifier behind an HTTP API (which has no mock integration), and by the
 * local gateway.
 */
export function healthAnswer(routes: readonly HealthRoute[]): HealthAnswer {
  return {
    status: 'ok',
    providers: routes.map((route) => route.route),
    routes: routes.map(({ route, provider, methods }) => ({ route, provider, methods: [...methods] })),
  };
}
