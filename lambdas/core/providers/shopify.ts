import { WebhookError } from '../errors';
import { decodeSignature, hmac, matchesAny } from '../crypto';
import {
  decodeSignatureEntries,
  findMatchingSecret,
  noOptions,
  parseJsonBody,
  signatureHeaderEntries,
  type WebhookProvider,
} from '../provider';
import { header } from '../request';

const SIGNATURE_HEADER = 'X-Shopify-Hmac-Sha256';

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>` HMAC-SHA256 over the raw body, keyed with the app's
 * client secret (or, for webhooks created in the store admin, the key shown under Notifications).
 * Shopify signs no timestamp: replay protection rests on the delivery id. The id and topic headers
 * are not covered by the signature (as with GitHub), so they are read only after it passes.
 */
export const shopify: WebhookProvider = {
  name: 'shopify',
  defaultToleranceSeconds: 0,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    const received = decodeSignatureEntries(
      signatureHeaderEntries(request, SIGNATURE_HEADER),
      (entry) => {
        const decoded = decodeSignature(entry, 'base64');
        return decoded?.length === 32 ? decoded : undefined;
      },
      SIGNATURE_HEADER,
      'a base64 HMAC-SHA256',
    );

    const secretIndex = findMatchingSecret(secrets, (secret) => matchesAny(received, hmac('sha256', secret, request.rawBody)));

    // X-Shopify-Webhook-Id is unique per delivery and stable across retries; X-Shopify-Event-Id
    // (the triggering event, shared by every subscription) is the fallback.
    const id = header(request, 'x-shopify-webhook-id') || header(request, 'x-shopify-event-id');
    const topic = header(request, 'x-shopify-topic');
    if (!id || !topic) {
      throw new WebhookError('INVALID_PAYLOAD', 'X-Shopify-Webhook-Id or X-Shopify-Topic header is missing');
    }
    const payload = parseJsonBody(request.rawBody);
    return { secretIndex, events: [{ id, type: topic, payload }] };
  },
};
