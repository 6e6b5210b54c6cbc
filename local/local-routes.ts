import { readFileSync } from 'node:fs';
import { findProvider } from '../lambdas/core/registry';
import {
  defaultRouteDeclarations,
  listFromEnvironment,
  resolveRoutes,
  RouteDeclarationError,
  secretVariable,
  signedUrlVariable,
  verifyTokenVariable,
  type RouteDeclaration,
} from '../lambdas/routes';
import type { LocalRoute } from './hookrelay-local';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The local gateway's routes: one per provider, named after it, plus those declared in a routes file
 * (`npm start -- --routes routes.json`), e.g.
 *
 *   { "stripe-eu": { "provider": "stripe" },
 *     "partner-a": { "provider": "generic", "options": { "signatureHeader": "X-Partner-Signature" } },
 *     "github": { "allowedSourceCidrs": ["127.0.0.0/8", "::1/128"] } }
 *
 * A declared route named after a provider replaces that provider's default route. A route's
 * `allowedSourceCidrs` is enforced by the verifier here, as on an HTTP API: other sources get 403.
 */
export function readRouteDeclarations(file: string | undefined): Record<string, RouteDeclaration> {
  const declarations = defaultRouteDeclarations();
  if (file === undefined) return declarations;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RouteDeclarationError(`Cannot read the routes file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RouteDeclarationError(`The routes file ${file} must hold a JSON object of routes by name`);
  }
  return { ...declarations, ...(parsed as Record<string, RouteDeclaration>) };
}

export interface LocalRouteSetup {
  readonly routes: Record<string, LocalRoute>;
  /** Routes that verify with their provider's development secret (no WEBHOOK_SECRET_<ROUTE>). */
  readonly usingDevelopmentSecret: string[];
}

/**
 * Each route with its credentials from the environment: `WEBHOOK_SECRET_<ROUTE>` (comma-separated,
 * newest first; else the provider's development secret), `WEBHOOK_VERIFY_TOKEN_<ROUTE>` and
 * `WEBHOOK_SIGNED_URL_<ROUTE>` (upper case, `-` → `_`).
 */
export function localRoutes(declarations: Readonly<Record<string, unknown>>, env: Environment): LocalRouteSetup {
  const routes: Record<string, LocalRoute> = {};
  const usingDevelopmentSecret: string[] = [];
  for (const { route, ...declaration } of resolveRoutes(declarations)) {
    const { development } = findProvider(declaration.provider)!;
    let secrets = listFromEnvironment(env, secretVariable(route));
    if (secrets.length === 0) {
      secrets = [development.secret];
      usingDevelopmentSecret.push(route);
    }
    const tokens = listFromEnvironment(env, verifyTokenVariable(route));
    const verifyTokens = tokens.length > 0 ? tokens : development.verifyToken === undefined ? [] : [development.verifyToken];
    const signedUrl = env[signedUrlVariable(route)]?.trim() || declaration.signedUrl;
    routes[route] = { ...declaration, secrets, verifyTokens, ...(signedUrl ? { signedUrl } : {}) };
  }
  return { routes, usingDevelopmentSecret };
}
