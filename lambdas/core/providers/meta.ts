import { constantTimeTokenEqual, sha256Hex } from '../crypto';
import { WebhookError } from '../errors';
import { arrayElementSpans, objectMemberSpans, textOf, type JsonSpan } from '../raw-json';
import {
  signatureMismatch,
  isRecord,
  jsonPost,
  noOptions,
  parseJsonBody,
  signedBody,
  type JsonBody,
  type SampleContext,
  type VerifiedWebhook,
  type WebhookEvent,
  type WebhookProvider,
} from '../provider';
import type { WebhookRequest } from '../request';
import { compactJson, randomNumericId } from '../samples';
import { bodyHmacSecretIndex, refuseLegacySignatureAlone, signBodyHmac, type HmacSignatureFormat } from '../schemes';

/** `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body with the App Secret. */
const SIGNATURE: HmacSignatureFormat = { header: 'X-Hub-Signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' };
/** The legacy SHA-1 signature Meta still sends next to the SHA-256 one; never trusted on its own. */
const SHA1_SIGNATURE: HmacSignatureFormat = { header: 'X-Hub-Signature', algorithm: 'sha1', encoding: 'hex', prefix: 'sha1=' };
/** Hex digits of the body's SHA-256 that prefix each change's id: 128 bits, ample against collisions. */
const ID_HASH_HEX_DIGITS = 32;
/**
 * Meta's challenge is an integer ("an int you must pass back to us"). Anything but a short token of
 * letters, digits and `-._~` is refused rather than reflected, so a holder of the verify token
 * cannot make the endpoint serve text (markup, say) of their choosing.
 */
const CHALLENGE_PATTERN = /^[A-Za-z0-9._~-]{1,256}$/;

/** The one value of a query parameter; undefined when it is absent or repeated (ambiguous). */
function singleQueryValue(request: WebhookRequest, name: string): string | undefined {
  const values = request.query[name] ?? [];
  return values.length === 1 ? values[0] : undefined;
}

/**
 * Meta's endpoint verification: `GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C`,
 * answered `200 text/plain` with exactly C when T is one of the route's verify tokens. Every
 * configured token is compared (no early exit), each in constant time. A wrong token, another mode
 * or no token configured is VERIFICATION_FAILED (403), and the challenge is not echoed.
 */
function answerChallenge(request: WebhookRequest, verifyTokens: readonly string[]): VerifiedWebhook {
  const token = singleQueryValue(request, 'hub.verify_token');
  let tokenMatches = false;
  for (const expected of verifyTokens) tokenMatches = constantTimeTokenEqual(token ?? '', expected) || tokenMatches;
  if (token === undefined || !tokenMatches || singleQueryValue(request, 'hub.mode') !== 'subscribe') {
    throw new WebhookError('VERIFICATION_FAILED', 'hub.verify_token does not match a configured verify token, or hub.mode is not "subscribe"', {
      details: { verifyTokens: verifyTokens.length },
    });
  }
  const challenge = singleQueryValue(request, 'hub.challenge');
  if (challenge === undefined || !CHALLENGE_PATTERN.test(challenge)) {
    throw new WebhookError('INVALID_PAYLOAD', 'hub.challenge is missing, repeated, or not 1–256 letters, digits or -._~');
  }
  // No signing secret takes part in a GET.
  return { secretIndex: 0, events: [], reply: { statusCode: 200, contentType: 'text/plain', body: challenge } };
}

function invalid(message: string, details: Record<string, number> = {}): WebhookError {
  return new WebhookError('INVALID_PAYLOAD', message, { details });
}

/**
 * One event per `entry[i].changes[j]`. Its payload is composed from slices of the signed text, so
 * every value arrives as Meta wrote it: `{"object":<object>,"entry":{"id":<id>,"time":<time>},
 * "change":<change>}` (`time` only when the entry has one: WhatsApp entries carry none). Its id is
 * derived from the signed body, `<first 32 hex digits of SHA-256(body)>:<i>:<j>`, and its type is
 * `<object>.<change.field>`: everything the envelope uses is covered by the signature.
 */
function changeEvents(body: JsonBody, signed: string | Buffer): WebhookEvent[] {
  const root = body.value;
  if (!isRecord(root) || typeof root['object'] !== 'string' || root['object'] === '' || !Array.isArray(root['entry'])) {
    throw invalid('Meta payload is not {"object": "<string>", "entry": [...]}');
  }
  const object = root['object'];
  const entries: unknown[] = root['entry'];
  const text = body.text;
  const rootMembers = objectMemberSpans(text);
  const objectText = textOf(text, rootMembers.get('object')!);
  const entrySpans = arrayElementSpans(text, rootMembers.get('entry'));
  const idPrefix = sha256Hex(signed).slice(0, ID_HASH_HEX_DIGITS);

  const events: WebhookEvent[] = [];
  entries.forEach((entry, entryIndex) => {
    if (!isRecord(entry) || !Array.isArray(entry['changes'])) {
      // Messenger and some Instagram messaging webhooks send `messaging` instead of `changes`.
      throw invalid(`entry[${entryIndex}] has no "changes" array ("messaging" entries are not supported)`, { entryIndex });
    }
    const id = entry['id'];
    if (typeof id !== 'string' && typeof id !== 'number') throw invalid(`entry[${entryIndex}] has no "id"`, { entryIndex });
    const members = objectMemberSpans(text, entrySpans[entryIndex]!);
    const hasTime = Object.hasOwn(entry, 'time');
    const entryJson = `{"id":${textOf(text, members.get('id')!)}${hasTime ? `,"time":${textOf(text, members.get('time')!)}` : ''}}`;
    const entryValue = hasTime ? { id, time: entry['time'] } : { id };
    const changeSpans: JsonSpan[] = arrayElementSpans(text, members.get('changes'));
    (entry['changes'] as unknown[]).forEach((change, changeIndex) => {
      const field = isRecord(change) ? change['field'] : undefined;
      if (typeof field !== 'string' || field === '') {
        throw invalid(`entry[${entryIndex}].changes[${changeIndex}] has no string "field"`, { entryIndex, changeIndex });
      }
      events.push({
        id: `${idPrefix}:${entryIndex}:${changeIndex}`,
        type: `${object}.${field}`,
        payload: { object, entry: entryValue, change },
        payloadJson: `{"object":${objectText},"entry":${entryJson},"change":${textOf(text, changeSpans[changeIndex]!)}}`,
      });
    });
  });
  return events;
}

// --- Samples for `npm run send` --------------------------------------------------------------

// Meta posts compact JSON with non-ASCII characters escaped (`\u00e9`), as JSON.stringify does not:
// the samples escape them too, so the signed bytes look like Meta's.
function metaJson(value: unknown): string {
  return compactJson(value).replace(/[\u007f-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const PAGE_ID = '109876543210987';
const WABA_ID = '102290129340398';
const IG_USER_ID = '17841400000000000';

function pageFeed(context: SampleContext): string {
  const postId = `${PAGE_ID}_${randomNumericId()}`;
  const change = (verb: string, message: string) => ({
    field: 'feed',
    value: { item: 'status', post_id: postId, verb, published: 1, created_time: context.nowSeconds, message, from: { id: PAGE_ID, name: 'Zoë’s Bakery' } },
  });
  // Two changes in one entry: Meta batches, and hookrelay publishes one envelope per change.
  return metaJson({
    object: 'page',
    entry: [{ id: PAGE_ID, time: context.nowSeconds, changes: [change('add', 'Croissants tout chauds 🥐'), change('edited', 'Croissants tout chauds 🥐 (jusqu’à 11 h)')] }],
  });
}

function pageLeadgen(context: SampleContext): string {
  const leadgen = {
    ad_id: String(randomNumericId()),
    form_id: String(randomNumericId()),
    leadgen_id: String(randomNumericId()),
    created_time: context.nowSeconds,
    page_id: PAGE_ID,
    adgroup_id: String(randomNumericId()),
  };
  return metaJson({ object: 'page', entry: [{ id: PAGE_ID, time: context.nowSeconds, changes: [{ field: 'leadgen', value: leadgen }] }] });
}

function whatsappMessages(context: SampleContext): string {
  // WhatsApp entries carry no `time`.
  return metaJson({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Zoë Martin' }, wa_id: '16505551234' }],
              messages: [
                {
                  from: '16505551234',
                  id: `wamid.${Buffer.from(String(randomNumericId())).toString('base64')}`,
                  timestamp: String(context.nowSeconds),
                  type: 'text',
                  text: { body: 'Vous avez encore des croissants ?' },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

function instagramComments(context: SampleContext): string {
  return metaJson({
    object: 'instagram',
    entry: [
      {
        id: IG_USER_ID,
        time: context.nowSeconds,
        changes: [
          {
            field: 'comments',
            value: {
              from: { id: String(randomNumericId()), username: 'zoe.martin' },
              media: { id: String(randomNumericId()), media_product_type: 'FEED' },
              id: String(randomNumericId()),
              text: 'Trop bon 😍',
            },
          },
        ],
      },
    ],
  });
}

/**
 * Meta (Graph API webhooks: Facebook Pages, Instagram, WhatsApp Business): `X-Hub-Signature-256:
 * sha256=<hex>` HMAC-SHA256 over the raw body, keyed with the app secret. The SHA-1
 * `X-Hub-Signature` Meta sends alongside is ignored, and alone it is refused. Meta signs no
 * timestamp and sends no event id: each change's id is derived from the signed body, so a resent
 * body is recognised as a repeat. A body batches entries, each with changes: one envelope per change.
 * `GET` answers Meta's endpoint verification with the route's verify token(s).
 */
export const meta: WebhookProvider = {
  name: 'meta',
  methods: ['GET', 'POST'],
  defaultToleranceSeconds: 0,
  // Meta batches up to 1000 changes per request; 4 MiB is the most a Lambda-backed route can take
  // once API Gateway has base64-encoded the body (6 MB invocation limit).
  defaultMaxBodyBytes: 4 * 1024 * 1024,
  parseOptions: noOptions,

  verify(request, { secrets, verifyTokens }) {
    if (request.method === 'GET') return answerChallenge(request, verifyTokens);
    refuseLegacySignatureAlone(request, SIGNATURE.header, SHA1_SIGNATURE.header, 'SHA-1');
    const secretIndex = bodyHmacSecretIndex(request, secrets, SIGNATURE);
    if (secretIndex < 0) return signatureMismatch(secrets);
    return { secretIndex, events: changeEvents(parseJsonBody(request), signedBody(request)) };
  },

  sign(request, { secret }) {
    // Meta sends both; hookrelay reads only the SHA-256 one.
    return signBodyHmac(signBodyHmac(request, secret, SHA1_SIGNATURE), secret, SIGNATURE);
  },

  samples: {
    defaultType: 'page.feed',
    types: {
      'page.feed': pageFeed,
      'page.leadgen': pageLeadgen,
      'whatsapp_business_account.messages': whatsappMessages,
      'instagram.comments': instagramComments,
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'facebookexternalua' }),
  },

  development: { secret: 'hookrelay-development-meta-app-secret', verifyToken: 'hookrelay-development-meta-verify-token' },

  docs: {
    title: 'Meta (Graph API webhooks)',
    signatureHeaders: '`X-Hub-Signature-256: sha256=<hex>` (the SHA-1 `X-Hub-Signature` is ignored, and refused alone)',
    signedContent: 'HMAC-SHA256 of `{body}`, keyed with the app secret',
    timestamp: 'none',
    eventId: 'per change: `<first 32 hex digits of SHA-256(body)>:<entry index>:<change index>` (Meta sends no event id)',
    eventType: '`<object>.<field>` of each change (`page.feed`, `whatsapp_business_account.messages`, `instagram.comments`, …)',
    secret: 'the app secret; the verify token(s) in `WEBHOOK_VERIFY_TOKEN_META` (deployed: `"verifyTokens"` in the route’s secret)',
    secretLocation:
      'App Dashboard → App settings → Basic → *App secret*; the verify token is the string you choose in the Webhooks product (WhatsApp: WhatsApp → Configuration) → *Verify token*',
    notSigned:
      'nothing the envelopes use (ids and types derive from the signed body). The `GET` verification request is not signed: its only credential is the verify token, which Meta sends in the query string',
    replayProtection:
      'no timestamp: a body sent again gets the same ids (derived from its SHA-256) and is a repeat within the idempotency window; after the window a captured body would be accepted again',
    replies:
      '`GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C` with T one of the verify tokens → `200 text/plain`, body exactly C; any other token or mode → `403 VERIFICATION_FAILED` without echoing C. Nothing is published.',
    oracle: '`@octokit/webhooks-methods` (`sign`, `verify`: the same `sha256=<hex>` HMAC over the body) and an `openssl dgst` known answer',
    notes: [
      'Meta batches: a body holds `entry[]`, each with `changes[]`, and each change becomes its own envelope. Its payload is composed from slices of the signed body, `{"object":…,"entry":{"id":…,"time":…},"change":…}`, every value as Meta wrote it; `time` is left out when the entry has none (WhatsApp entries carry no `time`). A body with no change at all is acknowledged and publishes nothing.',
      'Messenger (and Instagram messaging) webhooks send `entry[].messaging[]` instead of `changes[]`: they are refused `400 INVALID_PAYLOAD`, never acknowledged and dropped. Meta retries them until it gives up.',
    ],
  },
};
