import { expectTypeOf } from 'expect-type';
import { createSubscriber, type JsonObject, type RazorpayOrder, type RazorpayPayment, type RazorpayWebhookEvent } from '@hookrelay/subscriber';

// Compile-time assertions (`npm test` type-checks this file before jest runs it).
const subscriber = createSubscriber();

describe('Typing: razorpay payloads', () => {
  it('types events by event, each entity under payload.<name>.entity, and keeps the others open', () => {
    subscriber.on('razorpay', 'payment.captured', (event) => expectTypeOf(event.payload.payload.payment.entity).toEqualTypeOf<RazorpayPayment>());
    subscriber.on('razorpay', 'order.paid', (event) => expectTypeOf(event.payload.payload.order.entity).toEqualTypeOf<RazorpayOrder>());
    subscriber.on('razorpay', 'subscription.charged', (event) => expectTypeOf(event.payload).toEqualTypeOf<RazorpayWebhookEvent<string, JsonObject>>());
  });
});
