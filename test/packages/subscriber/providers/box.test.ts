import { expectTypeOf } from 'expect-type';
import { createSubscriber, type BoxFile, type BoxFolder, type BoxWebhookEvent, type JsonObject } from '@hookrelay/subscriber';

// Compile-time assertions (`npm test` type-checks this file before jest runs it).
const subscriber = createSubscriber();

describe('Typing: box payloads', () => {
  it('types events by trigger with their source, and keeps the others open', () => {
    subscriber.on('box', 'FILE.UPLOADED', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<BoxWebhookEvent<'FILE.UPLOADED', BoxFile>>();
      expectTypeOf(event.payload.source.sha1).toEqualTypeOf<string>();
    });
    subscriber.on('box', 'FOLDER.*', (event) => {
      // A glob of an open provider also matches triggers the map does not name: the union holds both.
      expectTypeOf<BoxWebhookEvent<'FOLDER.CREATED', BoxFolder>>().toMatchTypeOf<typeof event.payload>();
    });
    subscriber.on('box', 'SHARED_LINK.CREATED', (event) => expectTypeOf(event.payload).toEqualTypeOf<BoxWebhookEvent<string, JsonObject>>());
  });
});
