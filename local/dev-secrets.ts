import type { ProviderName } from '../lambdas/core/registry';

/**
 * Development signing secrets, used by the local gateway when `WEBHOOK_SECRET_<PROVIDER>` is not
 * set and printed at start so you can sign test requests. Never deploy these.
 */
export const DEVELOPMENT_SECRETS: Readonly<Record<ProviderName, string>> = {
  stripe: 'whsec_hookrelay_development_stripe_secret',
  github: 'hookrelay-development-github-secret',
  shopify: 'hookrelay-development-shopify-secret',
  slack: 'hookrelay-development-slack-signing-secret',
  twilio: 'hookrelay0development0twilio0tok',
  // SendGrid signs with a private key; the receiver holds the public key (base64 DER, SPKI).
  sendgrid:
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1bXU5/h9p9w2/iuHWzPh9X9Cbhq9hrvB3qKQg9GLjJDvneiryXRae78Ant/ZbaapCgxnDgD0i33x7Ry5FgfMEw==',
  standard: 'whsec_aG9va3JlbGF5LWRldmVsb3BtZW50LXN0YW5kYXJkLXdo',
  generic: 'hookrelay-development-generic-secret',
};

/**
 * The private half of the development SendGrid key, for signing local test events
 * (`npm run send -- sendgrid`). Development only: it protects nothing.
 */
export const DEVELOPMENT_SENDGRID_PRIVATE_KEY_PEM =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2ZnYyjdTX7M3mzVN\nC80yyWZQEUzgdM0eh39UwLg6ffahRANCAATVtdTn+H2n3Db+K4dbM+H1f0JuGr2G\nu8HeopCD0YuMkO+d6KvJdFp7vwCe39ltpqkKDGcOAPSLffHtHLkWB8wT\n-----END PRIVATE KEY-----\n';

/**
 * Secrets per provider from the environment: `WEBHOOK_SECRET_STRIPE=new,old` accepts either
 * (rotation), newest first; a provider without a variable gets its development secret.
 */
export function secretsFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  providers: readonly ProviderName[],
): { secrets: Record<string, string[]>; usingDevelopmentSecret: ProviderName[] } {
  const secrets: Record<string, string[]> = {};
  const usingDevelopmentSecret: ProviderName[] = [];
  for (const provider of providers) {
    const fromEnv = env[`WEBHOOK_SECRET_${provider.toUpperCase()}`];
    const list = (fromEnv ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length > 0) secrets[provider] = list;
    else {
      secrets[provider] = [DEVELOPMENT_SECRETS[provider]];
      usingDevelopmentSecret.push(provider);
    }
  }
  return { secrets, usingDevelopmentSecret };
}

/**
 * `WEBHOOK_SIGNED_URL_<ROUTE>`: the exact public URL a sender signs (Twilio), when requests reach
 * the local gateway through a tunnel or proxy whose URL differs from the one they arrive at.
 */
export function signedUrlsFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  routes: readonly string[],
): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const route of routes) {
    const url = env[`WEBHOOK_SIGNED_URL_${route.toUpperCase().replace(/-/g, '_')}`]?.trim();
    if (url) urls[route] = url;
  }
  return urls;
}
