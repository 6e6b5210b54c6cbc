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

const SIGNATURE_HEADER = 'X-Hub-Signature-256';
const SIGNATURE_PREFIX = 'sha256=';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` HMAC-SHA256 over the raw body. The legacy SHA-1
 * `X-Hub-Signature` alone is refused: SHA-1 signatures are only kept by GitHub for old clients.
 * GitHub signs no timestamp, so replay protection rests on the `X-GitHub-Delivery` id.
 */
export const github: WebhookProvider = {
  name: 'github',
  defaultToleranceSeconds: 0,
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
    const payload = parseJsonBody(request.rawBody);
    return { secretIndex, events: [{ id: deliveryId, type: eventType, payload }] };
  },
};
