import { expectTypeOf } from 'expect-type';
import type { EmailBouncedEvent, EmailClickedEvent, EmailOpenedEvent } from 'resend';
import { createSubscriber } from '@hookrelay/subscriber';

/** Type-level: `npm test` compiles this file before jest runs it (see ../typing.test.ts). */
const subscriber = createSubscriber();

describe('Typing: resend payloads are the resend package’s WebhookEventPayload members', () => {
  it('email.bounced is EmailBouncedEvent, with its bounce details', () => {
    subscriber.on('resend', 'email.bounced', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<EmailBouncedEvent>();
      expectTypeOf(event.payload.data.bounce.type).toEqualTypeOf<string>();
    });
  });

  it('a glob gives the union; an unknown type does not compile', () => {
    subscriber.on('resend', 'email.*', (event) => {
      if (event.type === 'email.clicked') expectTypeOf(event.payload).toEqualTypeOf<EmailClickedEvent>();
      expectTypeOf<EmailOpenedEvent>().toMatchTypeOf<typeof event.payload>();
    });
    // @ts-expect-error -- Resend sends no such type
    subscriber.on('resend', 'email.teleported', () => undefined);
  });
});
