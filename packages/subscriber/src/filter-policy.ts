import { InvalidPatternError } from './errors';

/**
 * The SNS subscription filter policy of a subscriber, built in one place for the CDK construct and
 * for the local gateway's `--subscriber-filter`, so both deliver exactly the same messages.
 * It filters on the message attributes hookrelay publishes: `eventType`, `source` (the route name;
 * absent on envelopes published before routes had names, where it equals `provider`) and `replay`
 * (present only on messages re-published from the archive).
 */
export interface SubscriptionFilterOptions {
  /**
   * Event types to receive: an exact type (`invoice.paid`) or a prefix ending in `*`
   * (`customer.subscription.*`). `*` alone, or no list, receives every type.
   * @default every type
   */
  readonly eventTypes?: readonly string[];
  /** Sources (route names) to receive, e.g. `['stripe-eu']`. @default every source */
  readonly sources?: readonly string[];
  /** Also receive messages re-published from the archive (attribute `replay`). @default false */
  readonly includeReplays?: boolean;
}

export type FilterPolicy = Record<string, unknown>;

/**
 * The message attribute of a message re-published from the archive (`npm run replay`); its value is
 * the replay's id. hookrelay's own publishes never carry it.
 */
export const REPLAY_ATTRIBUTE = 'replay';

/** The filter-policy condition on REPLAY_ATTRIBUTE that keeps replays out: the attribute is absent. */
export const REPLAY_EXCLUSION: readonly [{ readonly exists: false }] = Object.freeze([Object.freeze({ exists: false as const })]);

/** Undefined when nothing is filtered (every type, every source, replays included). */
export function subscriptionFilterPolicy(options: SubscriptionFilterOptions = {}): FilterPolicy | undefined {
  const policy: FilterPolicy = {};
  const eventTypes = eventTypeConditions(options.eventTypes);
  if (eventTypes) policy['eventType'] = eventTypes;
  if (!(options.includeReplays ?? false)) policy[REPLAY_ATTRIBUTE] = REPLAY_EXCLUSION;
  if (options.sources !== undefined) {
    if (options.sources.length === 0) throw new InvalidPatternError('sources cannot be an empty list: leave it out to receive every source');
    for (const source of options.sources) {
      if (source === '' || source.includes('*')) throw new InvalidPatternError(`"${source}" is not a source name`);
    }
    // A message without a `source` attribute comes from a route named after its provider.
    policy['$or'] = [{ source: [...options.sources] }, { source: [{ exists: false }], provider: [...options.sources] }];
  }
  return Object.keys(policy).length === 0 ? undefined : policy;
}

function eventTypeConditions(patterns: readonly string[] | undefined): unknown[] | undefined {
  if (patterns === undefined || patterns.includes('*')) return undefined;
  if (patterns.length === 0) throw new InvalidPatternError('eventTypes cannot be an empty list: leave it out to receive every type');
  return patterns.map((pattern) => {
    const star = pattern.indexOf('*');
    if (pattern === '') throw new InvalidPatternError('An event-type pattern cannot be empty');
    if (star === -1) return pattern;
    if (star === pattern.length - 1) return { prefix: pattern.slice(0, -1) };
    throw new InvalidPatternError(
      `"${pattern}": a subscription filters on exact types and prefixes ("invoice.*"); match other shapes in the handler`,
    );
  });
}
