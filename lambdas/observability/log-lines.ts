/**
 * The verifier's request lines, one per request, by `message`. Accepted, refused and handshake lines
 * ride on the request's metrics line (`Telemetry.summarise`): `message`, `route` (a bounded copy of
 * the path segment), `status`, `ms`, `bodyBytes`, `function_request_id`, and by outcome `eventIds`
 * with `eventIdsCount` (and `eventIdsTruncated`, see `boundedIds`), `replayed`, `secretIndex`, or the
 * refusal's `code` (the metrics line's dimension) and details.
 * A failure (5xx) is an ERROR line of its own, with the error chain. The saved Logs Insights queries
 * (`lib/constructs/refusal-queries.ts`) read these keys.
 */
export const VERIFIER_LINES = {
  accepted: 'Webhook accepted',
  refused: 'Webhook refused',
  handshake: 'Webhook handshake answered',
  failed: 'Webhook failed',
} as const;

/**
 * Most ids one log line names. A batch can hold thousands of events (a 1 MiB SendGrid delivery, an
 * SQS batch of up to 10,000 messages): a line naming them all could pass CloudWatch's 256 KiB per
 * log event and be cut, and a metrics line cut loses its metrics. Twenty ids of at most 256
 * characters (`MAX_EVENT_ID_LENGTH`) keep a line under 6 KB.
 */
export const MAX_LOGGED_IDS = 20;

/**
 * The log fields for a list of ids, bounded: `<name>` holds the first MAX_LOGGED_IDS ids, in order,
 * `<name>Count` how many there are in all, and `<name>Truncated: true`, only when some were left out.
 */
export function boundedIds<TName extends string>(
  name: TName,
  ids: readonly string[],
): { readonly [Key in TName]: readonly string[] } & { readonly [Key in `${TName}Count`]: number } & { readonly [Key in `${TName}Truncated`]?: true } {
  const fields: Record<string, readonly string[] | number | true> = { [name]: ids.slice(0, MAX_LOGGED_IDS), [`${name}Count`]: ids.length };
  if (ids.length > MAX_LOGGED_IDS) fields[`${name}Truncated`] = true;
  return fields as ReturnType<typeof boundedIds<TName>>;
}
