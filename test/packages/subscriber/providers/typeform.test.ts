import { expectTypeOf } from 'expect-type';
import { createSubscriber, type TypeformAnswer, type TypeformWebhook } from '@hookrelay/subscriber';

/** Type-level: `npm test` compiles this file before jest runs it (see ../typing.test.ts). */
const subscriber = createSubscriber();

describe('Typing: typeform payloads by event_type', () => {
  it('form_response carries the response; answers narrow by type', () => {
    subscriber.on('typeform', 'form_response', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<TypeformWebhook<'form_response'>>();
      const answer = event.payload.form_response.answers[0]!;
      expectTypeOf(answer).toEqualTypeOf<TypeformAnswer>();
      if (answer.type === 'email') expectTypeOf(answer.email).toEqualTypeOf<string>();
    });
  });

  it('an unknown type does not compile (the set is closed)', () => {
    // @ts-expect-error -- Typeform sends no such type
    subscriber.on('typeform', 'form_deleted', () => undefined);
  });
});
