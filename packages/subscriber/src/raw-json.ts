/**
 * The exact text of one member of a JSON object, without parsing it: the envelope carries the
 * provider's payload as the JSON text the provider signed, and `JSON.parse` loses what a
 * JavaScript number cannot hold (Twitter-style 64-bit ids such as 820982911946154508 come back as
 * 820982911946154500). Reading the member's text back lets a handler parse it with its own rules.
 *
 * `text` must be valid JSON (the caller has parsed it already); the scan is linear and allocates
 * only the result. Like `JSON.parse`, the last occurrence of a duplicated key wins.
 */
export function rawMemberText(text: string, member: string): string | undefined {
  let index = skipWhitespace(text, 0);
  if (text[index] !== '{') return undefined;
  index = skipWhitespace(text, index + 1);
  if (text[index] === '}') return undefined;
  let found: string | undefined;
  for (;;) {
    const keyEnd = skipString(text, index);
    const key = JSON.parse(text.slice(index, keyEnd)) as string;
    index = skipWhitespace(text, keyEnd);
    if (text[index] !== ':') return undefined;
    const valueStart = skipWhitespace(text, index + 1);
    const valueEnd = skipValue(text, valueStart);
    if (key === member) found = text.slice(valueStart, valueEnd);
    index = skipWhitespace(text, valueEnd);
    if (text[index] === ',') {
      index = skipWhitespace(text, index + 1);
      continue;
    }
    return text[index] === '}' ? found : undefined;
  }
}

const WHITESPACE = /[^ \t\n\r]/g;
const STRING_END = /["\\]/g;
const STRUCTURE = /["{}[\]]/g;
const SCALAR_END = /[,}\] \t\n\r]/g;

function skipWhitespace(text: string, from: number): number {
  WHITESPACE.lastIndex = from;
  return WHITESPACE.exec(text)?.index ?? text.length;
}

/** `from` is at the opening quote; returns the index after the closing quote. */
function skipString(text: string, from: number): number {
  let index = from + 1;
  for (;;) {
    STRING_END.lastIndex = index;
    const match = STRING_END.exec(text);
    if (!match) return text.length;
    if (match[0] === '"') return match.index + 1;
    index = match.index + 2; // a backslash escapes the next character
  }
}

function skipValue(text: string, from: number): number {
  const first = text[from];
  if (first === '"') return skipString(text, from);
  if (first !== '{' && first !== '[') {
    SCALAR_END.lastIndex = from;
    return SCALAR_END.exec(text)?.index ?? text.length;
  }
  let depth = 0;
  let index = from;
  for (;;) {
    STRUCTURE.lastIndex = index;
    const match = STRUCTURE.exec(text);
    if (!match) return text.length;
    if (match[0] === '"') {
      index = skipString(text, match.index);
      continue;
    }
    depth += match[0] === '{' || match[0] === '[' ? 1 : -1;
    index = match.index + 1;
    if (depth === 0) return index;
  }
}
