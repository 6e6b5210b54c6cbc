import { DEFAULT_MAX_BODY_BYTES, noOptions, type SampleContext, type WebhookProvider } from '../provider';
import { compactJson, randomId } from '../samples';
import { standardWebhooksScheme, svixRequest } from './standard';

// --- Samples for `npm run send` --------------------------------------------------------------

// Clerk's event envelope: the object in `data`, the type in `type`, `timestamp` in milliseconds.
// The event id is the `svix-id` header (see `request` below). Shapes as in Clerk's `@clerk/backend`
// types (`UserJSON`, `SessionWebhookEventJSON`, `OrganizationJSON`, …).
const INSTANCE_ID = 'ins_2hookrelayDevelopmentInst';
const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

function clerkEvent(type: string, data: Record<string, unknown>, context: SampleContext): string {
  return compactJson({
    data,
    event_attributes: { http_request: { client_ip: '203.0.113.7', user_agent: USER_AGENT } },
    instance_id: INSTANCE_ID,
    object: 'event',
    timestamp: context.nowSeconds * 1000,
    type,
  });
}

function user(context: SampleContext): Record<string, unknown> {
  const millis = context.nowSeconds * 1000;
  const emailId = randomId('idn_', 27);
  return {
    id: randomId('user_', 27),
    object: 'user',
    username: null,
    first_name: 'Zoë',
    last_name: 'Martin',
    image_url: 'https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9',
    has_image: false,
    primary_email_address_id: emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: true,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: [
      {
        id: emailId,
        object: 'email_address',
        email_address: 'zoe@example.com',
        verification: { status: 'verified', strategy: 'email_code', attempts: 1, expire_at: millis + 600_000 },
        linked_to: [],
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    saml_accounts: [],
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    external_id: null,
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: millis,
    updated_at: millis,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: millis,
  };
}

function session(status: 'active' | 'ended', context: SampleContext): Record<string, unknown> {
  const millis = context.nowSeconds * 1000;
  return {
    id: randomId('sess_', 27),
    object: 'session',
    client_id: randomId('client_', 27),
    user_id: randomId('user_', 27),
    status,
    last_active_at: millis,
    last_active_organization_id: null,
    actor: null,
    expire_at: millis + 7 * 24 * 3600 * 1000,
    abandon_at: millis + 30 * 24 * 3600 * 1000,
    created_at: millis,
    updated_at: millis,
  };
}

function organization(context: SampleContext): Record<string, unknown> {
  const millis = context.nowSeconds * 1000;
  return {
    id: randomId('org_', 27),
    object: 'organization',
    name: 'Zoë’s Bakery',
    slug: 'zoes-bakery',
    image_url: 'https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9',
    has_image: false,
    max_allowed_memberships: 5,
    admin_delete_enabled: true,
    public_metadata: {},
    private_metadata: {},
    created_by: randomId('user_', 27),
    created_at: millis,
    updated_at: millis,
  };
}

/**
 * Clerk: Standard Webhooks under Svix's header names (`svix-id`, `svix-timestamp`,
 * `svix-signature: v1,<base64> …`, HMAC-SHA256 over `{svix-id}.{svix-timestamp}.{body}`, secret
 * `whsec_<base64>`), exactly as `@clerk/backend`'s `verifyWebhook` reads them: it takes the
 * `svix-*` headers only, so this preset does too. The scheme itself is the `standard` module's.
 */
export const clerk: WebhookProvider = {
  name: 'clerk',
  // Clerk's verifyWebhook delegates to standardwebhooks, whose tolerance is five minutes.
  defaultToleranceSeconds: 300,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  ...standardWebhooksScheme(['svix-']),

  samples: {
    defaultType: 'user.created',
    types: {
      'user.created': (c) => clerkEvent('user.created', user(c), c),
      'user.updated': (c) => clerkEvent('user.updated', { ...user(c), public_metadata: { plan: 'pro' } }, c),
      'user.deleted': (c) => clerkEvent('user.deleted', { id: randomId('user_', 27), object: 'user', deleted: true }, c),
      'session.created': (c) => clerkEvent('session.created', session('active', c), c),
      'session.ended': (c) => clerkEvent('session.ended', session('ended', c), c),
      'organization.created': (c) => clerkEvent('organization.created', organization(c), c),
    },
    request: svixRequest,
  },

  development: { secret: 'whsec_aG9va3JlbGF5LWRldmVsb3BtZW50LWNsZXJrLXdo' },

  docs: {
    title: 'Clerk',
    signatureHeaders: '`svix-id`, `svix-timestamp`, `svix-signature: v1,<base64> [v1,<base64> …]`',
    signedContent: 'HMAC-SHA256 of `{svix-id}.{svix-timestamp}.{body}` (Standard Webhooks)',
    timestamp: '`svix-timestamp`, seconds; 300 s either way',
    eventId: '`svix-id`',
    eventType: 'body `type` (`user.created`, `session.ended`, …)',
    secret: '`whsec_<base64 key>`',
    secretLocation: 'Clerk Dashboard → Configure → Webhooks → your endpoint → *Signing Secret*',
    notSigned: 'nothing the envelope uses',
    replayProtection: 'the signed timestamp, then the signed `svix-id`',
    oracle: '`@clerk/backend` (`verifyWebhook`), with `standardwebhooks` (`Webhook#sign`) as the signer',
    notes: [
      'A preset of the `standard` route’s scheme under the `svix-*` header names only, as `@clerk/backend`’s `verifyWebhook` reads them: a request that carries only `webhook-*` headers is refused `MISSING_SIGNATURE`.',
    ],
  },
};
