/**
 * JSON for SQS and SNS message bodies. SQS refuses bodies holding U+FFFE, U+FFFF or unpaired
 * surrogates (and some emulators refuse every character outside the BMP), while a webhook payload
 * may carry any of them in its strings. Those characters can only occur inside JSON strings, so
 * writing them as `\uXXXX` escapes gives the same JSON value in a body every queue accepts.
 * A payload that could never be enqueued would otherwise be answered 5xx forever and lost.
 */
const UNSAFE_FOR_SQS = /[\uD800-\uDFFF\uFFFE\uFFFF]/g;

export function stringifyForWire(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_FOR_SQS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
