import { randomInt } from 'node:crypto';
import { sha256Hex } from '../crypto';
import { WebhookError } from '../errors';
import { arrayElementSpans, objectMemberSpans, textOf, type JsonSpan } from '../raw-json';
import {
  assertMillisecondsWithinTolerance,
  bodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  isRecord,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireHeader,
  requireUnixMilliseconds,
  withSentHeaders,
  signedBody,
  type SampleContext,
  type WebhookEvent,
  type WebhookProvider,
} from '../provider';
import { compactJson } from '../samples';
import { hmacSignature, refuseLegacySignatureAlone, requireMacs, secretIndexOfHmac, type HmacSignatureFormat } from '../schemes';

/** `X-HubSpot-Signature-v3: <base64>`, HMAC-SHA256 of method, URL, body and timestamp. */
const SIGNATURE: HmacSignatureFormat = { header: 'X-HubSpot-Signature-v3', algorithm: 'sha256', encoding: 'base64' };
const TIMESTAMP_HEADER = 'X-HubSpot-Request-Timestamp';
/** The older signatures HubSpot sends alongside v3 (`X-HubSpot-Signature-Version: v1`). */
const LEGACY_SIGNATURE_HEADER = 'X-HubSpot-Signature';
const LEGACY_VERSION_HEADER = 'X-HubSpot-Signature-Version';

/** The fields whose values make an item's id, in order. */
const ID_FIELDS = ['portalId', 'subscriptionId', 'eventId'] as const;

/**
 * One id part: a non-negative integer as written in the signed text (HubSpot's ids are numbers), or
 * a non-empty string. A safe integer is its own decimal text; only a larger one, which `JSON.parse`
 * rounds, is read back from the item's text (`members`, scanned on first need).
 */
function idPart(item: Record<string, unknown>, members: () => Map<string, JsonSpan>, text: string, field: string, index: number): string {
  const value = item[field];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  const span = typeof value === 'number' ? members().get(field) : undefined;
  const digits = span === undefined ? undefined : textOf(text, span);
  if (digits !== undefined && /^\d{1,20}$/.test(digits)) return digits;
  throw new WebhookError('INVALID_PAYLOAD', `Event ${index} has no integer "${field}"`, { details: { eventIndex: index } });
}

/** One envelope per item: id `<portalId>:<subscriptionId>:<eventId>`, type `subscriptionType`. */
function toEvent(item: unknown, text: string, span: JsonSpan, index: number): WebhookEvent {
  const type = isRecord(item) ? item['subscriptionType'] : undefined;
  if (!isRecord(item) || typeof type !== 'string' || type === '') {
    throw new WebhookError('INVALID_PAYLOAD', `Event ${index} has no string "subscriptionType"`, { details: { eventIndex: index } });
  }
  let members: Map<string, JsonSpan> | undefined;
  const memberSpans = () => (members ??= objectMemberSpans(text, span));
  const id = ID_FIELDS.map((field) => idPart(item, memberSpans, text, field, index)).join(':');
  return { id, type, payload: item, payloadJson: textOf(text, span) };
}

// --- Samples for `npm run send` --------------------------------------------------------------

const PORTAL_ID = 62515;
const APP_ID = 54321;
/** One subscription per type, as an app's webhook settings list them. */
const SUBSCRIPTIONS: Readonly<Record<string, number>> = {
  'contact.creation': 1_234_561,
  'contact.propertyChange': 1_234_562,
  'contact.deletion': 1_234_563,
  'company.creation': 1_234_564,
  'deal.creation': 1_234_565,
  'deal.propertyChange': 1_234_566,
};

/** A batch as HubSpot posts it: up to 100 items, here three of `type`, each with its own `eventId`. */
function batch(type: string, extra: (index: number) => Record<string, unknown> = () => ({})) {
  return (context: SampleContext) =>
    compactJson(
      [0, 1, 2].map((index) => ({
        eventId: randomInt(1, 2 ** 31),
        subscriptionId: SUBSCRIPTIONS[type],
        portalId: PORTAL_ID,
        appId: APP_ID,
        occurredAt: context.nowSeconds * 1000 - 1500 + index * 100,
        subscriptionType: type,
        attemptNumber: 0,
        objectId: 5_100_000_000 + randomInt(0, 99_999_999),
        changeSource: 'CRM',
        ...extra(index),
      })),
    );
}

const CONTACT_CHANGES = [
  { propertyName: 'email', propertyValue: 'zoe@example.com' },
  { propertyName: 'firstname', propertyValue: 'Zoë' },
  { propertyName: 'lifecyclestage', propertyValue: 'customer' },
];

/**
 * HubSpot webhooks (v3 signature): `X-HubSpot-Signature-v3: <base64>`, HMAC-SHA256 keyed with the
 * app's client secret over `{method}{url}{body}{timestamp}`, the timestamp in
 * `X-HubSpot-Request-Timestamp` (milliseconds), as `@hubspot/api-client`'s `Signature` computes
 * it. The SDK refuses a timestamp older than 300 s (`MAX_ALLOWED_TIMESTAMP = 300000`); hookrelay
 * checks both directions. `request.url` must be the target URL configured in HubSpot, byte for
 * byte (the route's `signedUrl` deployed; locally, the URL as received).
 * The body is a JSON array of events: each item becomes one envelope.
 */
export const hubspot: WebhookProvider = {
  name: 'hubspot',
  defaultToleranceSeconds: 300,
  // HubSpot batches at most 100 events per request, each well under a kilobyte.
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    refuseLegacySignatureAlone(request, SIGNATURE.header, LEGACY_SIGNATURE_HEADER, 'v1/v2');
    const received = requireMacs(request, SIGNATURE);
    const timestampText = requireHeader(request, TIMESTAMP_HEADER);
    const timestamp = requireUnixMilliseconds(timestampText, TIMESTAMP_HEADER);

    const secretIndex = secretIndexOfHmac(secrets, received, SIGNATURE.algorithm, request.method, request.url, signedBody(request), timestampText);
    if (secretIndex < 0) return signatureMismatch(secrets);
    assertMillisecondsWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request);
    if (!Array.isArray(body.value)) throw new WebhookError('INVALID_PAYLOAD', 'HubSpot payload is not a JSON array of events');
    const items = body.value;
    // Each event is published as its own slice of the signed body, exactly as HubSpot wrote it.
    const spans = arrayElementSpans(body.text);
    return { secretIndex, events: items.map((item, index) => toEvent(item, body.text, spans[index]!, index)) };
  },

  sign(request, { secret, nowSeconds }) {
    const body = bodyBytes(request);
    const timestamp = String(nowSeconds * 1000);
    return withSentHeaders(request, {
      [SIGNATURE.header]: hmacSignature(SIGNATURE, secret, request.method, request.url, body, timestamp),
      [TIMESTAMP_HEADER]: timestamp,
      // HubSpot still sends the v1 signature (SHA-256 of secret and body, unkeyed) for old receivers.
      [LEGACY_SIGNATURE_HEADER]: sha256Hex(secret, body),
      [LEGACY_VERSION_HEADER]: 'v1',
    });
  },

  samples: {
    defaultType: 'contact.creation',
    types: {
      'contact.creation': batch('contact.creation', () => ({ changeFlag: 'NEW' })),
      'contact.propertyChange': batch('contact.propertyChange', (index) => ({ ...CONTACT_CHANGES[index], sourceId: 'userId:8675309' })),
      'contact.deletion': batch('contact.deletion', () => ({ changeFlag: 'DELETED' })),
      'company.creation': batch('company.creation', () => ({ changeFlag: 'NEW' })),
      'deal.creation': batch('deal.creation', () => ({ changeFlag: 'NEW' })),
      'deal.propertyChange': batch('deal.propertyChange', (index) => ({ propertyName: 'dealstage', propertyValue: ['appointmentscheduled', 'qualifiedtobuy', 'closedwon'][index] })),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)' }),
  },

  development: { secret: 'hookrelay-0000-4000-8000-development0hs' },

  docs: {
    title: 'HubSpot',
    signatureHeaders: '`X-HubSpot-Signature-v3: <base64>`, `X-HubSpot-Request-Timestamp` (the v1/v2 `X-HubSpot-Signature` alone is refused)',
    signedContent: 'HMAC-SHA256 of `{method}{url}{body}{timestamp}`, the URL exactly as configured in the app',
    timestamp: '`X-HubSpot-Request-Timestamp`, milliseconds; 300 s either way (HubSpot’s SDK: 300 s, old side only)',
    eventId: 'per item `<portalId>:<subscriptionId>:<eventId>` (one envelope per item)',
    eventType: 'each item’s `subscriptionType`, e.g. `contact.propertyChange`',
    secret: 'the app’s client secret',
    secretLocation: 'Developer account → Apps → your app → *Auth* → *Client secret*',
    notSigned: 'nothing the envelopes use',
    replayProtection: 'the signed timestamp, then each item’s signed ids',
    oracle: '`@hubspot/api-client` (`Signature.getSignature`, `Signature.isValid`)',
    notes: [
      'The body is a JSON array of up to 100 events; each item becomes its own envelope, carrying its own slice of the signed body. The id joins `portalId`, `subscriptionId` and `eventId` because HubSpot does not document `eventId` alone as unique; the digits are taken as written, so ids above 2^53 are not rounded. `attemptNumber` changes between HubSpot’s retries and is not part of the id. An empty array is accepted and enqueues nothing.',
      'The signature covers the target URL, so the route must know it exactly: deployed, set the route’s `signedUrl` to the target URL configured in the app; locally, the URL each request was sent to is used as received, or `WEBHOOK_SIGNED_URL_HUBSPOT`. It is compared byte for byte, as HubSpot’s SDK takes it.',
    ],
  },
};
