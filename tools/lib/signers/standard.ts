import { Webhook } from 'standardwebhooks';
import type { Signer } from './signer';
import { unixSeconds } from './signer';

/**
 * Standard Webhooks (Svix): `webhook-signature: v1,<base64>` from the reference library
 * (`new Webhook(secret).sign(id, date, body)`). The id header is the event id, so it is fresh per run.
 */
export const standardSigner: Signer = {
  async sign({ body, secret, now, deliveryId }) {
    const id = `msg_${deliveryId.replaceAll('-', '')}`;
    // Whole seconds: the header carries seconds, and the library signs the seconds of the date it is given.
    const signedAt = new Date(unixSeconds(now) * 1000);
    return {
      headers: {
        'webhook-id': id,
        'webhook-timestamp': String(unixSeconds(signedAt)),
        'webhook-signature': new Webhook(secret).sign(id, signedAt, body),
      },
      body,
      contentType: 'application/json',
    };
  },
};
