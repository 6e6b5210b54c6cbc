import type { HookrelayConfigInput, Stage } from './schema';

/**
 * The configuration of each stage: the place to declare routes (each a named instance of a
 * provider, with its options and limits) and tune the rest. Anything left out takes the default
 * documented in `./schema.ts` and in `docs/configuration.md` — without `routes`, one route per
 * registered provider; `-c stage=dev|prod` picks the entry.
 *
 * Example:
 *   prod: {
 *     routes: {
 *       stripe: { throttling: { rateLimit: 200, burstLimit: 400 } },
 *       'stripe-eu': { provider: 'stripe' },
 *       github: {},
 *     },
 *     alarms: { email: 'oncall@example.com' },
 *     waf: { enabled: true },
 *   }
 *
 * Every provider plus a few routes of your own: `routes: { ...everyProviderRoutes(), 'partner-a': {…} }`.
 * The cheaper HTTP API instead of the REST API (no WAF; allowlists enforced by the verifier):
 * `api: { type: 'http' }` (README, "Ingress: REST API or HTTP API").
 */
export const stageConfigs: Readonly<Record<Stage, HookrelayConfigInput>> = {
  dev: {},
  prod: {},
};
