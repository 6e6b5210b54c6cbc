import { expectTypeOf } from 'expect-type';
import { createSubscriber, type JsonObject, type WorkOSDirectoryUser, type WorkOSUser, type WorkOSWebhookEvent } from '@hookrelay/subscriber';

// Compile-time assertions (`npm test` type-checks this file before jest runs it).
const subscriber = createSubscriber();

describe('Typing: workos payloads', () => {
  it('types events by event, in the wire format (snake_case), and keeps the others open', () => {
    subscriber.on('workos', 'user.created', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<WorkOSWebhookEvent<'user.created', WorkOSUser>>();
      expectTypeOf(event.payload.data.email_verified).toEqualTypeOf<boolean>();
    });
    subscriber.on('workos', 'dsync.user.*', (event) => {
      // A glob of an open provider also matches types the map does not name: the union holds both.
      expectTypeOf<WorkOSWebhookEvent<'dsync.user.deleted', WorkOSDirectoryUser>>().toMatchTypeOf<typeof event.payload>();
    });
    subscriber.on('workos', 'connection.activated', (event) => expectTypeOf(event.payload).toEqualTypeOf<WorkOSWebhookEvent<string, JsonObject>>());
  });
});
