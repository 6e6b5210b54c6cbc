import { sign as signGitHub } from '@octokit/webhooks-methods';
import Stripe from 'stripe';

/** Signatures made by the providers' own SDKs: the oracle our verifier must agree with. */
const stripeClient = new Stripe('sk_test_hookrelay');

export function stripeSignatureHeader(payload: string, secret: string, timestampSeconds?: number): string {
  return stripeClient.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestampSeconds === undefined ? {} : { timestamp: timestampSeconds }),
  });
}

export function githubSignatureHeader(payload: string, secret: string): Promise<string> {
  return signGitHub(secret, payload);
}

let sequence = 0;
/** A Stripe event body with a unique id. */
export function stripeEventBody(type = 'payment_intent.succeeded', extra: Record<string, unknown> = {}): { id: string; body: string } {
  const id = `evt_test_${Date.now().toString(36)}_${(sequence++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  return {
    id,
    body: JSON.stringify({ id, object: 'event', type, api_version: '2024-06-20', created: Math.floor(Date.now() / 1000), data: { object: { id: 'pi_3Mtw', amount: 2000, currency: 'usd', ...extra } } }),
  };
}
