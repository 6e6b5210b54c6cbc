import { WebhookError } from '../errors';
import { decodeSignature, hmac, matchesAny } from '../crypto';
import {
  contentKey,
  decodeSignatureEntries,
  findMatchingSecret,
  jsonEvent,
  noOptions,
  parseJsonBody,
  signatureHeaderEntries,
  type WebhookProvider,
} from '../provider';
import { header } from '../request';

const SIGNATURE_HEADER = 'X-Hub-Signature-256';
const SIGNATURE_PREFIX = 'sha256=';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256 over the raw body. The legacy SHA-1
 * `X-Hub-Signature` alone is refused: SHA-1 signatures are only kept by GitHub for old clients.
 * GitHub signs no timestamp, and neither `X-GitHub-Delivery` nor `X-GitHub-Event`: deduplication
 * uses the signed body and the event type (`contentKey`), so a captured delivery sent again with a
 * fresh delivery id is a repeat. The event type stays unsigned: subscribers should check that a
 * payload has the shape its `eventType` promises.
 */
export const github: WebhookProvider = {
  name: 'github',
  defaultToleranceSeconds: 0,
  // GitHub caps payloads at 25 MB; 4 MiB is the most a Lambda-backed route can take once API
  // Gateway has base64-encoded the body (6 MB invocation limit).
  defaultMaxBodyBytes: 4 * 1024 * 1024,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    if (header(request, SIGNATURE_HEADER) === undefined && header(request, 'x-hub-signature') !== undefined) {
      throw new WebhookError(
        'MISSING_SIGNATURE',
        'Only the SHA-1 X-Hub-Signature was sent; X-Hub-Signature-256 is required',
      );
    }
    const received = decodeSignatureEntries(
      signatureHeaderEntries(request, SIGNATURE_HEADER),
      (entry) => {
        if (!entry.startsWith(SIGNATURE_PREFIX)) return undefined;
        const decoded = decodeSignature(entry.slice(SIGNATURE_PREFIX.length), 'hex');
        return decoded?.length === 32 ? decoded : undefined;
      },
      SIGNATURE_HEADER,
      '"sha256=<64 hex digits>"',
    );

    const secretIndex = findMatchingSecret(secrets, (secret) => matchesAny(received, hmac('sha256', secret, request.rawBody)));

    const deliveryId = header(request, 'x-github-delivery');
    const eventType = header(request, 'x-github-event');
    if (!deliveryId || !eventType) {
      throw new WebhookError('INVALID_PAYLOAD', 'X-GitHub-Delivery or X-GitHub-Event header is missing');
    }
    const body = parseJsonBody(request.rawBody);
    return { secretIndex, events: [jsonEvent(deliveryId, eventType, body, contentKey(eventType, request.rawBody))] };
  },
};
