import { expectTypeOf } from 'expect-type';
import { createSubscriber, type JsonObject, type SquarePayment, type SquareWebhookEvent } from '@hookrelay/subscriber';

// Compile-time assertions (`npm test` type-checks this file before jest runs it).
const subscriber = createSubscriber();

describe('Typing: square payloads', () => {
  it('types events by type, the object under its type name, and keeps the others open', () => {
    subscriber.on('square', 'payment.updated', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<SquareWebhookEvent<'payment.updated', 'payment', SquarePayment>>();
      expectTypeOf(event.payload.data.object.payment.amount_money.amount).toEqualTypeOf<number>();
    });
    subscriber.on('square', 'invoice.paid', (event) => expectTypeOf(event.payload).toEqualTypeOf<SquareWebhookEvent<string, string, JsonObject>>());
  });
});
