import { formatDelivery, parseSubscriberFilters, SubscriberSetupError } from '../../local/local-subscriber';

const PROVIDERS = ['stripe', 'github', 'shopify'];

describe('Function: parseSubscriberFilters', () => {
  it.each([
    { case: 'no filters: every provider, every type', filters: [], expected: { stripe: undefined, github: undefined, shopify: undefined } },
    { case: 'a provider alone: all its types', filters: ['github'], expected: { github: undefined } },
    {
      case: 'types of one provider collect into one subscription',
      filters: ['stripe:invoice.*', 'stripe:charge.refunded', 'github:push'],
      expected: { stripe: ['invoice.*', 'charge.refunded'], github: ['push'] },
    },
    { case: 'a star widens the provider to every type', filters: ['stripe:invoice.paid', 'stripe:*'], expected: { stripe: undefined } },
    { case: 'a star stays wide', filters: ['stripe', 'stripe:invoice.paid'], expected: { stripe: undefined } },
    { case: 'types may hold colons and slashes', filters: ['shopify:orders/paid'], expected: { shopify: ['orders/paid'] } },
  ])('$case', ({ filters, expected }) => {
    // Act
    const selections = parseSubscriberFilters(filters, PROVIDERS);

    // Assess
    expect(Object.fromEntries(Object.entries(selections).map(([provider, { eventTypes }]) => [provider, eventTypes]))).toEqual(expected);
  });

  it("keeps each provider's patterns with the filter policy its subscription gets", () => {
    expect(parseSubscriberFilters(['stripe:invoice.*', 'stripe:charge.refunded', 'github'], PROVIDERS)).toEqual({
      stripe: { eventTypes: ['invoice.*', 'charge.refunded'], filterPolicy: { eventType: [{ prefix: 'invoice.' }, 'charge.refunded'], replay: [{ exists: false }] } },
      github: { eventTypes: undefined, filterPolicy: { replay: [{ exists: false }] } },
    });
  });

  it.each([
    { case: 'an unknown provider', filter: 'paypal:*', message: /unknown provider "paypal"; providers: stripe, github, shopify/ },
    { case: 'an empty type', filter: 'stripe:', message: /type pattern after ":" is empty/ },
    { case: 'a pattern no filter policy can express', filter: 'stripe:customer.*.created', message: /exact types and prefixes/ },
  ])('refuses $case', ({ filter, message }) => {
    expect(() => parseSubscriberFilters([filter], PROVIDERS)).toThrow(SubscriberSetupError);
    expect(() => parseSubscriberFilters([filter], PROVIDERS)).toThrow(message);
  });
});

describe('Function: formatDelivery', () => {
  it.each([
    { case: 'handled', ok: true, receiveCount: 1, line: 'subscriber stripe invoice.paid event=evt_1 ok 3.2ms' },
    { case: 'failed, to be retried', ok: false, receiveCount: 2, line: 'subscriber stripe invoice.paid event=evt_1 FAILED receive 2/3, retried 3.2ms' },
    { case: 'failed for the last time', ok: false, receiveCount: 3, line: 'subscriber stripe invoice.paid event=evt_1 FAILED receive 3/3, next: dead-letter queue 3.2ms' },
  ])('$case', ({ ok, receiveCount, line }) => {
    expect(formatDelivery({ provider: 'stripe', type: 'invoice.paid', eventId: 'evt_1', ok, receiveCount, maxReceiveCount: 3, ms: 3.21 })).toBe(line);
  });
});
