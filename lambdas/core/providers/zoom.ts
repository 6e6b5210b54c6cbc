import { randomBytes, randomInt } from 'node:crypto';
import { hmac, sha256Hex } from '../crypto';
import { WebhookError } from '../errors';
import {
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  isRecord,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { compactJson, isoTime, randomId } from '../samples';
import { signV0, v0Scheme, verifyV0Signature } from '../schemes';

/**
 * Slack's `v0` scheme under Zoom's names (Zoom spells its headers in lower case):
 * `x-zm-signature: v0=<hex>`, HMAC-SHA256 of `v0:{x-zm-request-timestamp}:{body}`.
 */
const SCHEME = v0Scheme('x-zm-signature', 'x-zm-request-timestamp');
/** Sent, signed, when the endpoint URL is saved and every 72 hours after: answered, never published. */
const URL_VALIDATION = 'endpoint.url_validation';

// --- Samples for `npm run send` --------------------------------------------------------------

const ACCOUNT_ID = 'hOoKrElAyAcCoUnT01';
const HOST_ID = 'z8yCxABCDEfg23HiJKl4mN';

/** Zoom's notification: `event`, `event_ts` in milliseconds, and the object in `payload`. */
function zoomEvent(event: string, object: Record<string, unknown>, context: SampleContext, extra: Record<string, unknown> = {}): string {
  return compactJson({ event, event_ts: context.nowSeconds * 1000 + randomInt(1000), payload: { account_id: ACCOUNT_ID, object, ...extra } });
}

function meeting(context: SampleContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: String(randomInt(10 ** 9, 10 ** 10)),
    uuid: `${randomBytes(16).toString('base64')}`,
    host_id: HOST_ID,
    topic: 'Réunion hebdo ☕',
    type: 2,
    start_time: isoTime(context.nowSeconds - 60).replace('.000', ''),
    timezone: 'Europe/Paris',
    duration: 30,
    ...extra,
  };
}

/**
 * Zoom (Marketplace app event subscriptions): `x-zm-signature: v0=<hex>` HMAC-SHA256, keyed with
 * the app's Secret Token, over `v0:{x-zm-request-timestamp}:{body}`; 300 s tolerance either way
 * (Zoom publishes none). Zoom sends no event id, and a retry sends the same body again: the event
 * id is the SHA-256 hex of the body, so a retry is a repeat. `endpoint.url_validation` is answered
 * with `plainToken` and its HMAC under the secret that verified the request, and never published.
 */
export const zoom: WebhookProvider = {
  name: 'zoom',
  defaultToleranceSeconds: 300,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, context) {
    const { secrets } = context;
    // Signature, then the timestamp: a forgery is reported as invalid, never as stale.
    const secretIndex = verifyV0Signature(request, context, SCHEME);
    if (secretIndex < 0) return signatureMismatch(secrets);

    const body = parseJsonBody(request);
    if (!isRecord(body.value)) throw new WebhookError('INVALID_PAYLOAD', 'Zoom payload is not a JSON object');
    const event = requireStringField(body.value, ['event']);
    if (event === URL_VALIDATION) {
      const plainToken = requireStringField(body.value, ['payload', 'plainToken']);
      // Zoom checks the answer with the Secret Token it signed with: the one that matched.
      const encryptedToken = hmac('sha256', secrets[secretIndex]!, plainToken).toString('hex');
      return { secretIndex, events: [], reply: { statusCode: 200, body: { plainToken, encryptedToken } } };
    }
    return { secretIndex, events: [jsonEvent(sha256Hex(signedBody(request)), event, body)] };
  },

  sign(request, context) {
    return signV0(request, context, SCHEME);
  },

  samples: {
    defaultType: 'meeting.started',
    types: {
      'meeting.started': (c) => zoomEvent('meeting.started', meeting(c), c),
      'meeting.ended': (c) => zoomEvent('meeting.ended', meeting(c, { end_time: isoTime(c.nowSeconds).replace('.000', '') }), c),
      'meeting.participant_joined': (c) =>
        zoomEvent(
          'meeting.participant_joined',
          meeting(c, { participant: { user_id: String(randomInt(10 ** 7, 10 ** 8)), user_name: 'Zoë Martin', id: randomId('', 22), join_time: isoTime(c.nowSeconds).replace('.000', ''), email: 'zoe@example.com' } }),
          c,
        ),
      'recording.completed': (c) =>
        zoomEvent(
          'recording.completed',
          meeting(c, {
            total_size: 52_428_800,
            recording_count: 1,
            share_url: `https://example.zoom.us/rec/share/${randomId('', 32)}`,
            recording_files: [{ id: randomId('', 36), file_type: 'MP4', file_size: 52_428_800, recording_type: 'shared_screen_with_speaker_view', status: 'completed' }],
          }),
          c,
          { download_token: randomId('', 64) },
        ),
      // Sent when the endpoint URL is saved (and every 72 hours): answered, never published.
      [URL_VALIDATION]: (c) => compactJson({ payload: { plainToken: randomId('', 22) }, event_ts: c.nowSeconds * 1000, event: URL_VALIDATION }),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'Zoom Marketplace/1.0a' }),
  },

  development: { secret: 'hookrelayZoomDevelopmentSecretToken' },

  docs: {
    title: 'Zoom',
    signatureHeaders: '`x-zm-signature: v0=<hex>`, `x-zm-request-timestamp`',
    signedContent: 'HMAC-SHA256 of `v0:{timestamp}:{body}`',
    timestamp: '`x-zm-request-timestamp`, seconds; 300 s either way (Zoom publishes no tolerance)',
    eventId: 'the SHA-256 hex of the body (Zoom sends no event id; a retry sends the same body)',
    eventType: 'body `event`',
    secret: 'the app’s Secret Token',
    secretLocation: 'Zoom App Marketplace → Manage → your app → Features → Access → *Secret Token*',
    notSigned: 'nothing the envelope uses: the id is derived from the signed body',
    replayProtection: 'the signed timestamp, then the body itself (the id is its hash)',
    replies:
      'A signed `endpoint.url_validation` is answered `200 {"plainToken": …, "encryptedToken": <hex HMAC-SHA256 of plainToken>}`, keyed with the Secret Token that verified the request, and nothing is published.',
    oracle: 'the algorithm of Zoom’s `zoom/webhook-sample` and an `openssl` known answer (Zoom ships no package)',
    notes: [
      'Two deliveries of the same event with identical bodies are one event; Zoom’s own retries send the same body, and distinct events differ at least in `event_ts` (milliseconds).',
      'Zoom revalidates the endpoint every 72 hours with another `endpoint.url_validation`.',
    ],
  },
};
