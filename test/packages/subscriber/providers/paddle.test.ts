import { expectTypeOf } from 'expect-type';
import { createSubscriber, type JsonObject, type PaddleCustomer, type PaddleNotification, type PaddleTransaction } from '@hookrelay/subscriber';

// Compile-time assertions (`npm test` type-checks this file before jest runs it).
const subscriber = createSubscriber();

describe('Typing: paddle payloads', () => {
  it('types notifications by event_type and keeps unknown ones open', () => {
    subscriber.on('paddle', 'transaction.completed', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<PaddleNotification<'transaction.completed', PaddleTransaction>>();
      expectTypeOf(event.payload.data.details.totals.grand_total).toEqualTypeOf<string>();
    });
    subscriber.on('paddle', 'customer.*', (event) => {
      // A glob of an open provider also matches types the map does not name: the union holds both.
      expectTypeOf<PaddleNotification<'customer.updated', PaddleCustomer>>().toMatchTypeOf<typeof event.payload>();
    });
    subscriber.on('paddle', 'payout.paid', (event) => expectTypeOf(event.payload).toEqualTypeOf<PaddleNotification<string, JsonObject>>());
    subscriber.on('paddle', 'subscription.canceled', (event) => {
      // @ts-expect-error -- amounts are strings of the lowest denomination
      expectTypeOf(event.payload.data.items[0]!.price.unit_price.amount).toEqualTypeOf<number>();
    });
  });
});
