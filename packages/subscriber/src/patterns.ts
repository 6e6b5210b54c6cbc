import { InvalidPatternError } from './errors';

/**
 * Event-type patterns, the same everywhere a subscriber names types (handlers, the CDK construct,
 * `npm start -- --subscriber-filter`): a pattern without `*` matches that type exactly; `*` matches
 * any run of characters, including none and including dots (`invoice.*`, `*.succeeded`, `*`).
 */
export type TypeMatcher = (type: string) => boolean;

export function compileTypePattern(pattern: string): TypeMatcher {
  if (pattern === '') throw new InvalidPatternError('An event-type pattern cannot be empty');
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (type) => type === pattern;
  const prefix = pattern.slice(0, -1);
  if (pattern.indexOf('*') === pattern.length - 1) return (type) => type.startsWith(prefix);
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's');
  return (type) => regex.test(type);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
