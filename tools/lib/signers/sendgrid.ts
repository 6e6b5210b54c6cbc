import { existsSync, readFileSync } from 'node:fs';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { DEVELOPMENT_SECRETS, DEVELOPMENT_SENDGRID_PRIVATE_KEY_PEM } from '../../../local/dev-secrets';
import { UnusableSecretError, unixSeconds, type Signer } from './signer';

/**
 * The key to sign with. SendGrid signs with a private key and receivers hold the public one, so the
 * "secret" the gateway is configured with (`WEBHOOK_SECRET_SENDGRID`, the development secret) is a
 * public key: the development one is swapped for its private half; any other cannot sign.
 */
function signingKey(secret: string): KeyObject {
  if (secret.trim() === DEVELOPMENT_SECRETS.sendgrid) return createPrivateKey(DEVELOPMENT_SENDGRID_PRIVATE_KEY_PEM);
  const pem = secret.includes('-----BEGIN') ? secret : existsSync(secret) ? readFileSync(secret, 'utf8') : undefined;
  if (pem === undefined || !pem.includes('PRIVATE KEY')) {
    throw new UnusableSecretError(
      'sendgrid signs with an ECDSA P-256 private key, and this secret is neither a PEM private key nor the path ' +
        'of a file holding one: pass --secret (a public verification key, as WEBHOOK_SECRET_SENDGRID holds, cannot sign)',
    );
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
  } catch {
    // Reported below without echoing the key.
  }
  throw new UnusableSecretError('sendgrid --secret is not a readable ECDSA P-256 private key (PEM)');
}

/**
 * SendGrid Event Webhook: ECDSA P-256 / SHA-256 over `{timestamp}{body}`, DER, base64. SendGrid
 * ships a verifier (`@sendgrid/eventwebhook`) but no signer, so node:crypto signs.
 */
export const sendgridSigner: Signer = {
  async sign({ body, secret, now }) {
    const timestamp = String(unixSeconds(now));
    const signature = sign('sha256', Buffer.from(timestamp + body, 'utf8'), signingKey(secret)).toString('base64');
    return {
      headers: {
        'X-Twilio-Email-Event-Webhook-Signature': signature,
        'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
        'User-Agent': 'SendGrid Event API',
      },
      body,
      contentType: 'application/json',
    };
  },
};
