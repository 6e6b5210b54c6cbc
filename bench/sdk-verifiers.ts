/**
 * The senders' official verifiers, called the way a hand-written Lambda receiver calls them: with
 * the body as the SDK takes it (the harness decodes API Gateway's body for it, as the receiver
 * must), the header values it reads, and the secret it was configured with; followed by `JSON.parse` where the SDK only answers yes or no, because the
 * receiver needs the event as an object next (hookrelay's verification parses it too). Whatever a
 * receiver can do once (construct the SDK client, convert a public key) is done once, outside the
 * timed call.
 *
 * Providers whose senders publish no verifier (Meta, GitLab, PagerDuty, Typeform, Sentry, Zoom,
 * Twitch, Mailgun, Okta, the generic route) have no row. Shopify's Node package
 * (`@shopify/shopify-api`) needs Node 22, so its row is the verification shopify.dev documents.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sentHeader } from '../lambdas/core/provider';
import type { ProviderName } from '../lambdas/core/registry';
import type { ProviderCase } from './cases';

/**
 * The receiver's work for one request, from the body as the SDK takes it (a string, or bytes for
 * SDKs that take a Buffer): the parsed event, or undefined (or a throw) for a refusal.
 */
export type ReceiverCall = (body: string) => unknown;
export type BufferReceiverCall = (body: Buffer) => unknown;

export interface SdkVerifier {
  /** Row label: provider and the SDK function. */
  readonly label: string;
  readonly provider: ProviderName;
  /** The case variant it verifies (Twilio's JSON bodies). */
  readonly variant?: 'json';
  /** The package and what the receiver calls, as the table names it. */
  readonly sdk: string;
  /** True when the SDK call returns a promise (timed with `await`, as the receiver awaits it). */
  readonly async: boolean;
  /** Builds the per-request call for a case: everything a receiver does once happens here. */
  prepare?(c: ProviderCase): Promise<ReceiverCall>;
  /** The same, for an SDK that takes the body as bytes. */
  prepareBytes?(c: ProviderCase): Promise<BufferReceiverCall>;
}

const headerOf = (c: ProviderCase, name: string): string => {
  const value = sentHeader(c.sent, name);
  if (value === undefined) throw new Error(`${c.label}: the signed request has no ${name} header`);
  return value;
};

/** The parsed body when `valid`, else undefined: what a receiver does after a yes/no verifier. */
const parsedIf = (valid: boolean, body: string): unknown => (valid ? JSON.parse(body) : undefined);

export const SDK_VERIFIERS: readonly SdkVerifier[] = [
  {
    label: 'stripe',
    provider: 'stripe',
    sdk: '`stripe` `webhooks.constructEvent`',
    async: false,
    async prepare(c) {
      const { default: Stripe } = await import('stripe');
      const stripe = new Stripe('sk_test_hookrelay_bench');
      const signature = headerOf(c, 'stripe-signature');
      return (body) => stripe.webhooks.constructEvent(body, signature, c.signingSecret);
    },
  },
  {
    label: 'github (webhooks-methods)',
    provider: 'github',
    sdk: '`@octokit/webhooks-methods` `verify` + `JSON.parse`',
    async: true,
    async prepare(c) {
      const { verify } = await import('@octokit/webhooks-methods');
      const signature = headerOf(c, 'x-hub-signature-256');
      return async (body) => parsedIf(await verify(c.signingSecret, body, signature), body);
    },
  },
  {
    label: 'github (webhooks)',
    provider: 'github',
    sdk: '`@octokit/webhooks` `verifyAndReceive` (parses, runs the handler)',
    async: true,
    async prepare(c) {
      const { Webhooks } = await import('@octokit/webhooks');
      const webhooks = new Webhooks({ secret: c.signingSecret });
      let received: unknown;
      webhooks.onAny(({ payload }) => {
        received = payload;
      });
      const id = headerOf(c, 'x-github-delivery');
      const name = headerOf(c, 'x-github-event') as 'push';
      const signature = headerOf(c, 'x-hub-signature-256');
      return async (body) => {
        received = undefined;
        await webhooks.verifyAndReceive({ id, name, payload: body, signature });
        return received;
      };
    },
  },
  {
    label: 'shopify (shopify.dev)',
    provider: 'shopify',
    sdk: 'shopify.dev’s `createHmac` + `timingSafeEqual` + `JSON.parse` (`@shopify/shopify-api` needs Node 22)',
    async: false,
    async prepare(c) {
      const received = Buffer.from(headerOf(c, 'x-shopify-hmac-sha256'));
      return (body) => {
        const computed = Buffer.from(createHmac('sha256', c.signingSecret).update(body, 'utf8').digest('base64'));
        return parsedIf(computed.length === received.length && timingSafeEqual(computed, received), body);
      };
    },
  },
  {
    label: 'slack',
    provider: 'slack',
    sdk: '`@slack/bolt` `verifySlackRequest` + `JSON.parse`',
    async: false,
    async prepare(c) {
      const { verifySlackRequest } = await import('@slack/bolt');
      const headers = { 'x-slack-signature': headerOf(c, 'x-slack-signature'), 'x-slack-request-timestamp': Number(headerOf(c, 'x-slack-request-timestamp')) };
      return (body) => {
        verifySlackRequest({ signingSecret: c.signingSecret, body, headers });
        return JSON.parse(body);
      };
    },
  },
  {
    label: 'twilio (form)',
    provider: 'twilio',
    sdk: '`twilio` `validateRequest` (the form parsed with `URLSearchParams`)',
    async: false,
    async prepare(c) {
      const { validateRequest } = (await import('twilio')).default;
      const signature = headerOf(c, 'x-twilio-signature');
      return (body) => {
        const params = Object.fromEntries(new URLSearchParams(body));
        return validateRequest(c.signingSecret, signature, c.sent.url, params) ? params : undefined;
      };
    },
  },
  {
    label: 'twilio (JSON)',
    provider: 'twilio',
    variant: 'json',
    sdk: '`twilio` `validateRequestWithBody` + `JSON.parse`',
    async: false,
    async prepare(c) {
      const { validateRequestWithBody } = (await import('twilio')).default;
      const signature = headerOf(c, 'x-twilio-signature');
      return (body) => parsedIf(validateRequestWithBody(c.signingSecret, signature, c.sent.url, body), body);
    },
  },
  {
    label: 'sendgrid',
    provider: 'sendgrid',
    sdk: '`@sendgrid/eventwebhook` `verifySignature` (key converted once) + `JSON.parse`',
    async: false,
    async prepare(c) {
      const { EventWebhook } = await import('@sendgrid/eventwebhook');
      const verifier = new EventWebhook();
      const key = verifier.convertPublicKeyToECDSA(c.settings.secrets[0]!);
      const signature = headerOf(c, 'x-twilio-email-event-webhook-signature');
      const timestamp = headerOf(c, 'x-twilio-email-event-webhook-timestamp');
      return (body) => parsedIf(verifier.verifySignature(key, body, signature, timestamp), body);
    },
  },
  {
    label: 'standard',
    provider: 'standard',
    sdk: '`standardwebhooks` `Webhook#verify`',
    async: false,
    async prepare(c) {
      const { Webhook } = await import('standardwebhooks');
      const webhook = new Webhook(c.signingSecret);
      const headers = {
        'webhook-id': headerOf(c, 'webhook-id'),
        'webhook-timestamp': headerOf(c, 'webhook-timestamp'),
        'webhook-signature': headerOf(c, 'webhook-signature'),
      };
      return (body) => webhook.verify(body, headers);
    },
  },
  {
    label: 'clerk',
    provider: 'clerk',
    sdk: '`@clerk/backend` `verifyWebhook` (given a Fetch `Request`, as it requires)',
    async: true,
    async prepare(c) {
      const { verifyWebhook } = await import('@clerk/backend/webhooks');
      const headers = { ...c.sent.headers };
      return (body) => verifyWebhook(new Request(c.sent.url, { method: 'POST', headers, body }), { signingSecret: c.signingSecret });
    },
  },
  {
    label: 'resend',
    provider: 'resend',
    sdk: '`resend` `webhooks.verify`',
    async: false,
    async prepare(c) {
      const { Resend } = await import('resend');
      const resend = new Resend('re_hookrelay_bench');
      const headers = { id: headerOf(c, 'svix-id'), timestamp: headerOf(c, 'svix-timestamp'), signature: headerOf(c, 'svix-signature') };
      return (body) => resend.webhooks.verify({ payload: body, headers, webhookSecret: c.signingSecret });
    },
  },
  {
    label: 'discord',
    provider: 'discord',
    sdk: '`discord-interactions` `verifyKey` (the hex public key, as documented) + `JSON.parse`',
    async: true,
    async prepare(c) {
      const { verifyKey } = await import('discord-interactions');
      const signature = headerOf(c, 'x-signature-ed25519');
      const timestamp = headerOf(c, 'x-signature-timestamp');
      const publicKey = c.settings.secrets[0]!;
      return async (body) => parsedIf(await verifyKey(body, signature, timestamp, publicKey), body);
    },
  },
  {
    label: 'adyen',
    provider: 'adyen',
    sdk: '`@adyen/api-library` `hmacValidator.validateHMAC` per item, after `JSON.parse`',
    async: false,
    async prepare(c) {
      const { default: HmacValidator } = await import('@adyen/api-library/lib/src/utils/hmacValidator');
      const validator = new HmacValidator();
      return (body) => {
        const notification = JSON.parse(body) as { notificationItems: Array<{ NotificationRequestItem: never }> };
        for (const item of notification.notificationItems) if (!validator.validateHMAC(item.NotificationRequestItem, c.signingSecret)) return undefined;
        return notification;
      };
    },
  },
  {
    label: 'paddle',
    provider: 'paddle',
    // `webhooks.unmarshal` also builds the SDK's entity classes, which need every field of a real
    // notification; the sample carries fewer, so the row uses the SDK's own check and parses.
    sdk: '`@paddle/paddle-node-sdk` `webhooks.isSignatureValid` + `JSON.parse`',
    async: true,
    async prepare(c) {
      const { Paddle } = await import('@paddle/paddle-node-sdk');
      const paddle = new Paddle('pdl_sdbx_apikey_hookrelay_bench_never_used_for_calls');
      const signature = headerOf(c, 'paddle-signature');
      return async (body) => parsedIf(await paddle.webhooks.isSignatureValid(body, c.signingSecret, signature), body);
    },
  },
  {
    label: 'linear',
    provider: 'linear',
    sdk: '`@linear/sdk` `LinearWebhookClient#parseData` (it takes the bytes)',
    async: false,
    async prepareBytes(c) {
      const { LinearWebhookClient } = await import('@linear/sdk/webhooks');
      const client = new LinearWebhookClient(c.signingSecret);
      const signature = headerOf(c, 'linear-signature');
      return (body) => client.parseData(body, signature);
    },
  },
  {
    label: 'square',
    provider: 'square',
    sdk: '`square` `WebhooksHelper.verifySignature` + `JSON.parse`',
    async: true,
    async prepare(c) {
      const { WebhooksHelper } = await import('square');
      const signatureHeader = headerOf(c, 'x-square-hmacsha256-signature');
      return async (body) =>
        parsedIf(await WebhooksHelper.verifySignature({ requestBody: body, signatureHeader, signatureKey: c.signingSecret, notificationUrl: c.sent.url }), body);
    },
  },
  {
    label: 'hubspot',
    provider: 'hubspot',
    sdk: '`@hubspot/api-client` `Signature.isValid` (v3) + `JSON.parse`',
    async: false,
    async prepare(c) {
      const { Signature } = await import('@hubspot/api-client');
      const signature = headerOf(c, 'x-hubspot-signature-v3');
      const timestamp = Number(headerOf(c, 'x-hubspot-request-timestamp'));
      return (body) =>
        parsedIf(Signature.isValid({ signatureVersion: 'v3', signature, clientSecret: c.signingSecret, requestBody: body, method: 'POST', url: c.sent.url, timestamp }), body);
    },
  },
  {
    label: 'workos',
    provider: 'workos',
    sdk: '`@workos-inc/node` `webhooks.constructEvent` (given the parsed body, as it requires)',
    async: true,
    async prepare(c) {
      const { WorkOS } = await import('@workos-inc/node');
      const workos = new WorkOS('sk_test_hookrelay_bench_never_used_for_calls');
      const sigHeader = headerOf(c, 'workos-signature');
      return (body) => workos.webhooks.constructEvent({ payload: JSON.parse(body), sigHeader, secret: c.signingSecret });
    },
  },
  {
    label: 'razorpay',
    provider: 'razorpay',
    sdk: '`razorpay` `validateWebhookSignature` + `JSON.parse`',
    async: false,
    async prepare(c) {
      const { default: Razorpay } = await import('razorpay');
      const signature = headerOf(c, 'x-razorpay-signature');
      return (body) => parsedIf(Razorpay.validateWebhookSignature(body, signature, c.signingSecret), body);
    },
  },
  {
    label: 'box',
    provider: 'box',
    sdk: '`box-node-sdk` `WebhooksManager.validateMessage` + `JSON.parse`',
    async: true,
    async prepare(c) {
      const { WebhooksManager } = await import('box-node-sdk/lib/managers/webhooks');
      const headers = Object.fromEntries(Object.entries(c.sent.headers).map(([name, value]) => [name.toLowerCase(), value]));
      const [primaryKey, secondaryKey] = c.settings.secrets[0]!.split(',') as [string, string | undefined];
      return async (body) => parsedIf(await WebhooksManager.validateMessage(body, headers, primaryKey, secondaryKey === undefined ? {} : { secondaryKey }), body);
    },
  },
];
