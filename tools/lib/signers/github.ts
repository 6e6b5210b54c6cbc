import type { Signer } from './signer';

/**
 * GitHub: `X-Hub-Signature-256` from `@octokit/webhooks-methods` `sign` (ESM-only, hence the dynamic
 * import). The event type and delivery id travel in headers, which GitHub does not sign.
 */
export const githubSigner: Signer = {
  async sign({ body, secret, eventType, deliveryId }) {
    const { sign } = await import('@octokit/webhooks-methods');
    return {
      headers: {
        'X-Hub-Signature-256': await sign(secret, body),
        'X-GitHub-Event': eventType,
        'X-GitHub-Delivery': deliveryId,
        'X-GitHub-Hook-ID': '470000001',
        'User-Agent': 'GitHub-Hookshot/hookrelay-send',
      },
      body,
      contentType: 'application/json',
    };
  },
};
