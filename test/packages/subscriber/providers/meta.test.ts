import { expectTypeOf } from 'expect-type';
import { createSubscriber, type JsonValue, type MetaChangeEvent, type MetaPageFeedValue, type WhatsAppMessagesValue } from '@hookrelay/subscriber';

/** Type-level: `npm test` compiles this file before jest runs it (see ../typing.test.ts). */
const subscriber = createSubscriber();

describe('Typing: meta payloads are one change each, typed by <object>.<field>', () => {
  it('page.feed and whatsapp_business_account.messages carry their change values', () => {
    subscriber.on('meta', 'page.feed', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<MetaChangeEvent<'page', 'feed', MetaPageFeedValue>>();
      expectTypeOf(event.payload.entry.time).toEqualTypeOf<number | undefined>();
    });
    subscriber.on('meta', 'whatsapp_business_account.messages', (event) => {
      expectTypeOf(event.payload.change.value).toEqualTypeOf<WhatsAppMessagesValue>();
    });
  });

  it('any other <object>.<field> is accepted, its value typed as JSON', () => {
    subscriber.on('meta', 'user.photos', (event) => {
      expectTypeOf(event.payload.change.value).toEqualTypeOf<JsonValue>();
    });
  });
});
