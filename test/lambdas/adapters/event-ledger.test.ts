import { randomUUID } from 'node:crypto';
import { createAwsClients } from '../../../lambdas/adapters/aws-clients';
import { EventLedger, eventLedgerKey } from '../../../lambdas/adapters/event-ledger';
import { createIdempotencyTable } from '../../../local/local-resources';

describe('Function: eventLedgerKey', () => {
  type Keyed = { readonly route: string; readonly event: { readonly id: string; readonly contentKey?: string } };
  it.each<{ case: string; a: Keyed; b: Keyed; same: boolean }>([
    { case: 'the same id on the same route', a: { route: 'stripe', event: { id: 'evt_1' } }, b: { route: 'stripe', event: { id: 'evt_1' } }, same: true },
    { case: 'the same id on another route', a: { route: 'stripe', event: { id: 'evt_1' } }, b: { route: 'stripe-eu', event: { id: 'evt_1' } }, same: false },
    { case: 'another id on the same route', a: { route: 'stripe', event: { id: 'evt_1' } }, b: { route: 'stripe', event: { id: 'evt_2' } }, same: false },
    { case: 'the same content under other ids', a: { route: 'okta', event: { id: 'a', contentKey: 'c1' } }, b: { route: 'okta', event: { id: 'b', contentKey: 'c1' } }, same: true },
    { case: 'a content key equal to an id', a: { route: 'okta', event: { id: 'c1' } }, b: { route: 'okta', event: { id: 'x', contentKey: 'c1' } }, same: false },
    { case: 'a route and id that run together differently', a: { route: 'ab', event: { id: 'c' } }, b: { route: 'a', event: { id: 'bc' } }, same: false },
  ])('$case: same key is $same', ({ a, b, same }) => {
    // Act
    const [first, second] = [eventLedgerKey(a.route, a.event), eventLedgerKey(b.route, b.event)];

    // Assess
    expect(first === second).toEqual(same);
    expect(first).toMatch(/^event#[A-Za-z0-9_-]{43}$/);
  });
});

describe('Class: EventLedger', () => {
  const clients = createAwsClients();
  const tableName = `ledger-${randomUUID().slice(0, 8)}`;
  const ledger = new EventLedger({ dynamodb: clients.dynamodb, tableName, windowSeconds: 3600 });
  const enqueueNothing = async (): Promise<void> => undefined;

  beforeAll(async () => {
    await createIdempotencyTable(clients.dynamodb, tableName);
  });

  describe('Method: accept', () => {
    it('a repeat under another id (a content-keyed route) answers with the id first accepted', async () => {
      // Prepare
      const key = eventLedgerKey('okta', { id: 'first', contentKey: randomUUID() });
      await ledger.accept(key, 'first', Date.now() + 10_000, enqueueNothing);
      await ledger.publishBatchOnce([{ key, record: 'first', eventId: 'first', acceptedAt: Date.now() }], async () => ({ failed: [] }));

      // Act
      const repeat = await ledger.accept(key, 'second', Date.now() + 10_000, enqueueNothing);

      // Assess
      expect(repeat).toEqual({ eventId: 'first', replayed: true });
    });

    it('an event the processor recorded without an accepted item (a redrive) is replayed with the id the processor stored', async () => {
      // Prepare
      const key = eventLedgerKey('stripe', { id: `evt_${randomUUID()}` });
      const outcome = await ledger.publishBatchOnce([{ key, record: 'redriven', eventId: 'evt_redriven', acceptedAt: Date.now() }], async () => ({ failed: [] }));

      // Act
      const repeat = await ledger.accept(key, 'evt_sent_again', Date.now() + 10_000, enqueueNothing);

      // Assess
      expect(outcome.published).toEqual(['redriven']);
      expect(repeat).toEqual({ eventId: 'evt_redriven', replayed: true });
    });
  });
});
