import type { WebhookProvider } from './provider';
import { generic } from './providers/generic';
import { github } from './providers/github';
import { sendgrid } from './providers/sendgrid';
import { shopify } from './providers/shopify';
import { slack } from './providers/slack';
import { standard } from './providers/standard';
import { stripe } from './providers/stripe';
import { twilio } from './providers/twilio';

/**
 * Every provider hookrelay can verify. Adding one: a module in `providers/`, a line here,
 * an entry in the stack configuration, a test file in `test/lambdas/core/providers/`.
 */
export const providers = {
  stripe,
  github,
  shopify,
  slack,
  twilio,
  sendgrid,
  standard,
  generic,
} satisfies Record<string, WebhookProvider<any>>;

export type ProviderName = keyof typeof providers;

export const providerNames = Object.keys(providers) as ProviderName[];

export function findProvider(name: string): WebhookProvider<unknown> | undefined {
  return Object.hasOwn(providers, name) ? (providers[name as ProviderName] as WebhookProvider<unknown>) : undefined;
}
