import { WebhookError } from '../errors';
import { decodeSignature, hmac, matchesAny } from '../crypto';
import {
  contentKey,
  DEFAULT_MAX_BODY_BYTES,
  decodeSignatureEntries,
  findMatchingSecret,
  jsonEvent,
  noOptions,
  parseJsonBody,
  signatureHeaderEntries,
  type WebhookProvider,
} from '../provider';
import { header, type WebhookRequest } from '../request';

const SIGNATURE_HEADER = 'X-Shopify-Hmac-Sha256';

/**
 * Shopify's webhooks send `X-Shopify-*` headers; its newer event subscriptions send the same
 * headers without the prefix (`shopify-hmac-sha256`, `shopify-topic`, …), and `@shopify/shopify-api`
 * reads either. The prefixed name wins when both are present.
 */
function shopifyHeader(request: Pick<WebhookRequest, 'headers'>, name: string): string | undefined {
  return header(request, `x-shopify-${name}`) || header(request, `shopify-${name}`) || undefined;
}

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64>` HMAC-SHA256 over the raw body, keyed with the app's
 * client secret (or, for webhooks created in the store admin, the key shown under Notifications).
 * Shopify signs no timestamp, and not the id or topic headers (as with GitHub): they are read only
 * after the signature passes, and deduplication uses the signed body and the topic (`contentKey`),
 * so a captured delivery sent again with a fresh id is a repeat, while one order sent both as
 * `orders/create` and `orders/updated` stays two events.
 */
export const shopify: WebhookProvider = {
  name: 'shopify',
  defaultToleranceSeconds: 0,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    const signatureHeader = header(request, SIGNATURE_HEADER) === undefined && header(request, 'shopify-hmac-sha256') !== undefined
      ? 'shopify-hmac-sha256'
      : SIGNATURE_HEADER;
    const received = decodeSignatureEntries(
      signatureHeaderEntries(request, signatureHeader),
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
    const id = shopifyHeader(request, 'webhook-id') ?? shopifyHeader(request, 'event-id');
    const topic = shopifyHeader(request, 'topic');
    if (!id || !topic) {
      throw new WebhookError('INVALID_PAYLOAD', 'X-Shopify-Webhook-Id or X-Shopify-Topic header is missing');
    }
    const body = parseJsonBody(request.rawBody);
    return { secretIndex, events: [jsonEvent(id, topic, body, contentKey(topic, request.rawBody))] };
  },
};
