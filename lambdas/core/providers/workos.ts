import { hmac } from '../crypto';
import {
  assertMillisecondsWithinTolerance,
  bodyBytes,
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  requireUnixMilliseconds,
  withSentHeaders,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { compactJson, isoTime, prefixedUlid } from '../samples';
import { requireTimestampedMacs, secretIndexOfHmac, timestampedMacHeader, type TimestampedMacFormat } from '../schemes';

/** `WorkOS-Signature: t=<unix ms>, v1=<hex>`, HMAC-SHA256 of `{t}.{body}`; exactly one `t`. */
const SIGNATURE: TimestampedMacFormat = { header: 'WorkOS-Signature', separator: ',', timestampKey: 't', macKey: 'v1', algorithm: 'sha256', encoding: 'hex' };

// --- Samples for `npm run send` --------------------------------------------------------------

/** WorkOS ids: a prefix and an upper-case ULID (`user_01E4ZCR3C56J083X43JQXF3JK5`). */
const workosId = (prefix: string) => prefixedUlid(prefix, 'upper');

const ORGANIZATION_ID = 'org_01HOOKRE1AYDEVE10PMENT0RG0';

/** WorkOS's event envelope: compact JSON, a new `event_…` id on every call. */
function workosEvent(event: string, data: Record<string, unknown>, context: SampleContext): string {
  return compactJson({ id: workosId('event'), event, data, created_at: isoTime(context.nowSeconds) });
}

function user(context: SampleContext, updated = false): Record<string, unknown> {
  const now = isoTime(context.nowSeconds);
  return {
    object: 'user',
    id: workosId('user'),
    email: 'zoe@example.com',
    email_verified: updated,
    first_name: 'Zoë',
    last_name: 'Martin',
    profile_picture_url: null,
    last_sign_in_at: updated ? now : null,
    external_id: null,
    metadata: {},
    created_at: updated ? isoTime(context.nowSeconds - 86_400) : now,
    updated_at: now,
  };
}

function organization(context: SampleContext): Record<string, unknown> {
  const now = isoTime(context.nowSeconds);
  return {
    object: 'organization',
    id: workosId('org'),
    name: 'Café Zoë SARL',
    allow_profiles_outside_organization: false,
    domains: [{ object: 'organization_domain', id: workosId('org_domain'), domain: 'example.com', state: 'verified', verification_strategy: 'dns' }],
    external_id: null,
    metadata: {},
    created_at: now,
    updated_at: now,
  };
}

function directoryUser(context: SampleContext): Record<string, unknown> {
  const now = isoTime(context.nowSeconds);
  return {
    object: 'directory_user',
    id: workosId('directory_user'),
    directory_id: 'directory_01HOOKRE1AYDEVE10PMENTD1R',
    organization_id: ORGANIZATION_ID,
    idp_id: '00u1a0hookrelay0dev',
    email: 'zoe@example.com',
    first_name: 'Zoë',
    last_name: 'Martin',
    state: 'active',
    custom_attributes: { department: 'Engineering' },
    raw_attributes: {},
    created_at: now,
    updated_at: now,
  };
}

function ssoSucceeded(): Record<string, unknown> {
  return {
    type: 'sso',
    status: 'succeeded',
    user_id: null,
    email: 'zoe@example.com',
    ip_address: '203.0.113.7',
    user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)',
    sso: { organization_id: ORGANIZATION_ID, connection_id: 'conn_01HOOKRE1AYDEVE10PMENTC0N', session_id: workosId('sso_session') },
  };
}

/**
 * WorkOS: `WorkOS-Signature: t=<unix ms>, v1=<hex>`, HMAC-SHA256 with the webhook secret over
 * `{t}.{body}`, `t` in milliseconds. `@workos-inc/node` (`webhooks.constructEvent`) refuses a `t`
 * older than 180 s (`tolerance = 18e4`); hookrelay checks both directions. The SDK signs
 * `JSON.stringify` of the parsed payload; WorkOS posts compact JSON, so that is the body itself,
 * and hookrelay verifies the raw bytes.
 */
export const workos: WebhookProvider = {
  name: 'workos',
  defaultToleranceSeconds: 180,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const { timestampText, macs } = requireTimestampedMacs(request, SIGNATURE);
    const timestampMs = requireUnixMilliseconds(timestampText, 'WorkOS-Signature t');
    const secretIndex = secretIndexOfHmac(secrets, macs, SIGNATURE.algorithm, `${timestampText}.`, signedBody(request));
    if (secretIndex < 0) return signatureMismatch(secrets);
    assertMillisecondsWithinTolerance(timestampMs, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request);
    return { secretIndex, events: [jsonEvent(requireStringField(body.value, ['id']), requireStringField(body.value, ['event']), body)] };
  },

  sign(request, { secret, nowSeconds }) {
    const timestampText = String(nowSeconds * 1000);
    const mac = hmac(SIGNATURE.algorithm, secret, `${timestampText}.`, bodyBytes(request));
    // WorkOS writes a space after each comma.
    return withSentHeaders(request, { [SIGNATURE.header]: timestampedMacHeader(SIGNATURE, timestampText, [mac], ', ') });
  },

  samples: {
    defaultType: 'user.created',
    types: {
      'user.created': (c) => workosEvent('user.created', user(c), c),
      'user.updated': (c) => workosEvent('user.updated', user(c, true), c),
      'organization.created': (c) => workosEvent('organization.created', organization(c), c),
      'dsync.user.created': (c) => workosEvent('dsync.user.created', directoryUser(c), c),
      'authentication.sso_succeeded': (c) => workosEvent('authentication.sso_succeeded', ssoSucceeded(), c),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'WorkOS Webhooks' }),
  },

  development: { secret: 'hookrelay0development0workos0webhook0secret' },

  docs: {
    title: 'WorkOS',
    signatureHeaders: '`WorkOS-Signature: t=<unix ms>, v1=<hex>`',
    signedContent: 'HMAC-SHA256 of `{t}.{body}`',
    timestamp: '`t`, milliseconds; 180 s either way (WorkOS’s SDK: 180 s, old side only)',
    eventId: '`id`',
    eventType: '`event`',
    secret: 'the webhook endpoint’s secret',
    secretLocation: 'WorkOS Dashboard → Webhooks → the endpoint → *Secret*',
    notSigned: 'nothing the envelopes use',
    replayProtection: 'the signed timestamp (180 s), then the signed `id`',
    oracle: '`@workos-inc/node` (`webhooks.computeSignature`, `webhooks.constructEvent`)',
    notes: [
      'WorkOS’s Node SDK signs and verifies `JSON.stringify` of the parsed payload rather than the bytes received. WorkOS posts compact JSON, for which the two are the same; hookrelay verifies the raw body, so a body re-serialised on the way (pretty-printed, re-escaped) is refused where the SDK would accept it.',
    ],
  },
};
