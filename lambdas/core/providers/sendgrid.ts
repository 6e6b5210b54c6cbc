import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { decodeSignature, memoizeSecretParse } from '../crypto';
import { WebhookError } from '../errors';
import { arrayElementTexts } from '../raw-json';
import {
  assertTimestampWithinTolerance,
  DEFAULT_MAX_BODY_BYTES,
  decodeSignatureEntries,
  findMatchingSecret,
  isRecord,
  MAX_PUBLIC_KEY_SIGNATURES,
  noOptions,
  parseJsonBody,
  requireHeader,
  requireUnixSeconds,
  signatureHeaderEntries,
  type WebhookEvent,
  type WebhookProvider,
} from '../provider';

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
    const secretIndex = findMatchingSecret(secrets, (secret) => {
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
    assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request.rawBody);
    if (!Array.isArray(body.value)) throw new WebhookError('INVALID_PAYLOAD', 'SendGrid payload is not a JSON array of events');
    const items = body.value;
    // Each event is published as its own slice of the signed body, exactly as SendGrid wrote it.
    const itemTexts = arrayElementTexts(body.text);
    return { secretIndex, events: items.map((item, index) => toEvent(item, itemTexts[index]!, index)) };
  },
};
