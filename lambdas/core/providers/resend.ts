import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_BODY_BYTES, noOptions, type SampleContext, type WebhookProvider } from '../provider';
import { compactJson, isoTime } from '../samples';
import { standardWebhooksScheme, svixRequest } from './standard';

// --- Samples for `npm run send` --------------------------------------------------------------

// Resend's event body: `type`, `created_at` (ISO-8601) and the object in `data`; the event id is the
// `svix-id` header (see `request` below). Shapes as in the `resend` package's `WebhookEventPayload`.
function resendEvent(type: string, data: Record<string, unknown>, context: SampleContext): string {
  return compactJson({ type, created_at: isoTime(context.nowSeconds), data });
}

function email(context: SampleContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    created_at: isoTime(context.nowSeconds),
    email_id: randomUUID(),
    message_id: `<${randomUUID()}@email.amazonses.com>`,
    from: 'Zoë’s Bakery <orders@bakery.example.com>',
    to: ['zoe@example.com'],
    subject: 'Votre commande n° 1042 est prête 🥐',
    tags: { category: 'order_ready' },
    ...extra,
  };
}

function contact(context: SampleContext): Record<string, unknown> {
  return {
    id: randomUUID(),
    audience_id: randomUUID(),
    segment_ids: [],
    created_at: isoTime(context.nowSeconds),
    updated_at: isoTime(context.nowSeconds),
    email: 'amir@example.org',
    first_name: 'Amir',
    last_name: 'Haddad',
    unsubscribed: false,
  };
}

/**
 * Resend: Standard Webhooks delivered through Svix, under the `svix-*` header names (`svix-id`,
 * `svix-timestamp`, `svix-signature: v1,<base64> …`, HMAC-SHA256 over
 * `{svix-id}.{svix-timestamp}.{body}`, secret `whsec_<base64>`): the `resend` package's
 * `webhooks.verify` hands exactly these three values to `standardwebhooks`. The scheme itself is
 * the `standard` module's.
 */
export const resend: WebhookProvider = {
  name: 'resend',
  // `resend.webhooks.verify` delegates to standardwebhooks, whose tolerance is five minutes.
  defaultToleranceSeconds: 300,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  ...standardWebhooksScheme(['svix-']),

  samples: {
    defaultType: 'email.delivered',
    types: {
      'email.sent': (c) => resendEvent('email.sent', email(c), c),
      'email.delivered': (c) => resendEvent('email.delivered', email(c), c),
      'email.bounced': (c) =>
        resendEvent(
          'email.bounced',
          email(c, { bounce: { type: 'Permanent', subType: 'General', message: 'The recipient’s mail server permanently rejected the email.' } }),
          c,
        ),
      'email.opened': (c) => resendEvent('email.opened', email(c), c),
      'email.clicked': (c) =>
        resendEvent(
          'email.clicked',
          email(c, { click: { ipAddress: '203.0.113.7', link: 'https://bakery.example.com/orders/1042', timestamp: isoTime(c.nowSeconds), userAgent: 'Mozilla/5.0' } }),
          c,
        ),
      'email.complained': (c) => resendEvent('email.complained', email(c), c),
      'contact.created': (c) => resendEvent('contact.created', contact(c), c),
    },
    request: svixRequest,
  },

  development: { secret: 'whsec_aG9va3JlbGF5LWRldmVsb3BtZW50LXJlc2VuZC13aA==' },

  docs: {
    title: 'Resend',
    signatureHeaders: '`svix-id`, `svix-timestamp`, `svix-signature: v1,<base64> [v1,<base64> …]`',
    signedContent: 'HMAC-SHA256 of `{svix-id}.{svix-timestamp}.{body}` (Standard Webhooks)',
    timestamp: '`svix-timestamp`, seconds; 300 s either way',
    eventId: '`svix-id`',
    eventType: 'body `type` (`email.delivered`, `contact.created`, …)',
    secret: '`whsec_<base64 key>`',
    secretLocation: 'Resend dashboard → Webhooks → your endpoint → *Signing Secret*',
    notSigned: 'nothing the envelope uses',
    replayProtection: 'the signed timestamp, then the signed `svix-id`',
    oracle: '`resend` (`resend.webhooks.verify`), with `standardwebhooks` (`Webhook#sign`) as the signer',
    notes: [
      'A preset of the `standard` route’s scheme under the `svix-*` header names only, the ones Resend sends: a request that carries only `webhook-*` headers is refused `MISSING_SIGNATURE`.',
    ],
  },
};
