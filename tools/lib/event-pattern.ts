/**
 * Event-type patterns for `npm run tail -- --type <pattern>`: `*` matches any run of characters
 * (`invoice.*`, `*.succeeded`, `customer.*.updated`); without `*` the type must match exactly.
 */
export function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/**
 * The SNS subscription filter policy that lets through at least what the pattern matches (the tail
 * filters again locally, so a middle wildcard may be looser here). Undefined: no filter.
 */
export function patternToFilterPolicy(pattern: string | undefined): Record<string, unknown> | undefined {
  if (!pattern || pattern === '*') return undefined;
  const stars = pattern.split('*').length - 1;
  if (stars === 0) return { eventType: [pattern] };
  if (stars === 1 && pattern.endsWith('*')) return { eventType: [{ prefix: pattern.slice(0, -1) }] };
  if (stars === 1 && pattern.startsWith('*')) return { eventType: [{ suffix: pattern.slice(1) }] };
  const prefix = pattern.slice(0, pattern.indexOf('*'));
  return prefix ? { eventType: [{ prefix }] } : undefined;
}
