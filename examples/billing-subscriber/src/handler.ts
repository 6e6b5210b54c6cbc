/**
 * The billing subscriber's Lambda entry point. Deployed by `cdk/billing-subscriber-stack.ts`; run
 * locally with `npm start -- --subscriber examples/billing-subscriber/src/handler.ts`.
 */
import { createSubscriber } from '@hookrelay/subscriber';
import { bookInvoicePayment, meterPush } from './billing';

const tableName = process.env['IDEMPOTENCY_TABLE_NAME'];
if (!tableName) throw new Error('IDEMPOTENCY_TABLE_NAME is not set');

const subscriber = createSubscriber({
  // SNS delivers at least once: remember handled events for 7 days (the stack creates the table).
  idempotency: { tableName },
});

subscriber
  .on('stripe', 'invoice.paid', (event) => {
    // event.payload is Stripe.InvoicePaidEvent; a claim-checked one was already read from S3.
    const booking = bookInvoicePayment(event.payload.data.object);
    // Replace this line with the ledger write; a throw retries the event, then parks it in the DLQ.
    console.log(JSON.stringify({ message: 'Invoice payment booked', eventId: event.id, ...booking }));
  })
  .on('github', 'push', (event) => {
    const usage = meterPush(event.payload);
    console.log(JSON.stringify({ message: 'Push metered', eventId: event.id, ...usage }));
  });

export const handler = subscriber.handler;
