import { expectTypeOf } from 'expect-type';
import { createSubscriber, type JsonObject, type SentryErrorEvent, type SentryIssue } from '@hookrelay/subscriber';

/** Type-level: `npm test` compiles this file before jest runs it (see ../typing.test.ts). */
const subscriber = createSubscriber();

describe('Typing: sentry payloads by <resource>.<action>', () => {
  it('issue.* carries the issue, error.created the error event', () => {
    subscriber.on('sentry', 'issue.resolved', (event) => {
      expectTypeOf(event.payload.data.issue).toEqualTypeOf<SentryIssue>();
      expectTypeOf(event.payload.action).toEqualTypeOf<'resolved'>();
    });
    subscriber.on('sentry', 'issue.*', (event) => {
      // Open: a glob also admits resources and actions Sentry may add, typed loosely.
      expectTypeOf<{ readonly issue: SentryIssue }>().toMatchTypeOf<typeof event.payload.data>();
    });
    subscriber.on('sentry', 'error.created', (event) => {
      expectTypeOf(event.payload.data.error).toEqualTypeOf<SentryErrorEvent>();
    });
  });

  it('other resources arrive with JSON data', () => {
    subscriber.on('sentry', 'seer.root_cause_completed', (event) => {
      expectTypeOf(event.payload.data).toEqualTypeOf<JsonObject>();
    });
  });
});
