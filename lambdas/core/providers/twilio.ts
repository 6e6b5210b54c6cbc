import { parse as parseQuerystring, stringify as stringifyQuerystring } from 'node:querystring';
import { constantTimeEqual, hmac, matchesAny, sha256Hex } from '../crypto';
import { stringifyForWire } from '../envelope';
import { WebhookError } from '../errors';
import {
  contentKey,
  secretIndexOf,
  signatureMismatch,
  isRecord,
  jsonEvent,
  noOptions,
  parseJsonBody,
  signatureHeaderEntries,
  bodyBytes,
  sentHeader,
  withSentHeaders,
  signedBody,
  type OutgoingRequest,
  type WebhookProvider,
} from '../provider';
import { header, type WebhookRequest } from '../request';
import { randomUUID } from 'node:crypto';
import { formBody, randomHex } from '../samples';
import { hmacSignature, receivedMacs, type HmacSignatureFormat } from '../schemes';

const SIGNATURE_HEADER = 'X-Twilio-Signature';
/** `X-Twilio-Signature`: a base64 HMAC-SHA1, or HMAC-SHA256 for webhooks signed by a SharedKey that names it. */
const SHA1_SIGNATURE: HmacSignatureFormat = { header: SIGNATURE_HEADER, algorithm: 'sha1', encoding: 'base64' };
const SHA256_SIGNATURE: HmacSignatureFormat = { header: SIGNATURE_HEADER, algorithm: 'sha256', encoding: 'base64' };
/** Sent with webhooks signed by a SharedKey: `key=<id>,algorithm=HMAC_SHA1|HMAC_SHA256`. */
const SIGNATURE_SETTINGS_HEADER = 'X-Twilio-Webhooks-Signature-Settings';
const IDEMPOTENCY_HEADER = 'I-Twilio-Idempotency-Token';

/** Form parameters as Twilio's SDK sees them: a repeated key keeps every value. */
export type TwilioParams = Record<string, string | string[]>;

/**
 * Parameters naming what happened, most specific first, each with the namespace its value gets.
 * Statuses overlap between resources (`failed`, `queued`, `canceled` exist for both messages and
 * calls), so the bare value would be ambiguous in an SNS filter policy: `message.delivered`,
 * `call.completed`, `recording.completed` are not. `EventType` (TaskRouter, Conversations, Sync)
 * is already namespaced by Twilio (`task.created`, `onMessageAdded`) and is used verbatim.
 * A recording or transcription callback also carries the call's fields, hence the order.
 */
const TYPE_FIELDS: ReadonlyArray<readonly [field: string, namespace: string]> = [
  ['RecordingStatus', 'recording.'],
  ['TranscriptionStatus', 'transcription.'],
  ['StatusCallbackEvent', 'conference.'],
  ['MessageStatus', 'message.'],
  ['SmsStatus', 'message.'],
  ['CallStatus', 'call.'],
  ['EventType', ''],
];
/** Type of a request that names none of the fields above. */
export const TWILIO_UNKNOWN_TYPE = 'unknown';

/**
 * Most form parameters parsed before the signature is checked. Parsing and sorting the parameters
 * is the signed content, so it precedes verification; Twilio's callbacks carry a few dozen.
 */
export const MAX_FORM_PARAMETERS = 512;

/** The signature's format, as `X-Twilio-Webhooks-Signature-Settings` names its algorithm (HMAC-SHA1 without it). */
function signatureFormat(settings: string | undefined): HmacSignatureFormat {
  let algorithm = 'HMAC_SHA1';
  for (const part of (settings ?? '').split(',')) {
    const separator = part.indexOf('=');
    if (separator >= 0 && part.slice(0, separator).trim() === 'algorithm') {
      const value = part.slice(separator + 1).trim();
      if (value !== '') {
        algorithm = value;
        break;
      }
    }
  }
  switch (algorithm.toUpperCase()) {
    case 'HMAC_SHA1':
      return SHA1_SIGNATURE;
    case 'HMAC_SHA256':
      return SHA256_SIGNATURE;
    default:
      throw new WebhookError('MALFORMED_SIGNATURE', `${SIGNATURE_SETTINGS_HEADER} names an unsupported algorithm`);
  }
}

// --- URL candidates, as Twilio's SDK builds them (twilio/lib/webhooks/webhooks.js) -------------

interface UrlParts {
  readonly scheme: string;
  readonly userInfo: string;
  readonly host: string;
  readonly port: string;
  readonly rest: string;
}

/** Splits a URL without normalising it: the path and query keep the exact characters signed. */
function splitUrl(url: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const [prefix, scheme = '', authority = ''] = match;
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

function withDefaultPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

function withoutPort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

function withLegacyQuerystring(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  return `${url.slice(0, queryStart)}?${stringifyQuerystring(parseQuerystring(url.slice(queryStart + 1)))}`;
}

/**
 * The URLs Twilio may have signed for `url`, most likely first, each yielded once: as received,
 * with and without the default port, then (for back ends that signed an escaped form) as
 * normalised by `new URL()`, with and without the port and the legacy querystring encoding.
 * Lazy: a genuine request usually matches the first, so the rest are never built.
 */
export function* twilioUrlCandidates(url: string): Generator<string> {
  const seen = new Set<string>();
  const fresh = (candidate: string) => !seen.has(candidate) && seen.add(candidate) !== undefined;
  for (const candidate of [url, withoutPort(url), withDefaultPort(url)]) if (fresh(candidate)) yield candidate;
  let normalised: string;
  try {
    normalised = new URL(url).toString();
  } catch {
    return; // Not an absolute URL: only the as-received candidates apply.
  }
  for (const variant of [withoutPort(normalised), withDefaultPort(normalised)]) {
    if (fresh(variant)) yield variant;
    const legacy = withLegacyQuerystring(variant);
    if (fresh(legacy)) yield legacy;
  }
}

/**
 * The URL Twilio signed for a JSON body: Twilio appends `bodySHA256` to the configured URL. A URL
 * rebuilt from the request already carries it; a configured exact URL does not, so it is appended.
 */
function withBodyHash(url: string, bodyHash: string): string {
  if (/[?&]bodySHA256=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}bodySHA256=${encodeURIComponent(bodyHash)}`;
}

/** `bodySHA256` from the query string: present when Twilio sent a JSON body. */
function bodyHashParameter(request: Pick<WebhookRequest, 'query'>): string | undefined {
  return request.query['bodySHA256']?.[0];
}

/**
 * Parses an `application/x-www-form-urlencoded` body; a repeated key keeps every value. More than
 * MAX_FORM_PARAMETERS parameters is refused before any of them is decoded.
 */
export function parseFormParams(text: string): TwilioParams {
  let pairs = 1;
  for (let index = text.indexOf('&'); index !== -1; index = text.indexOf('&', index + 1)) {
    if (++pairs > MAX_FORM_PARAMETERS) {
      throw new WebhookError('INVALID_PAYLOAD', `Form body has more than ${MAX_FORM_PARAMETERS} parameters`);
    }
  }
  const params: TwilioParams = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = params[key];
    if (existing === undefined) params[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else params[key] = [existing, value];
  }
  return params;
}

/** `key + value` for each parameter sorted by key; a repeated key's distinct values sorted. */
function signedParams(params: TwilioParams): string {
  let data = '';
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!;
    if (Array.isArray(value)) for (const item of [...new Set(value)].sort()) data += key + item;
    else data += key + value;
  }
  return data;
}

/** Twilio sends JSON bodies with `Content-Type: application/json` (and signs them differently). */
function isJsonRequest(request: OutgoingRequest): boolean {
  return (sentHeader(request, 'content-type') ?? '').includes('json');
}

/** A body of the user's own is sent as JSON when it is a JSON object or array, else as a form. */
function looksLikeJson(body: string): boolean {
  const start = body.trimStart()[0];
  return start === '{' || start === '[';
}

/** The first TYPE_FIELDS match; for a JSON object (a CloudEvent, say) then its `type`; else `unknown`. */
function eventType(payload: unknown, json: boolean): string {
  if (!isRecord(payload)) return TWILIO_UNKNOWN_TYPE;
  const fields = json ? [...TYPE_FIELDS, ['type', ''] as const] : TYPE_FIELDS;
  for (const [field, namespace] of fields) {
    const raw = Object.hasOwn(payload, field) ? payload[field] : undefined;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string' && value !== '') return namespace + value;
  }
  return TWILIO_UNKNOWN_TYPE;
}

// --- Samples for `npm run send` --------------------------------------------------------------

// Twilio's id is the `I-Twilio-Idempotency-Token` header (see the signer); the SIDs are fresh too.
// Types are named as hookrelay names them (`message.delivered`, `call.completed`: see docs/providers.md).
const ACCOUNT_SID = 'AC0000000000hookrelay0development';
const OUR_NUMBER = '+14155550100';
const THEIR_NUMBER = '+33612345678';

const sid = (prefix: string) => prefix + randomHex(16);

function messageStatus(status: string, extra: Record<string, string> = {}): string {
  const messageSid = sid('SM');
  return formBody({
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    From: OUR_NUMBER,
    To: THEIR_NUMBER,
    MessageSid: messageSid,
    SmsSid: messageSid,
    MessageStatus: status,
    SmsStatus: status,
    ...extra,
  });
}

function incomingMessage(): string {
  const messageSid = sid('SM');
  return formBody({
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    From: THEIR_NUMBER,
    To: OUR_NUMBER,
    MessageSid: messageSid,
    SmsMessageSid: messageSid,
    SmsSid: messageSid,
    SmsStatus: 'received',
    Body: 'Bonjour 👋 — est-ce livré ?',
    NumMedia: '0',
    NumSegments: '1',
    FromCountry: 'FR',
    ToCountry: 'US',
  });
}

function callStatus(status: string, direction: string, extra: Record<string, string> = {}): string {
  return formBody({
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: sid('CA'),
    CallStatus: status,
    Direction: direction,
    From: direction === 'inbound' ? THEIR_NUMBER : OUR_NUMBER,
    To: direction === 'inbound' ? OUR_NUMBER : THEIR_NUMBER,
    ...extra,
  });
}

/**
 * Twilio: `X-Twilio-Signature: <base64>` HMAC-SHA1, keyed with the account's Auth Token, over the
 * public URL followed by every form parameter sorted by key (`key` + `value`). JSON bodies are
 * signed over the URL alone, which carries `bodySHA256` = SHA-256 hex of the body. Webhooks signed
 * by a SharedKey name HMAC_SHA256 in `X-Twilio-Webhooks-Signature-Settings`. `request.url` must be
 * the URL configured in Twilio (the route's `signedUrl`, else rebuilt by the adapter); ports are
 * tolerated as Twilio's SDK does.
 *
 * No timestamp is signed, and `I-Twilio-Idempotency-Token` is not signed either: deduplication uses
 * the signed content (URL and sorted parameters) and the event type (`contentKey`), so the same
 * request sent again with a fresh token, reordered parameters or a repeated pair is a repeat.
 *
 * Event id: `I-Twilio-Idempotency-Token` (stable across Twilio's retries), else the SHA-256 hex
 * of the URL, a NUL byte and the body. Event type: see TYPE_FIELDS; for a JSON object then its
 * `type` field; else `unknown`.
 */
export const twilio: WebhookProvider = {
  name: 'twilio',
  defaultToleranceSeconds: 0,
  // Twilio's callbacks are a few kilobytes of form parameters, parsed before verification.
  defaultMaxBodyBytes: 128 * 1024,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    const entries = signatureHeaderEntries(request, SIGNATURE_HEADER);
    const format = signatureFormat(header(request, SIGNATURE_SETTINGS_HEADER));
    const received = receivedMacs(entries, format);

    const bodyHash = bodyHashParameter(request);
    const params = bodyHash === undefined ? parseFormParams(request.bodyText ?? request.rawBody.toString('utf8')) : undefined;
    const signedData = params === undefined ? '' : signedParams(params);
    const signedUrl = bodyHash === undefined ? request.url : withBodyHash(request.url, bodyHash);

    let matchedUrl = signedUrl;
    const secretIndex = secretIndexOf(secrets, (secret) => {
      for (const url of twilioUrlCandidates(signedUrl)) {
        if (matchesAny(received, hmac(format.algorithm, secret, url, signedData))) {
          matchedUrl = url;
          return true;
        }
      }
      return false;
    });
    if (secretIndex < 0) return signatureMismatch(secrets);
    if (bodyHash !== undefined && !constantTimeEqual(Buffer.from(bodyHash), Buffer.from(sha256Hex(signedBody(request))))) {
      throw new WebhookError('INVALID_SIGNATURE', 'Body does not match the signed bodySHA256');
    }

    const id = header(request, IDEMPOTENCY_HEADER) || sha256Hex(request.url, '\0', signedBody(request));
    if (params !== undefined) {
      const type = eventType(params, false);
      const key = contentKey(type, matchedUrl, '\n', signedData);
      return { secretIndex, events: [{ id, type, payload: params, payloadJson: stringifyForWire(params), contentKey: key }] };
    }
    const body = parseJsonBody(request);
    const type = eventType(body.value, true);
    return { secretIndex, events: [jsonEvent(id, type, body, contentKey(type, matchedUrl))] };
  },

  sign(request, { secret, nowSeconds }) {
    const format = signatureFormat(sentHeader(request, SIGNATURE_SETTINGS_HEADER));
    const body = bodyBytes(request);
    if (isJsonRequest(request)) {
      // Twilio signs a JSON body's URL alone, after appending the body's SHA-256 to it.
      const url = withBodyHash(request.url, sha256Hex(body));
      return { ...withSentHeaders(request, { [SIGNATURE_HEADER]: hmacSignature(format, secret, url) }), url };
    }
    const signature = hmacSignature(format, secret, request.url, signedParams(parseFormParams(body.toString('utf8'))));
    return withSentHeaders(request, { [SIGNATURE_HEADER]: signature });
  },

  samples: {
    defaultType: 'message.delivered',
    types: {
      'message.delivered': () => messageStatus('delivered', { RawDlrDoneDate: '2511291030' }),
      'message.sent': () => messageStatus('sent'),
      'message.failed': () => messageStatus('failed', { ErrorCode: '30008' }),
      'message.undelivered': () => messageStatus('undelivered', { ErrorCode: '30003' }),
      'message.received': incomingMessage,
      'call.ringing': () => callStatus('ringing', 'inbound'),
      'call.completed': () => callStatus('completed', 'outbound-api', { CallDuration: '42', Duration: '1' }),
      'recording.completed': () =>
        callStatus('completed', 'outbound-api', {
          RecordingSid: sid('RE'),
          RecordingStatus: 'completed',
          RecordingDuration: '41',
          RecordingChannels: '1',
          RecordingSource: 'RecordVerb',
        }),
    },
    request: (body, _type, context) => ({
      method: 'POST',
      url: context.url,
      headers: {
        'Content-Type': looksLikeJson(body) ? 'application/json' : 'application/x-www-form-urlencoded',
        [IDEMPOTENCY_HEADER]: randomUUID(),
        'User-Agent': 'TwilioProxy/1.1',
      },
      body,
    }),
  },

  development: { secret: 'hookrelay0development0twilio0tok' },

  docs: {
    title: 'Twilio',
    signatureHeaders: '`X-Twilio-Signature: <base64>` (`X-Twilio-Webhooks-Signature-Settings` selects HMAC-SHA256 for SharedKey webhooks)',
    signedContent:
      'HMAC-SHA1 of `{url}` followed by each form parameter sorted by key (`key` + `value`); JSON bodies: of `{url}` alone, whose `bodySHA256` query parameter must equal the SHA-256 hex of the body',
    timestamp: 'none',
    eventId: '`I-Twilio-Idempotency-Token`, else the SHA-256 hex of `url ‖ NUL ‖ body`',
    eventType: '`message.<MessageStatus>`, `call.<CallStatus>`, … (the Twilio notes in docs/providers.md)',
    secret: 'Auth Token (32 hex characters), or a SharedKey secret',
    secretLocation: 'Console → Account → API keys & tokens → *Auth Token* (rotate via the secondary token)',
    notSigned: '`I-Twilio-Idempotency-Token` (the envelope `id`) and the order of the form parameters',
    replayProtection: 'the signed URL and parameters with the event type: a fresh token, reordered parameters or a repeated pair is the same event',
    oracle: '`twilio` (`getExpectedTwilioSignature`, `validateRequest`, `validateRequestWithBody`)',
    notes: [
      'The signature covers the URL configured in Twilio, so the route must know it exactly: set the route’s `signedUrl` (deployed, API Gateway hands the query string over decoded, and the rebuilt URL loses repeated keys, URL values and commas). Locally the URL each request was sent to is used as received, or `WEBHOOK_SIGNED_URL_<ROUTE>`. As Twilio’s SDK does, the URL is tried with and without the port, then as normalised by `new URL()` with and without the legacy querystring encoding.',
      'The payload is the form parameters as an object (a repeated key becomes a list) or the JSON body as sent. The type is the first of these present, with a namespace because statuses overlap between resources (`failed`, `queued`, `canceled` exist for both messages and calls): `RecordingStatus` → `recording.<value>`; `TranscriptionStatus` → `transcription.<value>`; `StatusCallbackEvent` → `conference.<value>`; `MessageStatus`, then `SmsStatus` → `message.<value>` (an incoming SMS is `message.received`); `CallStatus` → `call.<value>`; `EventType` (TaskRouter, Conversations, Sync) → the value verbatim; for JSON bodies `type` (CloudEvents) → verbatim; none → `unknown`.',
    ],
  },
};
