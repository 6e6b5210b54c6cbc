import { subscriptionFilterPolicy } from '../../../packages/subscriber/src/filter-policy';

describe('Function: subscriptionFilterPolicy', () => {
  it.each([
    { case: 'nothing given: only replays are kept out', options: {}, policy: { replay: [{ exists: false }] } },
    { case: 'replays included, every type', options: { includeReplays: true }, policy: undefined },
    { case: 'a star receives every type', options: { eventTypes: ['invoice.paid', '*'], includeReplays: true }, policy: undefined },
    {
      case: 'exact types and prefixes',
      options: { eventTypes: ['invoice.paid', 'customer.subscription.*'] },
      policy: { eventType: ['invoice.paid', { prefix: 'customer.subscription.' }], replay: [{ exists: false }] },
    },
    {
      case: 'sources: the source attribute, or the provider when a message has none',
      options: { sources: ['stripe-eu', 'stripe'], includeReplays: true },
      policy: { $or: [{ source: ['stripe-eu', 'stripe'] }, { source: [{ exists: false }], provider: ['stripe-eu', 'stripe'] }] },
    },
  ])('$case', ({ options, policy }) => {
    expect(subscriptionFilterPolicy(options)).toEqual(policy);
  });

  it.each([
    { case: 'a star in the middle', options: { eventTypes: ['customer.*.created'] }, message: /exact types and prefixes/ },
    { case: 'a leading star', options: { eventTypes: ['*.paid'] }, message: /exact types and prefixes/ },
    { case: 'an empty type list', options: { eventTypes: [] }, message: /leave it out/ },
    { case: 'an empty source list', options: { sources: [] }, message: /leave it out/ },
    { case: 'a glob as a source', options: { sources: ['stripe-*'] }, message: /not a source name/ },
  ])('refuses $case', ({ options, message }) => {
    expect(() => subscriptionFilterPolicy(options)).toThrow(message);
  });
});
