import { getExpectedBodyHash, getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { Signer } from './signer';

/** Form parameters as Twilio's SDK takes them: a repeated key keeps every value. */
function formParams(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = params[key];
    params[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}

function isJson(body: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}

/**
 * Twilio: `X-Twilio-Signature` from twilio's own `getExpectedTwilioSignature`, over the exact URL
 * posted to (a different port or path would not verify) plus the form parameters. A JSON body (a
 * `--file` holding JSON) is signed as Twilio signs one: over the URL alone, whose `bodySHA256`
 * query parameter carries the body's hash. The idempotency token is the event id, fresh per run.
 */
export const twilioSigner: Signer = {
  async sign({ body, secret, url, deliveryId }) {
    const idempotency = { 'I-Twilio-Idempotency-Token': deliveryId, 'User-Agent': 'TwilioProxy/1.1' };
    if (isJson(body)) {
      const signedUrl = new URL(url);
      signedUrl.searchParams.set('bodySHA256', getExpectedBodyHash(body));
      const target = signedUrl.toString();
      return {
        headers: { 'X-Twilio-Signature': getExpectedTwilioSignature(secret, target, {}), ...idempotency },
        body,
        contentType: 'application/json',
        url: target,
      };
    }
    return {
      headers: { 'X-Twilio-Signature': getExpectedTwilioSignature(secret, url, formParams(body)), ...idempotency },
      body,
      contentType: 'application/x-www-form-urlencoded',
    };
  },
};
