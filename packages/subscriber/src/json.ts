/** A JSON value as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [member: string]: JsonValue;
}

/** True when T is `any`: what a type import from a package that is not installed turns into. */
export type IsAny<T> = 0 extends 1 & T ? true : false;
