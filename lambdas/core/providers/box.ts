import { isUtf8 } from 'node:buffer';
import { randomInt, randomUUID } from 'node:crypto';
import { hmac, matchesAny } from '../crypto';
import { WebhookError } from '../errors';
import {
  assertTimestampWithinTolerance,
  bodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  secretIndexOf,
  signatureMismatch,
  jsonEvent,
  jsonPost,
  MAX_SIGNATURE_CANDIDATES,
  noOptions,
  parseJsonBody,
  parseRfc3339Seconds,
  requireHeader,
  requireStringField,
  withSentHeaders,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { headerValues, type WebhookRequest } from '../request';
import { compactJson, randomHex } from '../samples';
import { hmacSignature, receivedMacs, type HmacSignatureFormat } from '../schemes';

const PRIMARY_HEADER = 'BOX-SIGNATURE-PRIMARY';
const SECONDARY_HEADER = 'BOX-SIGNATURE-SECONDARY';
const TIMESTAMP_HEADER = 'BOX-DELIVERY-TIMESTAMP';
const VERSION_HEADER = 'BOX-SIGNATURE-VERSION';
const ALGORITHM_HEADER = 'BOX-SIGNATURE-ALGORITHM';
const DELIVERY_HEADER = 'BOX-DELIVERY-ID';
/** Each of the two signature headers: a base64 HMAC-SHA256. Refusals name both as `BOX-SIGNATURE-*`. */
const SIGNATURE: HmacSignatureFormat = { header: 'BOX-SIGNATURE-*', algorithm: 'sha256', encoding: 'base64' };

const SLASH = 0x2f;
const BACKSLASH = 0x5c;

/**
 * The body as Box's SDK also tries it (`computeWebhookSignature(…, escapeBody = true)`): characters
 * from U+007F up as `\uXXXX` (each UTF-16 unit), and `/` not preceded by a backslash as `\/`. Both
 * spellings parse to the same JSON value, so accepting either changes nothing a subscriber reads.
 * One pass over the text, the SDK's two regular expressions in one (the first never leaves a
 * backslash before a `/`), so a forged request that makes every key try this form stays cheap.
 * Undefined when it would be the same bytes, or the body is not UTF-8.
 */
function escapedBody(request: Pick<WebhookRequest, 'rawBody' | 'bodyText'>): string | undefined {
  const text = request.bodyText ?? (isUtf8(request.rawBody) ? request.rawBody.toString('utf8') : undefined);
  if (text === undefined) return undefined;
  let escaped = '';
  let copied = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x7f) {
      escaped += `${text.slice(copied, index)}\\u${code.toString(16).padStart(4, '0')}`;
      copied = index + 1;
    } else if (code === SLASH && text.charCodeAt(index - 1) !== BACKSLASH) {
      escaped += `${text.slice(copied, index)}\\/`;
      copied = index + 1;
    }
  }
  return copied === 0 ? undefined : escaped + text.slice(copied);
}

/** Every signature of both headers, each value split on `,` (API Gateway joins repeated headers). */
function signatureEntries(request: Pick<WebhookRequest, 'headers'>): string[] {
  const entries = [PRIMARY_HEADER, SECONDARY_HEADER]
    .flatMap((name) => headerValues(request, name))
    .flatMap((value) => value.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new WebhookError('MISSING_SIGNATURE', `${PRIMARY_HEADER} and ${SECONDARY_HEADER} are missing`);
  if (entries.length > MAX_SIGNATURE_CANDIDATES) {
    throw new WebhookError('MALFORMED_SIGNATURE', 'BOX-SIGNATURE-* carry too many signatures', { details: { signatures: entries.length, max: MAX_SIGNATURE_CANDIDATES } });
  }
  return entries;
}

function requireSchemeHeader(request: Pick<WebhookRequest, 'headers'>, name: string, expected: string): void {
  if (requireHeader(request, name) !== expected) throw new WebhookError('MALFORMED_SIGNATURE', `${name} is not ${expected}`);
}

/** `2024-05-09T17:41:27+00:00`: the form Box's SDK writes date-times in. */
function boxTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}+00:00`;
}

// --- Samples for `npm run send` --------------------------------------------------------------

const USER = { type: 'user', id: '20115455', name: 'Zoë Martin', login: 'zoe@example.com' };
const FOLDER = { type: 'folder', id: '209184725366', sequence_id: '0', etag: '0', name: 'Reports — 2024' };

/** Box's webhook payload: a new delivery `id` on every call. */
function boxEvent(trigger: string, source: Record<string, unknown>, context: SampleContext): string {
  return compactJson({
    type: 'webhook_event',
    id: randomUUID(),
    created_at: boxTime(context.nowSeconds),
    trigger,
    webhook: { id: '8382611', type: 'webhook' },
    created_by: USER,
    source,
    additional_info: [],
  });
}

function file(context: SampleContext, trashed = false): Record<string, unknown> {
  const sha1 = randomHex(20);
  return {
    id: String(1_300_000_000_000 + randomInt(0, 99_999_999)),
    type: 'file',
    file_version: { type: 'file_version', id: String(1_400_000_000_000 + randomInt(0, 99_999_999)), sha1 },
    sequence_id: '0',
    etag: '0',
    sha1,
    name: 'Q4 report — café.pdf',
    description: '',
    size: 482_133,
    path_collection: { total_count: 2, entries: [{ type: 'folder', id: '0', sequence_id: null, etag: null, name: 'All Files' }, FOLDER] },
    created_at: boxTime(context.nowSeconds - 2),
    modified_at: boxTime(context.nowSeconds - 2),
    trashed_at: trashed ? boxTime(context.nowSeconds) : null,
    purged_at: null,
    created_by: USER,
    modified_by: USER,
    owned_by: USER,
    parent: FOLDER,
    item_status: trashed ? 'trashed' : 'active',
  };
}

function folder(context: SampleContext): Record<string, unknown> {
  return {
    ...FOLDER,
    id: String(210_000_000_000 + randomInt(0, 99_999_999)),
    name: 'Contracts',
    created_at: boxTime(context.nowSeconds),
    modified_at: boxTime(context.nowSeconds),
    created_by: USER,
    owned_by: USER,
    parent: FOLDER,
    item_status: 'active',
  };
}

function comment(context: SampleContext): Record<string, unknown> {
  return {
    type: 'comment',
    id: String(400_000_000 + randomInt(0, 99_999_999)),
    is_reply_comment: false,
    message: 'Looks good 👍 — ship it',
    created_by: USER,
    created_at: boxTime(context.nowSeconds),
    modified_at: boxTime(context.nowSeconds),
    item: { id: String(1_300_000_000_000 + randomInt(0, 99_999_999)), type: 'file' },
  };
}

/**
 * Box: `BOX-SIGNATURE-PRIMARY` and `BOX-SIGNATURE-SECONDARY`, each a base64 HMAC-SHA256 of the raw
 * body followed by `BOX-DELIVERY-TIMESTAMP` (RFC 3339), keyed with the app's primary and secondary
 * signature keys. As with any route, the secrets are a list: configure `primaryKey,secondaryKey`,
 * and a request is accepted when either header matches any configured key (so rotating either key
 * never refuses a delivery). `BOX-SIGNATURE-VERSION: 1` and `BOX-SIGNATURE-ALGORITHM: HmacSHA256`
 * are required, as Box's SDK computes no signature otherwise. Box's SDK
 * (`WebhooksManager.validateMessage`, `maxAge = 600`) refuses a timestamp older than 600 s and any
 * in the future; hookrelay allows 600 s either way.
 */
export const box: WebhookProvider = {
  name: 'box',
  defaultToleranceSeconds: 600,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const received = receivedMacs(signatureEntries(request), SIGNATURE);
    requireSchemeHeader(request, VERSION_HEADER, '1');
    requireSchemeHeader(request, ALGORITHM_HEADER, 'HmacSHA256');
    const timestampText = requireHeader(request, TIMESTAMP_HEADER);
    const timestamp = parseRfc3339Seconds(timestampText);
    if (timestamp === undefined) throw new WebhookError('MALFORMED_SIGNATURE', `${TIMESTAMP_HEADER} is not an RFC 3339 date-time`);

    // Box's SDK tries the body as received, then re-escaped; the variant is built once, and only
    // hashed for a request whose first form matched no key.
    let escaped: string | undefined | null = null;
    const secretIndex = secretIndexOf(secrets, (secret) => {
      if (matchesAny(received, hmac(SIGNATURE.algorithm, secret, signedBody(request), timestampText))) return true;
      if (escaped === null) escaped = escapedBody(request);
      return escaped !== undefined && matchesAny(received, hmac(SIGNATURE.algorithm, secret, escaped, timestampText));
    });
    if (secretIndex < 0) return signatureMismatch(secrets);
    assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request);
    return { secretIndex, events: [jsonEvent(requireStringField(body.value, ['id']), requireStringField(body.value, ['trigger']), body)] };
  },

  /** `secret` is the primary key, or `primaryKey,secondaryKey` to sign both headers as Box does. */
  sign(request, { secret, nowSeconds }) {
    const [primary = secret, secondary] = secret.split(',').map((key) => key.trim()).filter((key) => key !== '');
    const timestamp = boxTime(nowSeconds);
    const body = bodyBytes(request);
    return withSentHeaders(request, {
      [TIMESTAMP_HEADER]: timestamp,
      [PRIMARY_HEADER]: hmacSignature(SIGNATURE, primary, body, timestamp),
      ...(secondary === undefined ? {} : { [SECONDARY_HEADER]: hmacSignature(SIGNATURE, secondary, body, timestamp) }),
      [VERSION_HEADER]: '1',
      [ALGORITHM_HEADER]: 'HmacSHA256',
    });
  },

  samples: {
    defaultType: 'FILE.UPLOADED',
    types: {
      'FILE.UPLOADED': (c) => boxEvent('FILE.UPLOADED', file(c), c),
      'FILE.DOWNLOADED': (c) => boxEvent('FILE.DOWNLOADED', file(c), c),
      'FILE.TRASHED': (c) => boxEvent('FILE.TRASHED', file(c, true), c),
      'FOLDER.CREATED': (c) => boxEvent('FOLDER.CREATED', folder(c), c),
      'COMMENT.CREATED': (c) => boxEvent('COMMENT.CREATED', comment(c), c),
    },
    request: (body, _type, context) => jsonPost(body, context, { [DELIVERY_HEADER]: randomUUID(), 'User-Agent': 'Box-WH-Client/0.1' }),
  },

  development: { secret: 'hookrelayDevelopmentBoxPrimaryKey' },

  docs: {
    title: 'Box',
    signatureHeaders: '`BOX-SIGNATURE-PRIMARY`, `BOX-SIGNATURE-SECONDARY` (base64), `BOX-DELIVERY-TIMESTAMP`; `BOX-SIGNATURE-VERSION: 1` and `BOX-SIGNATURE-ALGORITHM: HmacSHA256` required',
    signedContent: 'HMAC-SHA256 of `{body}{timestamp}`, with the primary key in one header and the secondary key in the other; either may match any configured key',
    timestamp: '`BOX-DELIVERY-TIMESTAMP`, RFC 3339; 600 s either way (Box’s SDK: 600 s old, none in the future)',
    eventId: '`id` (the webhook event)',
    eventType: '`trigger`, e.g. `FILE.UPLOADED`',
    secret: '`primaryKey,secondaryKey` (either alone works; Box signs with both)',
    secretLocation: 'Developer Console → your app → *Webhooks* → *Manage signature keys* → primary and secondary key',
    notSigned: '`BOX-DELIVERY-ID`',
    replayProtection: 'the signed timestamp (600 s), then the signed `id`',
    oracle: '`box-node-sdk` (`WebhooksManager.validateMessage`); Box ships no signer, so `sign` is checked by its verifier',
    notes: [
      'As Box’s SDK does, the signature is also tried over the body re-escaped (characters from U+007F as `\\uXXXX`, `/` as `\\/`); both spellings parse to the same JSON, and the envelope carries the body as received.',
    ],
  },
};
