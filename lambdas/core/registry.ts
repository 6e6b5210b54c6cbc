import type { WebhookProvider } from './provider';

/**
 * Every provider hookrelay understands, by name: one line each. A module is loaded on first use
 * (`require` inside a function: esbuild bundles each module as a lazily initialised part of the
 * verifier), so a cold start evaluates none of them and a request evaluates only its own provider.
 * A deployment's verifier bundle goes further and carries only its routes' providers: the stack's
 * bundling leaves every other module out (`handlerBuildOptions`, lib/bundling.ts), so their lines
 * here stay, unused, and this list stays the one list of providers everywhere.
 *
 * Adding a provider: its module in `providers/`, a line here, a test file in
 * `test/lambdas/core/providers/`. Configuration, the stack, the local gateway, `npm run send`,
 * the fuzz test, the bench and docs/providers.md are derived from the modules.
 */
const loaders = {
  stripe: () => (require('./providers/stripe') as typeof import('./providers/stripe')).stripe,
  github: () => (require('./providers/github') as typeof import('./providers/github')).github,
  shopify: () => (require('./providers/shopify') as typeof import('./providers/shopify')).shopify,
  slack: () => (require('./providers/slack') as typeof import('./providers/slack')).slack,
  twilio: () => (require('./providers/twilio') as typeof import('./providers/twilio')).twilio,
  sendgrid: () => (require('./providers/sendgrid') as typeof import('./providers/sendgrid')).sendgrid,
  standard: () => (require('./providers/standard') as typeof import('./providers/standard')).standard,
  meta: () => (require('./providers/meta') as typeof import('./providers/meta')).meta,
  clerk: () => (require('./providers/clerk') as typeof import('./providers/clerk')).clerk,
  resend: () => (require('./providers/resend') as typeof import('./providers/resend')).resend,
  gitlab: () => (require('./providers/gitlab') as typeof import('./providers/gitlab')).gitlab,
  pagerduty: () => (require('./providers/pagerduty') as typeof import('./providers/pagerduty')).pagerduty,
  typeform: () => (require('./providers/typeform') as typeof import('./providers/typeform')).typeform,
  sentry: () => (require('./providers/sentry') as typeof import('./providers/sentry')).sentry,
  discord: () => (require('./providers/discord') as typeof import('./providers/discord')).discord,
  zoom: () => (require('./providers/zoom') as typeof import('./providers/zoom')).zoom,
  twitch: () => (require('./providers/twitch') as typeof import('./providers/twitch')).twitch,
  adyen: () => (require('./providers/adyen') as typeof import('./providers/adyen')).adyen,
  mailgun: () => (require('./providers/mailgun') as typeof import('./providers/mailgun')).mailgun,
  okta: () => (require('./providers/okta') as typeof import('./providers/okta')).okta,
  generic: () => (require('./providers/generic') as typeof import('./providers/generic')).generic,
  paddle: () => (require('./providers/paddle') as typeof import('./providers/paddle')).paddle,
  linear: () => (require('./providers/linear') as typeof import('./providers/linear')).linear,
  square: () => (require('./providers/square') as typeof import('./providers/square')).square,
  hubspot: () => (require('./providers/hubspot') as typeof import('./providers/hubspot')).hubspot,
  workos: () => (require('./providers/workos') as typeof import('./providers/workos')).workos,
  razorpay: () => (require('./providers/razorpay') as typeof import('./providers/razorpay')).razorpay,
  box: () => (require('./providers/box') as typeof import('./providers/box')).box,
} satisfies Record<string, () => WebhookProvider<any>>;

export type ProviderName = keyof typeof loaders;

/** Every provider's name, in registry order. */
export const providerNames = Object.keys(loaders) as ProviderName[];

/** True when `name` is a registered provider's (loads no module). */
export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(loaders, name);
}

/** The module of `name`, or undefined for an unknown name (loads it on first use). */
export function findProvider(name: string): WebhookProvider<unknown> | undefined {
  return isProviderName(name) ? (loaders[name]() as WebhookProvider<unknown>) : undefined;
}

/** Every module, loaded: for tools, documentation and tests. */
export function allProviders(): Array<WebhookProvider<unknown>> {
  return providerNames.map((name) => findProvider(name)!);
}
