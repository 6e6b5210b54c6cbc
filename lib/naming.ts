/** `generic-hmac` → `GenericHmac`: construct ids and output keys derived from provider names. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Stack output key of one provider's resource, e.g. `StripeWebhookUrl`. The operator tools read
 * outputs by these keys (`tools/lib/stack-outputs.ts`); a test keeps the two in step.
 */
export function providerOutputKey(provider: string, thing: string): string {
  return `${pascalCase(provider)}${thing}`;
}
