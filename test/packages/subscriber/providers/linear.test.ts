import { expectTypeOf } from 'expect-type';
import { createSubscriber, type LinearCommentData, type LinearIssueData, type LinearOtherEvent, type LinearWebhookPayload } from '@hookrelay/subscriber';

// Compile-time assertions (`npm test` type-checks this file before jest runs it).
const subscriber = createSubscriber();

describe('Typing: linear payloads', () => {
  it('types entity webhooks by <type>.<action> and keeps the others open', () => {
    subscriber.on('linear', 'Issue.update', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<LinearWebhookPayload<'Issue', 'update', LinearIssueData>>();
      expectTypeOf(event.payload.webhookTimestamp).toEqualTypeOf<number>();
    });
    subscriber.on('linear', 'Comment.*', (event) => {
      // A glob of an open provider also matches types the map does not name: the union holds both.
      expectTypeOf<LinearWebhookPayload<'Comment', 'create', LinearCommentData>>().toMatchTypeOf<typeof event.payload>();
    });
    subscriber.on('linear', 'OAuthApp.revoked', (event) => expectTypeOf(event.payload).toEqualTypeOf<LinearOtherEvent>());
  });
});
