import { randomInt } from 'node:crypto';
import { constantTimeEqual, decodeSignature, hmac, memoizeSecretParse } from '../crypto';
import { isWebhookError, WebhookError } from '../errors';
import { arrayElementSpans, spanAt, textOf } from '../raw-json';
import {
  bodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  secretIndexOf,
  signatureMismatch,
  isRecord,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  type DirectReply,
  type SampleContext,
  type WebhookEvent,
  type WebhookProvider,
} from '../provider';
import { compactJson, isoTime } from '../samples';
import { decodeMac } from '../schemes';

/** What Adyen expects from every accepted request, first or repeated: exactly this text. */
const ACCEPTED: DirectReply = { statusCode: 200, contentType: 'text/plain', body: '[accepted]' };

/**
 * The HMAC key as the Customer Area shows it: hex digits (64 of them), decoded to bytes before use,
 * as Adyen's libraries do. Anything that is not hex never matches.
 */
export const parseAdyenHmacKey = memoizeSecretParse(function parseAdyenHmacKey(secret: string): Buffer | undefined {
  return decodeSignature(secret.trim(), 'hex');
});

/** A signed field as Adyen's library writes it into the signed string (`Array#join`): absent or null is ''. */
function signedValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * `pspReference:originalReference:merchantAccountCode:merchantReference:amount.value:amount.currency:eventCode:success`
 * of one NotificationRequestItem, or undefined when a field is an object or an array (Adyen sends
 * strings and numbers; its library would sign `[object Object]`).
 */
export function adyenSignedString(item: Record<string, unknown>): string | undefined {
  const amount = isRecord(item['amount']) ? item['amount'] : {};
  const parts = [
    item['pspReference'],
    item['originalReference'],
    item['merchantAccountCode'],
    item['merchantReference'],
    amount['value'],
    amount['currency'],
    item['eventCode'],
    item['success'],
  ].map(signedValue);
  return parts.includes(undefined) ? undefined : parts.join(':');
}

interface NotificationItem {
  readonly item: Record<string, unknown>;
  readonly signed: string;
}

/** Each `notificationItems[k].NotificationRequestItem`, or INVALID_PAYLOAD naming the first that is not one. */
function notificationItems(value: unknown): NotificationItem[] {
  const wrappers = isRecord(value) ? value['notificationItems'] : undefined;
  if (!Array.isArray(wrappers)) throw new WebhookError('INVALID_PAYLOAD', 'Adyen payload has no "notificationItems" array');
  if (wrappers.length === 0) throw new WebhookError('INVALID_PAYLOAD', 'Adyen payload has no notification items');
  return wrappers.map((wrapper: unknown, index) => {
    const item = isRecord(wrapper) ? wrapper['NotificationRequestItem'] : undefined;
    if (!isRecord(item)) {
      throw new WebhookError('INVALID_PAYLOAD', `Notification item ${index} has no "NotificationRequestItem" object`, { details: { itemIndex: index } });
    }
    const signed = adyenSignedString(item);
    if (signed === undefined) {
      throw new WebhookError('INVALID_PAYLOAD', `Notification item ${index} has a signed field that is not a string or a number`, { details: { itemIndex: index } });
    }
    return { item, signed };
  });
}

/** Each item's text exactly as Adyen wrote it (`notificationItems[k].NotificationRequestItem`). */
function itemTexts(text: string): string[] {
  return arrayElementSpans(text, spanAt(text, ['notificationItems'])!).map((wrapper) => textOf(text, spanAt(text, ['NotificationRequestItem'], wrapper)!));
}

/**
 * Checks one item's `additionalData.hmacSignature` against every secret: the index that matched,
 * or the refusal (returned, not thrown: see `secretIndexOf`).
 */
function verifyItem({ item, signed }: NotificationItem, index: number, secrets: readonly string[]): number | WebhookError {
  const additionalData = item['additionalData'];
  const text = isRecord(additionalData) ? additionalData['hmacSignature'] : undefined;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new WebhookError('MISSING_SIGNATURE', `Notification item ${index} has no additionalData.hmacSignature`, { details: { itemIndex: index } });
  }
  const signature = decodeMac(text.trim(), 'sha256', 'base64');
  if (signature === undefined) {
    throw new WebhookError('MALFORMED_SIGNATURE', `Notification item ${index} has an hmacSignature that is not base64 of 32 bytes`, { details: { itemIndex: index } });
  }
  const secretIndex = secretIndexOf(secrets, (secret) => {
    const key = parseAdyenHmacKey(secret);
    return key !== undefined && constantTimeEqual(signature, hmac('sha256', key, signed));
  });
  if (secretIndex >= 0) return secretIndex;
  const mismatch = signatureMismatch(secrets);
  return new WebhookError(mismatch.code, `${mismatch.message} (notification item ${index})`, { details: { ...mismatch.details, itemIndex: index } });
}

// --- Samples for `npm run send` --------------------------------------------------------------

const MERCHANT_ACCOUNT = 'HookrelayECOM';
const PSP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A 16-character PSP reference, the shape of Adyen's. */
function pspReference(): string {
  return Array.from({ length: 16 }, () => PSP_ALPHABET[randomInt(PSP_ALPHABET.length)]).join('');
}

/** Adyen's `eventDate`: local time with its offset, no fraction. */
function eventDate(seconds: number): string {
  return isoTime(seconds).replace('.000Z', '+00:00');
}

type ItemOf = (context: SampleContext) => Record<string, unknown>;

/** A notification as Adyen posts it: `live` and the items, each wrapped in `NotificationRequestItem`. */
function notification(...items: ItemOf[]) {
  return (context: SampleContext) => compactJson({ live: 'false', notificationItems: items.map((item) => ({ NotificationRequestItem: item(context) })) });
}

const authorisation: ItemOf = (c) => ({
  additionalData: { authCode: String(randomInt(100_000, 1_000_000)), cardSummary: '1111', expiryDate: '03/2030' },
  amount: { currency: 'EUR', value: 2000 },
  eventCode: 'AUTHORISATION',
  eventDate: eventDate(c.nowSeconds),
  merchantAccountCode: MERCHANT_ACCOUNT,
  merchantReference: `order-${randomInt(10_000, 100_000)}`,
  operations: ['CANCEL', 'CAPTURE', 'REFUND'],
  paymentMethod: 'visa',
  pspReference: pspReference(),
  reason: '064135:1111:03/2030',
  success: 'true',
});

/** A modification (capture, refund, cancellation) of an earlier payment: `originalReference` names it. */
function modification(eventCode: string, amount: number): ItemOf {
  return (c) => ({
    additionalData: {},
    amount: { currency: 'EUR', value: amount },
    eventCode,
    eventDate: eventDate(c.nowSeconds),
    merchantAccountCode: MERCHANT_ACCOUNT,
    merchantReference: `order-${randomInt(10_000, 100_000)}`,
    originalReference: pspReference(),
    paymentMethod: 'visa',
    pspReference: pspReference(),
    reason: '',
    success: 'true',
  });
}

/**
 * Adyen standard webhooks (payments notifications), JSON. No header: each item carries its own
 * signature, `NotificationRequestItem.additionalData.hmacSignature`, base64 HMAC-SHA256 keyed with
 * the hex-decoded HMAC key over eight of its fields joined with `:` (`adyenSignedString`). Every item
 * must verify, or the whole request is refused. One event per item: id
 * `<pspReference>:<eventCode>:<success>` (all signed), type `eventCode`, payload the item. Every
 * accepted request is answered `[accepted]`, as Adyen requires.
 */
export const adyen: WebhookProvider = {
  name: 'adyen',
  // Adyen signs no timestamp.
  defaultToleranceSeconds: 0,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    // The signatures are in the body: its shape is checked first, then every item's signature, and
    // only then are events built, so one bad item refuses the whole request.
    const body = parseJsonBody(request);
    const items = notificationItems(body.value);
    const secretIndexes: number[] = [];
    for (const [index, item] of items.entries()) {
      const matched = verifyItem(item, index, secrets);
      if (isWebhookError(matched)) return matched;
      secretIndexes.push(matched);
    }
    // Only a request whose every item verified has its items' exact texts cut out of the body.
    const texts = itemTexts(body.text);
    const events = items.map(({ item }, index): WebhookEvent => {
      const type = requireStringField(item, ['eventCode']);
      const id = `${requireStringField(item, ['pspReference'])}:${type}:${signedValue(item['success'])}`;
      return { id, type, payload: item, payloadJson: texts[index]! };
    });
    return { secretIndex: secretIndexes[0]!, events, reply: ACCEPTED };
  },

  sign(request, { secret }) {
    const key = parseAdyenHmacKey(secret);
    if (key === undefined) throw new Error('adyen signs with the HMAC key as the Customer Area shows it: hex digits');
    let parsed: unknown;
    try {
      parsed = JSON.parse(bodyBytes(request).toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const wrappers = isRecord(parsed) ? parsed['notificationItems'] : undefined;
    if (!Array.isArray(wrappers)) throw new Error('adyen signs inside the notification items: the body must be a JSON object with "notificationItems"');
    for (const wrapper of wrappers) {
      const item = isRecord(wrapper) ? wrapper['NotificationRequestItem'] : undefined;
      const signed = isRecord(item) ? adyenSignedString(item) : undefined;
      // An item Adyen would never send stays unsigned, and verify refuses it for its shape.
      if (!isRecord(item) || signed === undefined) continue;
      const additionalData = isRecord(item['additionalData']) ? item['additionalData'] : {};
      item['additionalData'] = { ...additionalData, hmacSignature: hmac('sha256', key, signed).toString('base64') };
    }
    return { ...request, body: JSON.stringify(parsed) };
  },

  samples: {
    defaultType: 'AUTHORISATION',
    types: {
      AUTHORISATION: notification(authorisation),
      CAPTURE: notification(modification('CAPTURE', 2000)),
      // Adyen may put several items in one notification: each becomes its own event.
      REFUND: notification(modification('REFUND', 500), modification('REFUND', 1500)),
      CANCELLATION: notification(modification('CANCELLATION', 2000)),
      CHARGEBACK: notification((c) => ({ ...modification('CHARGEBACK', 2000)(c), reason: 'Fraudulent transaction', additionalData: { chargebackReasonCode: '10.4', modificationMerchantReferences: '' } })),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'Adyen HttpClient 1.0' }),
  },

  development: { secret: 'C0FFEE5EEDC0FFEE5EEDC0FFEE5EEDC0FFEE5EEDC0FFEE5EEDC0FFEE5EEDC0DE' },

  docs: {
    title: 'Adyen',
    signatureHeaders: 'none: each item’s `NotificationRequestItem.additionalData.hmacSignature` (base64)',
    signedContent:
      'HMAC-SHA256, keyed with the hex-decoded HMAC key, of `pspReference:originalReference:merchantAccountCode:merchantReference:amount.value:amount.currency:eventCode:success` (absent fields empty)',
    timestamp: 'none',
    eventId: 'per item `<pspReference>:<eventCode>:<success>` (one envelope per item)',
    eventType: 'per item `eventCode`',
    secret: 'the HMAC key: 64 hex characters',
    secretLocation: 'Customer Area → Developers → Webhooks → your webhook → *Security* → *HMAC key* (generate it there)',
    notSigned:
      'every other field of an item — `eventDate`, `reason`, `paymentMethod`, `operations`, `additionalData` — and the body’s `live` flag (not published: test and live have separate webhooks and keys). Someone holding one genuine item can change those fields and, if their copy arrives first, have it published instead; subscribers should treat them as Adyen’s word only where the signed fields agree',
    replayProtection:
      'the signed id: a captured item sent again within the idempotency window is a repeat. Adyen signs no timestamp, so after the window it would be published again',
    replies: 'Every accepted request, first or repeated, is answered `200 text/plain` with exactly `[accepted]`.',
    oracle: '`@adyen/api-library` (`hmacValidator.calculateHmac`, `validateHMAC`)',
    notes: [
      'Every item must carry a valid signature: one missing or wrong signature refuses the whole request (`401`) and nothing is published. Adyen retries a refused notification.',
      'Each event’s payload is its `NotificationRequestItem` object, exactly as Adyen wrote it. Adyen’s optional Basic authentication on the webhook is not checked: the HMAC signature is.',
    ],
  },
};
