import fc from 'fast-check';
import { rawMemberText } from '../../../packages/subscriber/src/raw-json';

describe('Function: rawMemberText', () => {
  it('returns the exact text of the member, so a 64-bit integer keeps every digit', () => {
    // Prepare
    const envelope = '{"id":"tw_1","payload":{"tweet_id":820982911946154508,"text":"hi"},"type":"tweet"}';

    // Act
    const raw = rawMemberText(envelope, 'payload');

    // Assess
    expect(raw).toBe('{"tweet_id":820982911946154508,"text":"hi"}');
    expect((JSON.parse(envelope) as { payload: { tweet_id: number } }).payload.tweet_id).toBe(820982911946154500);
  });

  it.each([
    { case: 'a string with escaped quotes and braces', text: '{"payload":"a \\"}{[\\\\","x":1}', expected: '"a \\"}{[\\\\"' },
    { case: 'a nested array with strings holding brackets', text: '{"a":[1,"]"],"payload":[{"b":"}"},[]]}', expected: '[{"b":"}"},[]]' },
    { case: 'pretty-printed JSON', text: '{\n  "payload" :  {\n    "n": 1\n  }\n}', expected: '{\n    "n": 1\n  }' },
    { case: 'a scalar member', text: '{"payload": 1.5e3 , "z": null}', expected: '1.5e3' },
    { case: 'null', text: '{"payload":null}', expected: 'null' },
    { case: 'a duplicated key (the last wins, as in JSON.parse)', text: '{"payload":1,"payload":2}', expected: '2' },
    { case: 'an escaped key', text: '{"pay\\u006coad":true}', expected: 'true' },
  ])('$case', ({ text, expected }) => {
    expect(rawMemberText(text, 'payload')).toBe(expected);
  });

  it.each([
    { case: 'absent member', text: '{"id":"1"}' },
    { case: 'an empty object', text: '{}' },
    { case: 'not an object', text: '[{"payload":1}]' },
    { case: 'a nested member of that name only', text: '{"a":{"payload":1}}' },
  ])('$case → undefined', ({ text }) => {
    expect(rawMemberText(text, 'payload')).toBeUndefined();
  });

  it('agrees with JSON.parse for any JSON value, compact or indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.constantFrom(undefined, 2), (payload, other, indent) => {
        const text = JSON.stringify({ before: other, payload, after: other }, null, indent);
        expect(JSON.parse(rawMemberText(text, 'payload')!)).toEqual(JSON.parse(JSON.stringify(payload)));
      }),
      { numRuns: 300 },
    );
  });
});
