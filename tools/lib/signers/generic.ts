import { createHmac } from 'node:crypto';
import type { Signer } from './signer';

/**
 * The `generic` route with its default options: hex HMAC-SHA256 of `{body}` in `X-Signature`, no
 * timestamp, the id being the SHA-256 of the body (so only a changed body is a new event).
 */
export const genericSigner: Signer = {
  async sign({ body, secret }) {
    return {
      headers: { 'X-Signature': createHmac('sha256', secret).update(body, 'utf8').digest('hex') },
      body,
      contentType: 'application/json',
    };
  },
};
