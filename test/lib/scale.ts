import { providerNames } from '../../lambdas/core/registry';
import { loadConfig } from '../../lib/config/load-config';
import type { HookrelayConfig, RouteConfig } from '../../lib/config/schema';
import { WebhookStack } from '../../lib/webhook-stack';
import { testApp } from './synth';

/**
 * Deployments larger than the registry, for the limit checks (`aws-limits.test.ts`) and the figures
 * `docs/configuration.md` quotes (`stack-counts.ts`).
 */

/** 40 provider names as long as real senders' names (and some longer): the registry's, then more. */
export const PROVIDER_NAMES = [
  ...providerNames,
  ...['paddle', 'discord', 'linear', 'hubspot', 'square', 'workos', 'clerk', 'resend', 'adyen', 'razorpay', 'box', 'mailgun', 'postmark', 'intercom']
    .concat(['zendesk', 'pagerduty', 'bitbucket', 'gitlab', 'docusign', 'calendly', 'typeform', 'mollie', 'coinbase', 'plaid', 'okta', 'auth0'])
    .concat(['segment', 'sentry', 'vercel', 'netlify', 'jira', 'asana', 'notion', 'airtable', 'dropbox', 'figma'])
    .filter((name) => !(providerNames as readonly string[]).includes(name)),
].slice(0, 40);

/**
 * The dev configuration with `count` providers, one route each named after it, with the settings of
 * a busy deployment where asked. Built past the schema, which knows only the providers in the
 * registry: the stack loops over whatever routes and providers it is given, so 28 and 40 providers
 * can be measured before their modules exist (their routes answer POST: the stack is told so).
 */
export function configWithProviders(count: number, settings: (name: string, index: number) => Partial<RouteConfig> = () => ({})): HookrelayConfig {
  const base = loadConfig('dev', {});
  const template = base.routes[0]!;
  const names = PROVIDER_NAMES.slice(0, count);
  const routes = names.map((name, index) => ({ ...template, name, provider: name, ...settings(name, index) }) as RouteConfig);
  return { ...base, routes, providers: names };
}

export const postOnly = () => ['POST'] as const;

/** A configuration's stack in an app of its own (bundling off), every route answering POST. */
export const stackWith = (config: HookrelayConfig) => new WebhookStack(testApp(), config.stackName, { config, providerMethods: postOnly });

/** A quarter of the routes with a tolerance, a body limit, an existing secret and a signed URL. */
export const busyRoute = (name: string, index: number): Partial<RouteConfig> =>
  index % 4 === 0
    ? {
        toleranceSeconds: 600,
        maxBodyBytes: 2_097_152,
        secret: { arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhooks/${name}-AbCdEf` },
        signedUrl: `https://hooks.example.com/webhooks/${name}?account=AC0123456789abcdef`,
      }
    : {};

/** Stripe's 12 webhook addresses and GitHub's 6 hook ranges, as their docs publish them, as `allowedSourceCidrs`. */
export const PUBLISHED_ALLOWLISTS: Readonly<Record<string, readonly string[]>> = {
  stripe: ['3.18.12.63', '3.130.192.231', '13.235.14.237', '13.235.122.149', '18.211.135.69', '35.154.171.200', '52.15.183.38', '54.88.130.119', '54.88.130.237', '54.187.174.169', '54.187.205.235', '54.187.216.72'].map(
    (address) => `${address}/32`,
  ),
  github: ['192.30.252.0/22', '185.199.108.0/22', '140.82.112.0/20', '143.55.64.0/20', '2a0a:a440::/29', '2606:50c0::/32'],
};

/** 28 routes, Stripe's and GitHub's with their published allowlists. */
export const withPublishedAllowlists = () => configWithProviders(28, (name) => ({ allowedSourceCidrs: [...(PUBLISHED_ALLOWLISTS[name] ?? [])] }));
