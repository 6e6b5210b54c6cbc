import { expectTypeOf } from 'expect-type';
import { createSubscriber, type HubSpotPropertyChangeEvent, type HubSpotWebhookEventBase } from '@hookrelay/subscriber';

// Compile-time assertions (`npm test` type-checks this file before jest runs it).
const subscriber = createSubscriber();

describe('Typing: hubspot payloads', () => {
  it('types each batch item by subscriptionType and keeps the others open', () => {
    subscriber.on('hubspot', 'contact.propertyChange', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<HubSpotPropertyChangeEvent<'contact.propertyChange'>>();
      expectTypeOf(event.payload.propertyValue).toEqualTypeOf<string>();
    });
    subscriber.on('hubspot', 'deal.*', (event) => expectTypeOf(event.payload.portalId).toEqualTypeOf<number>());
    subscriber.on('hubspot', 'conversation.creation', (event) => expectTypeOf(event.payload).toEqualTypeOf<HubSpotWebhookEventBase<string>>());
  });
});
