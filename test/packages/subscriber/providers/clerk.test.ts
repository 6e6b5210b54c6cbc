import type { SessionWebhookEvent, UserDeletedJSON, UserJSON } from '@clerk/backend';
import { expectTypeOf } from 'expect-type';
import { createSubscriber } from '@hookrelay/subscriber';

/** Type-level: `npm test` compiles this file before jest runs it (see ../typing.test.ts). */
const subscriber = createSubscriber();

describe('Typing: clerk payloads are @clerk/backend’s WebhookEvent members', () => {
  it('user.created carries UserJSON and the one type; user.deleted carries UserDeletedJSON', () => {
    subscriber.on('clerk', 'user.created', (event) => {
      expectTypeOf(event.payload.type).toEqualTypeOf<'user.created'>();
      expectTypeOf(event.payload.data).toEqualTypeOf<UserJSON>();
      expectTypeOf(event.payload.timestamp).toEqualTypeOf<number>();
    });
    subscriber.on('clerk', 'user.deleted', (event) => {
      expectTypeOf(event.payload.data).toEqualTypeOf<UserDeletedJSON>();
    });
  });

  it('a glob narrows by checking event.type; an unknown type does not compile', () => {
    subscriber.on('clerk', 'session.*', (event) => {
      expectTypeOf(event.payload.data).toEqualTypeOf<SessionWebhookEvent['data']>();
      expectTypeOf<'session.created'>().toMatchTypeOf<typeof event.type>();
    });
    // @ts-expect-error -- Clerk sends no such type
    subscriber.on('clerk', 'user.exploded', () => undefined);
  });
});
