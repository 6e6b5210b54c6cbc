import fc from 'fast-check';
import { arrayElementTexts, objectMemberSpans, rootSpan, spanAt, textOf } from '../../../lambdas/core/raw-json';

describe('Module: raw-json', () => {
  describe('Function: arrayElementTexts', () => {
    it.each([
      { case: 'an empty array', text: ' [ ] ', elements: [] },
      { case: 'scalars with spacing', text: '[1 , "a",true,null ,-2.5e+3]', elements: ['1', '"a"', 'true', 'null', '-2.5e+3'] },
      { case: 'brackets and escaped quotes inside strings', text: '["]", "\\"[", {"a":"}"}]', elements: ['"]"', '"\\"["', '{"a":"}"}'] },
      { case: 'nested arrays and objects', text: '[[1,[2]],{"a":[{"b":{}}]}]', elements: ['[1,[2]]', '{"a":[{"b":{}}]}'] },
      { case: 'CRLF whitespace and a digit string JSON.parse would round', text: '[\r\n {"n": 820982911946154508}\r\n]\r\n', elements: ['{"n": 820982911946154508}'] },
    ])('returns each element of $case exactly as written', ({ text, elements }) => {
      expect(arrayElementTexts(text)).toEqual(elements);
    });

    it('ends a string only at a quote preceded by an even run of backslashes', () => {
      // Prepare: strings ending in one and two backslashes, and an escaped quote after a backslash.
      const values = ['a\\', 'b\\\\', 'c\\"d', '\\', '"'];
      const text = JSON.stringify([...values, { k: values }]);

      // Act & Assess
      expect(arrayElementTexts(text)).toEqual([...values, { k: values }].map((value) => JSON.stringify(value)));
    });

    it('returns elements that parse to the elements JSON.parse sees, for any JSON array', () => {
      fc.assert(
        fc.property(fc.array(fc.jsonValue()), fc.constantFrom(undefined, 1, '\t'), (values, space) => {
          const text = JSON.stringify(values, null, space);
          expect(arrayElementTexts(text).map((element) => JSON.parse(element) as unknown)).toEqual(JSON.parse(text));
        }),
        { numRuns: 200 },
      );
    });

    it('handles 10,000 levels of nesting without a stack overflow', () => {
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      expect(arrayElementTexts(`[${deep}, 1]`)).toEqual([deep, '1']);
    });
  });

  describe('Function: spanAt', () => {
    const text = '{ "object": "page", "entry": [ { "id": "1", "changes": [ {"field":"feed","value":{"v":1.10}} ] } ], "object": "again" }';

    it.each([
      { case: 'a nested array element by index', path: ['entry', 0, 'changes', 0, 'value'], value: '{"v":1.10}' },
      { case: 'a repeated key (the last wins, as in JSON.parse)', path: ['object'], value: '"again"' },
      { case: 'a missing key', path: ['nope'], value: undefined },
      { case: 'an index past the end', path: ['entry', 3], value: undefined },
      { case: 'a key inside a string value', path: ['object', 'x'], value: undefined },
    ])('finds $case', ({ path, value }) => {
      const span = spanAt(text, path);
      expect(span === undefined ? undefined : textOf(text, span)).toEqual(value);
    });

    it('lists an object\'s members by decoded key', () => {
      const members = objectMemberSpans('{"a\\u0062":1,"c":[2]}', rootSpan('{"a\\u0062":1,"c":[2]}'));
      expect([...members.keys()]).toEqual(['ab', 'c']);
    });
  });
});
