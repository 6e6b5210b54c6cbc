import { stringifyForWire } from '../../../lambdas/core/wire-json';

describe('Function: stringifyForWire', () => {
  it.each([
    { case: 'emoji (astral plane)', value: { text: 'ship it 🚀' } },
    { case: 'U+FFFE and U+FFFF', value: { text: 'a\uFFFEb\uFFFF' } },
    { case: 'a lone surrogate', value: { text: 'x\uD83Dy' } },
    { case: 'BMP accents and CJK', value: { text: 'naïve café 東京' } },
    { case: 'CRLF and tabs', value: { text: 'a\r\n\tb' } },
  ])('keeps the JSON value of $case and emits only SQS-safe characters', ({ value }) => {
    // Act
    const wire = stringifyForWire(value);

    // Assess
    expect(JSON.parse(wire)).toEqual(value);
    expect(wire).not.toMatch(/[\uD800-\uDFFF\uFFFE\uFFFF]/);
  });
});
