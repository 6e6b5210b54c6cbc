/**
 * The SNS subscription filter policy of `npm run tail -- --type <pattern>`: it lets through at least
 * what the pattern matches (`compileTypePattern`, which the tail applies again to what arrives), so
 * a middle wildcard may be looser here. Undefined: no filter.
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
