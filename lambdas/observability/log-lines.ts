/**
 * The verifier's request lines, one per request, by `message`. Accepted, refused and handshake lines
 * ride on the request's metrics line (`Telemetry.summarise`): `message`, `route` (a bounded copy of
 * the path segment), `status`, `ms`, `bodyBytes`, `function_request_id`, and by outcome `eventIds`,
 * `replayed`, `secretIndex`, or the refusal's `code` (the metrics line's dimension) and details.
 * A failure (5xx) is an ERROR line of its own, with the error chain. The saved Logs Insights queries
 * (`lib/constructs/refusal-queries.ts`) read these keys.
 */
export const VERIFIER_LINES = {
  accepted: 'Webhook accepted',
  refused: 'Webhook refused',
  handshake: 'Webhook handshake answered',
  failed: 'Webhook failed',
} as const;
