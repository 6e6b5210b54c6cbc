import { createHmac } from 'node:crypto';
import type { Signer } from './signer';
import { unixSeconds } from './signer';

/**
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of v0:{timestamp}:{body}>` keyed with the Signing
 * Secret, as Slack's docs describe ("Verifying requests from Slack"); Slack ships no standalone signer.
 */
export const slackSigner: Signer = {
  async sign({ body, secret, now }) {
    const timestamp = String(unixSeconds(now));
    const mac = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`, 'utf8').digest('hex');
    return {
      headers: {
        'X-Slack-Signature': `v0=${mac}`,
        'X-Slack-Request-Timestamp': timestamp,
        'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      },
      body,
      contentType: 'application/json',
    };
  },
};
