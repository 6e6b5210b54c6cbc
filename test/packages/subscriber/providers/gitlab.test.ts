import { expectTypeOf } from 'expect-type';
import { createSubscriber, type GitLabMergeRequestEvent, type GitLabPushEvent, type JsonObject } from '@hookrelay/subscriber';

/** Type-level: `npm test` compiles this file before jest runs it (see ../typing.test.ts). */
const subscriber = createSubscriber();

describe('Typing: gitlab payloads by object_kind', () => {
  it('push and merge_request carry their event shapes', () => {
    subscriber.on('gitlab', 'push', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<GitLabPushEvent>();
      expectTypeOf(event.payload.commits[0]!.author.email).toEqualTypeOf<string>();
    });
    subscriber.on('gitlab', 'merge_request', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<GitLabMergeRequestEvent>();
      expectTypeOf(event.payload.object_attributes.iid).toEqualTypeOf<number>();
    });
  });

  it('other kinds (system hooks, custom templates) arrive as JSON objects', () => {
    subscriber.on('gitlab', 'project_create', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<JsonObject>();
    });
  });
});
