import * as z from 'zod/mini';
import { findProvider, providerNames } from './core/registry';
import { routeDeclarationShape } from './runtime-config';

/**
 * Routes are named instances of providers: `POST /webhooks/<route>` verified by the route's
 * provider module with the route's own secret and options. By default there is one route per
 * provider, named after it; more can be declared (`stripe-eu` for a second Stripe account, two
 * GitHub apps, one `generic` route per partner, each with its own scheme).
 *
 * This module is the one definition of a route declaration and of the environment variable names
 * that carry a route's credentials, for the local gateway, the tools and the stack alike.
 */

/** Longest route name: it becomes part of queue, secret and resource names. */
const MAX_ROUTE_NAME_LENGTH = 40;

/** Route names: lower-case letters, digits and `-` (not first or last), at most MAX_ROUTE_NAME_LENGTH: URL- and resource-name-safe. */
export const ROUTE_NAME = new RegExp(`^[a-z0-9](?:[a-z0-9-]{0,${MAX_ROUTE_NAME_LENGTH - 2}}[a-z0-9])?$`);

const routeDeclarationSchema = z.strictObject(routeDeclarationShape);
export type RouteDeclaration = z.infer<typeof routeDeclarationSchema>;

/** A declaration with its provider resolved. */
export interface ResolvedRoute extends RouteDeclaration {
  readonly route: string;
  readonly provider: string;
}

export class RouteDeclarationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'RouteDeclarationError';
  }
}

/** One route per registered provider, named after it. */
export function defaultRouteDeclarations(): Record<string, RouteDeclaration> {
  return Object.fromEntries(providerNames.map((name) => [name, {}]));
}

/**
 * Validates declarations (route names, known providers, options the provider accepts) and
 * resolves each route's provider. Throws RouteDeclarationError listing every problem.
 */
export function resolveRoutes(declarations: Readonly<Record<string, unknown>>): ResolvedRoute[] {
  const problems: string[] = [];
  const routes: ResolvedRoute[] = [];
  for (const [route, raw] of Object.entries(declarations)) {
    if (!ROUTE_NAME.test(route)) {
      problems.push(`route "${route}": names are lower-case letters, digits and "-" (not first or last), at most ${MAX_ROUTE_NAME_LENGTH} characters`);
      continue;
    }
    const parsed = routeDeclarationSchema.safeParse(raw ?? {});
    if (!parsed.success) {
      problems.push(`route "${route}": ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'declaration'} is invalid`).join('; ')}`);
      continue;
    }
    const providerName = parsed.data.provider ?? route;
    const provider = findProvider(providerName);
    if (!provider) {
      problems.push(`route "${route}": no provider "${providerName}" (one of ${providerNames.join(', ')}); name it with "provider"`);
      continue;
    }
    try {
      provider.parseOptions(parsed.data.options);
    } catch (error) {
      problems.push(`route "${route}": ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    routes.push({ ...parsed.data, route, provider: providerName });
  }
  if (problems.length > 0) throw new RouteDeclarationError(`Invalid routes:\n  - ${problems.join('\n  - ')}`);
  return routes;
}

/** `WEBHOOK_<KIND>_<ROUTE>`: upper case, `-` → `_`. */
function routeVariable(kind: string, route: string): string {
  return `WEBHOOK_${kind}_${route.toUpperCase().replace(/-/g, '_')}`;
}

/** The variable holding a route's signing secrets (comma-separated, newest first). */
export const secretVariable = (route: string) => routeVariable('SECRET', route);
/** The variable holding a route's second credential (Meta's verify token). */
export const verifyTokenVariable = (route: string) => routeVariable('VERIFY_TOKEN', route);
/** The variable holding the exact public URL a route's sender signs. */
export const signedUrlVariable = (route: string) => routeVariable('SIGNED_URL', route);

/** A comma-separated list from the environment, trimmed, empties dropped. */
export function listFromEnvironment(env: Readonly<Record<string, string | undefined>>, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
