import { randomInt, randomUUID } from 'node:crypto';
import { WebhookError } from '../errors';
import {
  assertTimestampWithinTolerance,
  bodyBytes,
  signatureMismatch,
  isRecord,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  parseRfc3339Seconds,
  requireHeader,
  requireStringField,
  sentHeader,
  signatureHeaderEntries,
  withSentHeaders,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { header } from '../request';
import { compactJson, isoTime } from '../samples';
import { hmacSignature, receivedMacs, secretIndexOfHmac, type HmacSignatureFormat } from '../schemes';

const MESSAGE_ID_HEADER = 'Twitch-Eventsub-Message-Id';
const TIMESTAMP_HEADER = 'Twitch-Eventsub-Message-Timestamp';
const MESSAGE_TYPE_HEADER = 'Twitch-Eventsub-Message-Type';
/** `Twitch-Eventsub-Message-Signature: sha256=<hex>`, HMAC-SHA256 of message id, timestamp and body. */
const SIGNATURE: HmacSignatureFormat = { header: 'Twitch-Eventsub-Message-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' };

const NOTIFICATION = 'notification';
const VERIFICATION = 'webhook_callback_verification';
const REVOCATION = 'revocation';
const MESSAGE_TYPES: readonly string[] = [NOTIFICATION, VERIFICATION, REVOCATION];

/** A message type header as refusals log it: one of Twitch's kinds, `missing` or `unknown`, never the unsigned text itself. */
function loggedMessageType(messageType: string | undefined): string {
  if (messageType === undefined || messageType === '') return 'missing';
  return MESSAGE_TYPES.includes(messageType) ? messageType : 'unknown';
}

/** RFC 3339 with nanoseconds, as Twitch writes its timestamps. */
function twitchTime(seconds: number): string {
  return isoTime(seconds).replace('.000Z', `.${String(randomInt(1_000_000_000)).padStart(9, '0')}Z`);
}

// --- Samples for `npm run send` --------------------------------------------------------------

const BROADCASTER = { broadcaster_user_id: '1337', broadcaster_user_login: 'hookrelay', broadcaster_user_name: 'HookRelay' };
const VIEWER = { user_id: '9001', user_login: 'zoe_martin', user_name: 'Zoë_Martin' };

function subscription(type: string, version: string, status: string, context: SampleContext, condition: Record<string, string> = { broadcaster_user_id: BROADCASTER.broadcaster_user_id }) {
  return {
    id: randomUUID(),
    status,
    type,
    version,
    cost: 0,
    condition,
    transport: { method: 'webhook', callback: context.url },
    created_at: twitchTime(context.nowSeconds - 86_400),
  };
}

function notification(type: string, version: string, event: Record<string, unknown>, context: SampleContext, condition?: Record<string, string>): string {
  return compactJson({ subscription: subscription(type, version, 'enabled', context, condition), event });
}

/**
 * Twitch EventSub (webhook transport): `Twitch-Eventsub-Message-Signature: sha256=<hex>` HMAC-SHA256,
 * keyed with the subscription's secret, over `{Message-Id}{Message-Timestamp}{body}` (the header
 * values as sent); the timestamp is RFC 3339 with nanoseconds, 600 s either way (Twitch: reject
 * messages older than 10 minutes). Event id `Twitch-Eventsub-Message-Id`.
 *
 * `Twitch-Eventsub-Message-Type` is not signed, so the body must have the shape of the kind it names:
 * a `notification` an `event` (type: the signed `subscription.type`), a `webhook_callback_verification`
 * a `challenge` (answered with it as text, never published), a `revocation` neither (type `revocation`,
 * published). Relabelling a captured message as another kind is then refused.
 */
export const twitch: WebhookProvider = {
  name: 'twitch',
  defaultToleranceSeconds: 600,
  // Twitch's notifications are small (a few KB); 256 KiB leaves room.
  defaultMaxBodyBytes: 256 * 1024,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const entries = signatureHeaderEntries(request, SIGNATURE.header);
    const messageId = requireHeader(request, MESSAGE_ID_HEADER);
    const timestampText = requireHeader(request, TIMESTAMP_HEADER);
    const timestamp = parseRfc3339Seconds(timestampText);
    if (timestamp === undefined) throw new WebhookError('MALFORMED_SIGNATURE', `${TIMESTAMP_HEADER} is not an RFC 3339 timestamp`);
    const received = receivedMacs(entries, SIGNATURE);

    const secretIndex = secretIndexOfHmac(secrets, received, SIGNATURE.algorithm, messageId, timestampText, signedBody(request));
    if (secretIndex < 0) return signatureMismatch(secrets);
    assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const messageType = header(request, MESSAGE_TYPE_HEADER)?.trim();
    const body = parseJsonBody(request);
    const payload = body.value;
    if (!isRecord(payload) || !isRecord(payload['subscription'])) throw new WebhookError('INVALID_PAYLOAD', 'Twitch payload has no "subscription" object');
    const hasEvent = 'event' in payload;
    const hasChallenge = 'challenge' in payload;
    if (messageType === VERIFICATION && !hasEvent) {
      return { secretIndex, events: [], reply: { statusCode: 200, contentType: 'text/plain', body: requireStringField(payload, ['challenge']) } };
    }
    if (messageType === NOTIFICATION && isRecord(payload['event']) && !hasChallenge) {
      return { secretIndex, events: [jsonEvent(messageId, requireStringField(payload, ['subscription', 'type']), body)] };
    }
    if (messageType === REVOCATION && !hasEvent && !hasChallenge) return { secretIndex, events: [jsonEvent(messageId, REVOCATION, body)] };
    throw new WebhookError('INVALID_PAYLOAD', `${MESSAGE_TYPE_HEADER} is missing, unknown, or does not match the body`, {
      details: { messageType: loggedMessageType(messageType) },
    });
  },

  sign(request, { secret, nowSeconds }) {
    const messageId = sentHeader(request, MESSAGE_ID_HEADER) ?? randomUUID();
    const timestamp = twitchTime(nowSeconds);
    const signature = hmacSignature(SIGNATURE, secret, messageId, timestamp, bodyBytes(request));
    return withSentHeaders(request, { [MESSAGE_ID_HEADER]: messageId, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE.header]: signature });
  },

  samples: {
    defaultType: 'channel.follow',
    types: {
      'channel.follow': (c) =>
        notification('channel.follow', '2', { ...VIEWER, ...BROADCASTER, followed_at: twitchTime(c.nowSeconds) }, c, {
          broadcaster_user_id: BROADCASTER.broadcaster_user_id,
          moderator_user_id: BROADCASTER.broadcaster_user_id,
        }),
      'stream.online': (c) =>
        notification('stream.online', '1', { id: String(randomInt(10 ** 10, 10 ** 11)), ...BROADCASTER, type: 'live', started_at: twitchTime(c.nowSeconds) }, c),
      'channel.subscribe': (c) => notification('channel.subscribe', '1', { ...VIEWER, ...BROADCASTER, tier: '1000', is_gift: false }, c),
      'channel.cheer': (c) =>
        notification('channel.cheer', '1', { is_anonymous: false, ...VIEWER, ...BROADCASTER, message: 'GG ! Cheer100', bits: 100 }, c),
      // Sent when the subscription is created: answered with the challenge, never published.
      [VERIFICATION]: (c) =>
        compactJson({ challenge: `pogchamp-kappa-${randomUUID()}`, subscription: subscription('channel.follow', '2', 'webhook_callback_verification_pending', c) }),
      [REVOCATION]: (c) => compactJson({ subscription: subscription('channel.follow', '2', 'authorization_revoked', c) }),
    },
    request(body, type, context) {
      // The subscription named in the body, for the informational headers; the sample's otherwise.
      let subscriptionOfBody: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(body);
        if (isRecord(parsed) && isRecord(parsed['subscription'])) subscriptionOfBody = parsed['subscription'];
      } catch {
        // A --file that is not JSON: sent as it is, and refused as such.
      }
      const messageType = type === VERIFICATION || type === REVOCATION ? type : NOTIFICATION;
      return jsonPost(body, context, {
        [MESSAGE_ID_HEADER]: randomUUID(),
        'Twitch-Eventsub-Message-Retry': '0',
        [MESSAGE_TYPE_HEADER]: messageType,
        'Twitch-Eventsub-Subscription-Type': String(subscriptionOfBody['type'] ?? type),
        'Twitch-Eventsub-Subscription-Version': String(subscriptionOfBody['version'] ?? '1'),
      });
    },
  },

  development: { secret: 'hookrelay-development-twitch-secret' },

  docs: {
    title: 'Twitch EventSub',
    signatureHeaders: '`Twitch-Eventsub-Message-Signature: sha256=<hex>`, `Twitch-Eventsub-Message-Id`, `Twitch-Eventsub-Message-Timestamp`',
    signedContent: 'HMAC-SHA256 of `{Message-Id}{Message-Timestamp}{body}`',
    timestamp: '`Twitch-Eventsub-Message-Timestamp`, RFC 3339 with nanoseconds (the fraction is dropped); 600 s either way (Twitch: older than 10 minutes is a replay)',
    eventId: '`Twitch-Eventsub-Message-Id`',
    eventType: '`notification`: body `subscription.type` (e.g. `channel.follow`); `revocation`: `revocation`',
    secret: 'the `secret` you set when creating the subscription (10–100 ASCII characters)',
    secretLocation: 'you choose it: `transport.secret` of the Create EventSub Subscription request (Helix API); Twitch shows it nowhere',
    notSigned:
      '`Twitch-Eventsub-Message-Type`; the body must have the shape of the kind it names (an `event` for a notification, a `challenge` for a verification, neither for a revocation), so a captured message cannot be relabelled as another kind',
    replayProtection: 'the signed timestamp, then the signed `Message-Id`',
    replies:
      'A signed `webhook_callback_verification` is answered `200 text/plain` with exactly the body’s `challenge`, and nothing is published. A `revocation` is acknowledged as usual and published with type `revocation`.',
    oracle: 'the `verifySignature` of Twitch’s `twitchdev/eventsub-webhooks-node-sample` and an `openssl` known answer (Twitch ships no package)',
  },
};
