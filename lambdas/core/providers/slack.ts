import {
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  isRecord,
  jsonEvent,
  noOptions,
  parseJsonBody,
  requireStringField,
  jsonPost,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { WebhookError } from '../errors';
import { randomInt } from 'node:crypto';
import { compactJson, randomId } from '../samples';
import { signV0, v0Scheme, verifyV0Signature } from '../schemes';

/** `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{body}`. */
const SCHEME = v0Scheme('X-Slack-Signature', 'X-Slack-Request-Timestamp');

// --- Samples for `npm run send` --------------------------------------------------------------

const TEAM = 'T0HOOKRELAY';
const APP = 'A0HOOKRELAY';
const CHANNEL = 'C0HOOKRELAY';
const USER = 'U0ZOEMARTIN';

/** `ts` of a Slack message: seconds and six digits, unique per message in a channel. */
function messageTs(nowSeconds: number): string {
  return `${nowSeconds}.${String(randomInt(1_000_000)).padStart(6, '0')}`;
}

/** An Events API `event_callback` wrapping `event`, with a new `Ev…` id (the event id hookrelay dedupes on). */
function eventCallback(event: Record<string, unknown>, context: SampleContext): string {
  return compactJson({
    token: 'hookrelayVerificationTokenUnused',
    team_id: TEAM,
    context_team_id: TEAM,
    api_app_id: APP,
    event: { ...event, event_ts: messageTs(context.nowSeconds) },
    type: 'event_callback',
    event_id: randomId('Ev', 9).toUpperCase(),
    event_time: context.nowSeconds,
    authorizations: [{ enterprise_id: null, team_id: TEAM, user_id: 'U0HOOKRELAYBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: randomId('4-', 40),
  });
}

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

  verify(request, context) {
    // Signature, then the timestamp: a forgery is reported as invalid, never as stale.
    const secretIndex = verifyV0Signature(request, context, SCHEME);
    if (secretIndex < 0) return signatureMismatch(context.secrets);

    const body = parseJsonBody(request);
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

  sign(request, context) {
    return signV0(request, context, SCHEME);
  },

  samples: {
    defaultType: 'message',
    types: {
      message: (c) =>
        eventCallback({ type: 'message', channel: CHANNEL, channel_type: 'channel', user: USER, text: 'Déploiement terminé ✅', ts: messageTs(c.nowSeconds) }, c),
      app_mention: (c) =>
        eventCallback({ type: 'app_mention', channel: CHANNEL, user: USER, text: '<@U0HOOKRELAYBOT> status?', ts: messageTs(c.nowSeconds) }, c),
      reaction_added: (c) =>
        eventCallback({ type: 'reaction_added', user: USER, reaction: 'tada', item: { type: 'message', channel: CHANNEL, ts: messageTs(c.nowSeconds) } }, c),
      member_joined_channel: (c) => eventCallback({ type: 'member_joined_channel', user: USER, channel: CHANNEL, channel_type: 'C', team: TEAM }, c),
      app_home_opened: (c) => eventCallback({ type: 'app_home_opened', user: USER, channel: 'D0HOOKRELAY', tab: 'home' }, c),
      // Sent when the Request URL is saved: answered with its challenge, never enqueued.
      url_verification: () => compactJson({ token: 'hookrelayVerificationTokenUnused', challenge: randomId('', 48), type: 'url_verification' }),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)' }),
  },

  development: { secret: 'hookrelay-development-slack-signing-secret' },

  docs: {
    title: 'Slack',
    signatureHeaders: '`X-Slack-Signature: v0=<hex>`, `X-Slack-Request-Timestamp`',
    signedContent: 'HMAC-SHA256 of `v0:{timestamp}:{body}`',
    timestamp: '`X-Slack-Request-Timestamp`, seconds; 300 s either way',
    eventId: 'body `event_id`',
    eventType: 'body `event.type`',
    secret: 'Signing Secret (32 hex characters)',
    secretLocation: 'api.slack.com/apps → your app → Basic Information → App Credentials → *Signing Secret*',
    notSigned: 'nothing the envelope uses',
    replayProtection: 'the signed timestamp, then `event_id`',
    replies: 'A signed `url_verification` is answered `200 {"challenge": …}` and nothing is enqueued; a signed `app_rate_limited` notice is acknowledged `200` and not enqueued.',
    notes: ['Events API only: slash commands and interactivity (form-encoded bodies) are refused as `INVALID_PAYLOAD`.'],
  },
};
