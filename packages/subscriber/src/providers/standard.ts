/**
 * Standard Webhooks (Svix and the senders built on it): the payload structure the specification
 * recommends, `{ type, timestamp, data }`. Each sender defines its own types and `data`, so they
 * are open here; narrow `data` with your own schema, or describe the sender with
 * `ProviderEventMaps` (see the package README).
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure
 */
export interface StandardWebhookPayload {
  readonly type: string;
  /** ISO-8601 time of the event at the sender. */
  readonly timestamp?: string;
  readonly data?: unknown;
  readonly [field: string]: unknown;
}
