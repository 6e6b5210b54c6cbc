/**
 * jq-web 0.5.1: jq 1.6 compiled to JavaScript with emscripten, the engine Firehose's dynamic
 * partitioning runs (`JsonParsingEngine: JQ-1.6`). Only what the tests call.
 */
declare module 'jq-web' {
  interface PromisedJq {
    /** `echo <json> | jq <filter>`: the raw standard output; rejects on a compile or runtime error. */
    raw(json: string, filter: string): Promise<string>;
    json(value: unknown, filter: string): Promise<unknown>;
  }
  const jq: { readonly promised: PromisedJq };
  export = jq;
}
