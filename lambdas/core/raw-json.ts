/**
 * The text of values inside a JSON document, as it was written: key order, number digits, escapes
 * and whitespace untouched. Subscribers receive the JSON the sender signed, not a re-serialisation
 * (`JSON.stringify(JSON.parse(text))` rounds `820982911946154508` to `820982911946154500` and turns
 * `0.30000000000000000001` into `0.3`); a batch item or a nested object is cut out of the body.
 *
 * Every function here expects text that `JSON.parse` has already accepted: it only locates values,
 * it does not validate them. The scanner is iterative, so nesting depth costs no stack.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Half-open range `[start, end)` of one value in the document. */
export interface JsonSpan {
  readonly start: number;
  readonly end: number;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipWhitespace(text: string, index: number): number {
  while (index < text.length && isWhitespace(text.charCodeAt(index))) index++;
  return index;
}

/**
 * Index just past the string starting at `index` (which is its opening quote). Jumps from quote to
 * quote with `indexOf` (most of a JSON document is string content); a quote is the closing one when
 * an even number of backslashes precedes it.
 */
function skipString(text: string, index: number): number {
  let from = index + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the value starting at `index` (no leading whitespace). */
function skipValue(text: string, index: number): number {
  const first = text.charCodeAt(index);
  if (first === QUOTE) return skipString(text, index);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let i = index; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) i = skipString(text, i) - 1;
      else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  let i = index;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isWhitespace(code)) break;
    i++;
  }
  return i;
}

/** The span of the whole document's value, without surrounding whitespace. */
export function rootSpan(text: string): JsonSpan {
  const start = skipWhitespace(text, 0);
  return { start, end: skipValue(text, start) };
}

/** Spans of the elements of the array at `span`; empty when `span` is not an array. */
export function arrayElementSpans(text: string, span: JsonSpan = rootSpan(text)): JsonSpan[] {
  if (text.charCodeAt(span.start) !== OPEN_BRACKET) return [];
  const elements: JsonSpan[] = [];
  let i = skipWhitespace(text, span.start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return elements;
  for (;;) {
    const end = skipValue(text, i);
    elements.push({ start: i, end });
    i = skipWhitespace(text, end);
    if (text.charCodeAt(i) !== COMMA) return elements;
    i = skipWhitespace(text, i + 1);
  }
}

/**
 * Spans of the member values of the object at `span`, by key. A repeated key keeps its last value,
 * as `JSON.parse` does. Empty when `span` is not an object.
 */
export function objectMemberSpans(text: string, span: JsonSpan = rootSpan(text)): Map<string, JsonSpan> {
  const members = new Map<string, JsonSpan>();
  if (text.charCodeAt(span.start) !== OPEN_BRACE) return members;
  let i = skipWhitespace(text, span.start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return members;
  for (;;) {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return members;
    const start = skipWhitespace(text, i + 1);
    const end = skipValue(text, start);
    members.set(key, { start, end });
    i = skipWhitespace(text, end);
    if (text.charCodeAt(i) !== COMMA) return members;
    i = skipWhitespace(text, i + 1);
  }
}

/**
 * The span of the value at `path` (object keys and array indexes) below `span`, or undefined when
 * the path does not exist.
 */
export function spanAt(text: string, path: ReadonlyArray<string | number>, span: JsonSpan = rootSpan(text)): JsonSpan | undefined {
  let current: JsonSpan | undefined = span;
  for (const step of path) {
    if (current === undefined) return undefined;
    current = typeof step === 'number' ? arrayElementSpans(text, current)[step] : objectMemberSpans(text, current).get(step);
  }
  return current;
}

export function textOf(text: string, span: JsonSpan): string {
  return text.slice(span.start, span.end);
}

/** The element texts of a JSON array document, each exactly as written. */
export function arrayElementTexts(text: string): string[] {
  return arrayElementSpans(text).map((span) => textOf(text, span));
}
