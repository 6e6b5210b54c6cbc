import { randomBytes, randomInt } from 'node:crypto';
import { constantTimeEqual, hmac, sha256Hex } from '../crypto';
import { WebhookError } from '../errors';
import { objectMemberSpans, rootSpan } from '../raw-json';
import {
  assertTimestampWithinTolerance,
  bodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  secretIndexOf,
  signatureMismatch,
  isRecord,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  parseUnixSeconds,
  requireStringField,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { compactJson, randomId } from '../samples';
import { decodeMac } from '../schemes';

/** Mailgun's tokens are 50 characters; anything much longer is not one (and would only cost work). */
const MAX_TOKEN_LENGTH = 256;

interface MailgunSignature {
  /** As sent: with the token, the signed content. */
  readonly timestampText: string;
  readonly timestamp: number;
  readonly token: string;
  readonly signature: Buffer;
}

/** The body's `signature` object: MISSING_SIGNATURE without one, MALFORMED_SIGNATURE when a field is not what Mailgun sends. */
function signatureOf(body: Record<string, unknown>): MailgunSignature {
  const signed = body['signature'];
  if (!isRecord(signed)) throw new WebhookError('MISSING_SIGNATURE', 'Body has no "signature" object');
  const { timestamp: rawTimestamp, token, signature: rawSignature } = signed;
  if (rawTimestamp === undefined || token === undefined || rawSignature === undefined) {
    throw new WebhookError('MISSING_SIGNATURE', '"signature" needs "timestamp", "token" and "signature"');
  }
  // Mailgun writes the timestamp as a string of seconds; a JSON integer is read as the same digits.
  const timestampText = typeof rawTimestamp === 'number' && Number.isSafeInteger(rawTimestamp) && rawTimestamp >= 0 ? String(rawTimestamp) : rawTimestamp;
  const timestamp = typeof timestampText === 'string' ? parseUnixSeconds(timestampText) : undefined;
  if (timestamp === undefined) throw new WebhookError('MALFORMED_SIGNATURE', 'signature.timestamp is not a UNIX timestamp in seconds');
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new WebhookError('MALFORMED_SIGNATURE', `signature.token is not a string of 1 to ${MAX_TOKEN_LENGTH} characters`);
  }
  const signature = typeof rawSignature === 'string' ? decodeMac(rawSignature, 'sha256', 'hex') : undefined;
  if (signature === undefined) throw new WebhookError('MALFORMED_SIGNATURE', 'signature.signature is not 64 hex digits');
  return { timestampText: timestampText as string, timestamp, token, signature };
}

/**
 * `text` (a JSON object) with its `signature` member set to `signatureJson`, every other byte kept:
 * the value replaced in place, or the member added first, where Mailgun writes it.
 */
function withSignatureMember(text: string, signatureJson: string): string {
  const root = rootSpan(text);
  const existing = objectMemberSpans(text, root).get('signature');
  if (existing) return text.slice(0, existing.start) + signatureJson + text.slice(existing.end);
  const empty = /^\{\s*\}$/.test(text.slice(root.start, root.end));
  return `${text.slice(0, root.start + 1)}"signature":${signatureJson}${empty ? '' : ','}${text.slice(root.start + 1)}`;
}

// --- Samples for `npm run send` --------------------------------------------------------------

const DOMAIN = 'mg.hookrelay.example';
const RECIPIENT = 'zoe@example.com';

/** Mailgun's event ids: 22 URL-safe characters. */
const eventId = () => randomId('', 22);

/** A webhook body before signing: `event-data` only (the signer adds `signature`). */
function mailgunEvent(event: string, context: SampleContext, extra: Record<string, unknown> = {}): string {
  const messageId = `${context.nowSeconds}.${randomInt(10 ** 5, 10 ** 6)}.${randomId('', 8)}@${DOMAIN}`;
  return compactJson({
    'event-data': {
      id: eventId(),
      timestamp: context.nowSeconds + randomInt(1_000_000) / 1_000_000,
      'log-level': event === 'failed' ? 'error' : 'info',
      event,
      recipient: RECIPIENT,
      'recipient-domain': 'example.com',
      tags: ['receipts'],
      'user-variables': { order_id: `order-${randomInt(10_000, 100_000)}` },
      envelope: { transport: 'smtp', sender: `billing@${DOMAIN}`, targets: RECIPIENT },
      message: { headers: { to: `Zoë Martin <${RECIPIENT}>`, 'message-id': messageId, from: `Billing <billing@${DOMAIN}>`, subject: 'Votre reçu ✉️' }, attachments: [], size: 4_096 },
      flags: { 'is-routed': false, 'is-authenticated': true, 'is-system-test': false, 'is-test-mode': false },
      ...extra,
    },
  });
}

/**
 * Mailgun webhooks: the signature is in the body, `signature: { timestamp, token, signature }`,
 * hex HMAC-SHA256 keyed with the HTTP webhook signing key over `{timestamp}{token}`. **Nothing else
 * is signed**: the event data (`event-data`, its id and type included) is the sender's word. So
 * one signature is bound to the body it first arrives with (`signatureBinding`): the same
 * signature with other event data is refused, and someone holding one genuine request can neither
 * multiply it nor relabel it after the fact. 300 s tolerance either way (Mailgun publishes none).
 * Event id `event-data.id`, type `event-data.event`; the payload is the whole body.
 */
export const mailgun: WebhookProvider = {
  name: 'mailgun',
  defaultToleranceSeconds: 300,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    // The signature is inside the body: the body is read first.
    const body = parseJsonBody(request);
    if (!isRecord(body.value)) throw new WebhookError('INVALID_PAYLOAD', 'Mailgun payload is not a JSON object');
    const { timestampText, timestamp, token, signature } = signatureOf(body.value);

    const secretIndex = secretIndexOf(secrets, (secret) => constantTimeEqual(signature, hmac('sha256', secret, timestampText, token)));
    if (secretIndex < 0) return signatureMismatch(secrets);
    assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const event = jsonEvent(requireStringField(body.value, ['event-data', 'id']), requireStringField(body.value, ['event-data', 'event']), body);
    return {
      secretIndex,
      events: [event],
      // The length prefix keeps timestamp and token from trading characters.
      signatureBinding: { signed: sha256Hex(`${timestampText.length}:${timestampText}`, token), content: sha256Hex(signedBody(request)) },
    };
  },

  sign(request, { secret, nowSeconds }) {
    const text = bodyBytes(request).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isRecord(parsed)) throw new Error('mailgun signs inside the body: it must be a JSON object');
    // Every delivery gets a fresh 50-character token, as Mailgun's do.
    const token = randomBytes(25).toString('hex');
    const timestamp = String(nowSeconds);
    const signature = hmac('sha256', secret, timestamp, token).toString('hex');
    return { ...request, body: withSignatureMember(text, compactJson({ token, timestamp, signature })) };
  },

  samples: {
    defaultType: 'delivered',
    types: {
      delivered: (c) =>
        mailgunEvent('delivered', c, {
          'delivery-status': { tls: true, 'mx-host': 'mx.example.com', code: 250, description: '', 'session-seconds': 0.42, utf8: true, 'attempt-no': 1, message: 'OK', 'certificate-verified': true },
        }),
      opened: (c) =>
        mailgunEvent('opened', c, { ip: '203.0.113.7', geolocation: { country: 'FR', region: 'IDF', city: 'Paris' }, 'client-info': { 'client-type': 'browser', 'client-os': 'macOS', 'device-type': 'desktop', 'client-name': 'Firefox', 'user-agent': 'Mozilla/5.0' } }),
      clicked: (c) => mailgunEvent('clicked', c, { url: 'https://hookrelay.example/receipt', ip: '203.0.113.7', geolocation: { country: 'FR', region: 'IDF', city: 'Paris' } }),
      failed: (c) =>
        mailgunEvent('failed', c, {
          severity: 'permanent',
          reason: 'bounce',
          'delivery-status': { code: 550, message: '5.1.1 The email account that you tried to reach does not exist', description: '', 'attempt-no': 1 },
        }),
      unsubscribed: (c) => mailgunEvent('unsubscribed', c, { ip: '203.0.113.7' }),
      complained: (c) => mailgunEvent('complained', c),
      accepted: (c) => mailgunEvent('accepted', c, { method: 'HTTP' }),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'mailgun/treq-16.12.0' }),
  },

  development: { secret: 'hookrelay-development-mailgun-signing-key' },

  docs: {
    title: 'Mailgun',
    signatureHeaders: 'none: the body’s `signature: { "timestamp", "token", "signature": <hex> }`',
    signedContent: 'HMAC-SHA256 of `{timestamp}{token}`',
    timestamp: '`signature.timestamp`, seconds; 300 s either way (Mailgun publishes no tolerance)',
    eventId: 'body `event-data.id`',
    eventType: 'body `event-data.event`',
    secret: 'the HTTP webhook signing key',
    secretLocation: 'Control panel → Sending → Webhooks (or Settings → API Security) → *HTTP webhook signing key* (not the API key)',
    notSigned:
      '**the event data**: `event-data` — the envelope `id`, `type` and everything subscribers read — is not covered by the signature, which proves only that Mailgun produced this timestamp and token. hookrelay binds each signature to the first body it arrives with, so a captured request cannot carry other event data afterwards; but whoever sees a request before hookrelay does (a logging proxy, a tunnel) can substitute its event data, and hookrelay cannot tell. Treat the payload as Mailgun’s word only as far as your transport is trusted, and confirm anything consequential with Mailgun’s Events API',
    replayProtection:
      'the signed timestamp (300 s), then each signature is accepted with one body only (the same signature with other event data is refused `401`), then `event-data.id`, so a retry Mailgun signs afresh is a repeat of its event',
    oracle: 'an `openssl` known answer and the verifier in Mailgun’s “Securing webhooks” documentation (Mailgun ships no receiver package)',
    notes: [
      'One signature, one body: hookrelay records a digest of each signature’s timestamp and token with a digest of the body, for the idempotency window. An exact repeat of the request is answered as a repeat; the same signature with any other body is refused `INVALID_SIGNATURE` and nothing is published. This is Mailgun’s own advice (“cache the token and do not honour a request with the same token”) made exact: a token is refused only with a different body, so a repeat of a delivery is still recognised as one.',
      'The payload is the whole body, `signature` included: the signature is useless to anyone after its 300 s, and bound to this body before then.',
      'Mailgun retries a delivery that was not answered `200` (or `406`) for up to 8 hours. Its documentation does not say whether a retry is signed afresh; if yours arrive with their first signature, they are refused as stale after 300 s: raise the route’s `toleranceSeconds` (it must stay below the idempotency window, which the signature binding relies on).',
      'Mailgun’s `parent-signature` (sent for subaccounts, keyed with the primary account’s key) is not checked: configure the subaccount’s own key.',
    ],
  },
};
