import { createPrivateKey, createPublicKey, sign as signWithKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { decodeSignature, memoizeSecretParse } from '../crypto';
import { WebhookError } from '../errors';
import { arrayElementTexts } from '../raw-json';
import {
  assertTimestampWithinTolerance,
  DEFAULT_MAX_BODY_BYTES,
  decodeSignatureEntries,
  secretIndexOf,
  signatureMismatch,
  isRecord,
  MAX_PUBLIC_KEY_SIGNATURES,
  noOptions,
  parseJsonBody,
  requireHeader,
  requireUnixSeconds,
  signatureHeaderEntries,
  bodyBytes,
  jsonPost,
  withSentHeaders,
  type SampleContext,
  type WebhookEvent,
  type WebhookProvider,
} from '../provider';
import { compactJson, randomId } from '../samples';

const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';
/** Longest DER encoding of an ECDSA P-256 signature: SEQUENCE of two 33-byte INTEGERs. */
const MAX_DER_SIGNATURE_BYTES = 72;

/**
 * The verification key as SendGrid shows it (base64 of the DER SubjectPublicKeyInfo), or a PEM
 * `PUBLIC KEY` block. Anything that is not an EC P-256 public key never matches.
 */
export const parseSendGridPublicKey = memoizeSecretParse(function parseSendGridPublicKey(secret: string): KeyObject | undefined {
  try {
    let key: KeyObject;
    if (secret.includes('-----BEGIN')) key = createPublicKey(secret);
    else {
      const der = decodeSignature(secret.replace(/\s+/g, ''), 'base64');
      if (der === undefined) return undefined;
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : undefined;
  } catch {
    return undefined;
  }
});

/**
 * The key SendGrid signs with: an ECDSA P-256 private key (PEM). The route is configured with the
 * public half, which cannot sign; the message never echoes the secret.
 */
function sendgridSigningKey(secret: string): KeyObject {
  try {
    const key = createPrivateKey(secret);
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
  } catch {
    // Reported below.
  }
  throw new Error('sendgrid signs with an ECDSA P-256 private key in PEM form; a public verification key cannot sign');
}

function toEvent(item: unknown, itemJson: string, index: number): WebhookEvent {
  const id = isRecord(item) ? item['sg_event_id'] : undefined;
  const type = isRecord(item) ? item['event'] : undefined;
  if (typeof id !== 'string' || id === '' || typeof type !== 'string' || type === '') {
    throw new WebhookError('INVALID_PAYLOAD', `Event ${index} has no string "sg_event_id" or "event"`, {
      details: { eventIndex: index },
    });
  }
  return { id, type, payload: item, payloadJson: itemJson };
}

// --- Samples for `npm run send` --------------------------------------------------------------

// A batch as SendGrid posts it: a JSON array, each element an event with its own `sg_event_id`.
const RECIPIENTS = ['zoe@example.com', 'amir@example.org', 'li.wei@example.net'];

function baseEvent(event: string, email: string, context: SampleContext): Record<string, unknown> {
  return {
    email,
    timestamp: context.nowSeconds,
    event,
    sg_event_id: randomId('', 22),
    sg_message_id: `${randomId('', 22)}.recvd-hookrelay-1-0-0`,
    'smtp-id': `<${randomId('', 22)}@ismtpd0001p1lon1.sendgrid.net>`,
    category: ['receipts'],
  };
}

/** One event of `event` per recipient, each with what SendGrid adds for that kind. */
function batch(event: string, extra: (email: string) => Record<string, unknown> = () => ({})) {
  return (context: SampleContext) => compactJson(RECIPIENTS.map((email) => ({ ...baseEvent(event, email, context), ...extra(email) })));
}

/**
 * SendGrid Event Webhook (signed): ECDSA P-256 / SHA-256 over `{timestamp}{body}`, the
 * signature base64 DER in `X-Twilio-Email-Event-Webhook-Signature`, the timestamp in
 * `X-Twilio-Email-Event-Webhook-Timestamp`. The "secret" is the verification key (public).
 * SendGrid's own library checks no timestamp; hookrelay applies 300 s against replays.
 * The body is a JSON array: each element becomes one event (id `sg_event_id`, type `event`).
 */
export const sendgrid: WebhookProvider = {
  name: 'sendgrid',
  defaultToleranceSeconds: 300,
  // SendGrid posts a batch when it reaches 768 KB (or every 30 s).
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const entries = signatureHeaderEntries(request, SIGNATURE_HEADER);
    const timestampText = requireHeader(request, TIMESTAMP_HEADER);
    const timestamp = requireUnixSeconds(timestampText, TIMESTAMP_HEADER);
    const received = decodeSignatureEntries(
      entries,
      (entry) => {
        const decoded = decodeSignature(entry, 'base64');
        return decoded !== undefined && decoded.length >= 8 && decoded.length <= MAX_DER_SIGNATURE_BYTES ? decoded : undefined;
      },
      SIGNATURE_HEADER,
      'a base64 DER ECDSA signature',
    ).slice(0, MAX_PUBLIC_KEY_SIGNATURES);

    const signed = Buffer.concat([Buffer.from(timestampText, 'utf8'), request.rawBody]);
    const secretIndex = secretIndexOf(secrets, (secret) => {
      const key = parseSendGridPublicKey(secret);
      return (
        key !== undefined &&
        received.some((signature) => {
          try {
            return verifySignature('sha256', signed, { key, dsaEncoding: 'der' }, signature);
          } catch {
            return false;
          }
        })
      );
    });
    if (secretIndex < 0) return signatureMismatch(secrets);
    assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request);
    if (!Array.isArray(body.value)) throw new WebhookError('INVALID_PAYLOAD', 'SendGrid payload is not a JSON array of events');
    const items = body.value;
    // Each event is published as its own slice of the signed body, exactly as SendGrid wrote it.
    const itemTexts = arrayElementTexts(body.text);
    return { secretIndex, events: items.map((item, index) => toEvent(item, itemTexts[index]!, index)) };
  },

  sign(request, { secret, nowSeconds }) {
    const timestamp = String(nowSeconds);
    const signature = signWithKey('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), bodyBytes(request)]), sendgridSigningKey(secret));
    return withSentHeaders(request, {
      [SIGNATURE_HEADER]: signature.toString('base64'),
      [TIMESTAMP_HEADER]: timestamp,
    });
  },

  samples: {
    defaultType: 'delivered',
    types: {
      delivered: batch('delivered', () => ({ response: '250 2.0.0 OK', ip: '168.245.0.10', tls: 1 })),
      processed: batch('processed', () => ({ pool: { name: 'transactional', id: 210 } })),
      open: batch('open', () => ({ useragent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', ip: '203.0.113.7', sg_machine_open: false })),
      click: batch('click', () => ({ url: 'https://example.com/receipt', url_offset: { index: 0, type: 'html' }, useragent: 'Mozilla/5.0', ip: '203.0.113.7' })),
      bounce: batch('bounce', () => ({ type: 'bounce', bounce_classification: 'Invalid Address', reason: '550 5.1.1 unknown user', status: '5.1.1' })),
      dropped: batch('dropped', () => ({ reason: 'Bounced Address' })),
      spamreport: batch('spamreport'),
      unsubscribe: batch('unsubscribe'),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'SendGrid Event API' }),
  },

  development: {
    // SendGrid signs with a private key; the receiver holds the public key (base64 DER, SPKI).
    secret:
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1bXU5/h9p9w2/iuHWzPh9X9Cbhq9hrvB3qKQg9GLjJDvneiryXRae78Ant/ZbaapCgxnDgD0i33x7Ry5FgfMEw==',
    signingSecret:
      '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2ZnYyjdTX7M3mzVN\nC80yyWZQEUzgdM0eh39UwLg6ffahRANCAATVtdTn+H2n3Db+K4dbM+H1f0JuGr2G\nu8HeopCD0YuMkO+d6KvJdFp7vwCe39ltpqkKDGcOAPSLffHtHLkWB8wT\n-----END PRIVATE KEY-----\n',
  },

  docs: {
    title: 'SendGrid',
    signatureHeaders: '`X-Twilio-Email-Event-Webhook-Signature: <base64 DER>`, `X-Twilio-Email-Event-Webhook-Timestamp`',
    signedContent: 'ECDSA P-256 / SHA-256 of `{timestamp}{body}`',
    timestamp: '`X-Twilio-Email-Event-Webhook-Timestamp`, seconds; 300 s either way (SendGrid’s own library checks none)',
    eventId: 'each element’s `sg_event_id` (one envelope per element)',
    eventType: 'each element’s `event`',
    secret: 'the **public** verification key: base64 DER (SPKI) as shown, or a PEM `PUBLIC KEY` block',
    secretLocation: 'Settings → Mail Settings → Event Webhook → enable *Signed Event Webhook* → *Verification Key*',
    notSigned: 'nothing the envelopes use',
    replayProtection: 'the signed timestamp, then each `sg_event_id`',
    oracle: '`@sendgrid/eventwebhook` (`EventWebhook#verifySignature`); SendGrid ships no signer, so `sign` is checked by its verifier',
    notes: ['The body is a JSON array; each element becomes its own envelope, carrying its own slice of the signed body. An empty array is accepted and enqueues nothing.'],
  },
};
