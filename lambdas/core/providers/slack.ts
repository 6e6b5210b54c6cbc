import { decodeSignature, hmac, matchesAny } from '../crypto';
import {
  assertTimestampWithinTolerance,
  DEFAULT_MAX_BODY_BYTES,
  decodeSignatureEntries,
  findMatchingSecret,
  isRecord,
  jsonEvent,
  noOptions,
  parseJsonBody,
  requireHeader,
  requireStringField,
  requireUnixSeconds,
  signatureHeaderEntries,
  type WebhookProvider,
} from '../provider';
import { WebhookError } from '../errors';

const SIGNATURE_HEADER = 'X-Slack-Signature';
const TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';
const VERSION_PREFIX = 'v0=';

/**
 * Slack (Events API): `X-Slack-Signature: v0=<hex>` HMAC-SHA256, keyed with the app's Signing
 * Secret, over `v0:{X-Slack-Request-Timestamp}:{body}`; 300 s tolerance, as Slack's SDKs use.
 *
 * - `url_verification` (sent, signed, when the Request URL is saved) is answered with its
 *   `challenge` and nothing is enqueued.
 * - `app_rate_limited` (an operational notice with no `event_id`) is acknowledged, not enqueued.
 * - `event_callback` becomes one event: id `event_id`, type `event.type`.
 * Slash commands and interactivity (form-encoded bodies) are not handled by this route.
 */
export const slack: WebhookProvider = {
  name: 'slack',
  defaultToleranceSeconds: 300,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const entries = signatureHeaderEntries(request, SIGNATURE_HEADER);
    const timestampText = requireHeader(request, TIMESTAMP_HEADER);
    const timestamp = requireUnixSeconds(timestampText, TIMESTAMP_HEADER);
    const received = decodeSignatureEntries(
      entries,
      (entry) => {
        if (!entry.startsWith(VERSION_PREFIX)) return undefined;
        const decoded = decodeSignature(entry.slice(VERSION_PREFIX.length), 'hex');
        return decoded?.length === 32 ? decoded : undefined;
      },
      SIGNATURE_HEADER,
      '"v0=<64 hex digits>"',
    );

    const secretIndex = findMatchingSecret(secrets, (secret) =>
      matchesAny(received, hmac('sha256', secret, `v0:${timestampText}:`, request.rawBody)),
    );
    assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request.rawBody);
    const payload = body.value;
    if (!isRecord(payload)) throw new WebhookError('INVALID_PAYLOAD', 'Slack payload is not a JSON object');
    const kind = requireStringField(payload, ['type']);
    if (kind === 'url_verification') {
      const challenge = requireStringField(payload, ['challenge']);
      return { secretIndex, events: [], reply: { statusCode: 200, body: { challenge } } };
    }
    if (kind === 'app_rate_limited') {
      return { secretIndex, events: [], reply: { statusCode: 200, body: { ok: true } } };
    }
    return {
      secretIndex,
      events: [jsonEvent(requireStringField(payload, ['event_id']), requireStringField(payload, ['event', 'type']), body)],
    };
  },
};
