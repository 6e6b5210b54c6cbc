import { randomUUID } from 'node:crypto';
import { WebhookError } from '../errors';
import {
  contentKey,
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  signedBody,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { header } from '../request';
import { isoTime, randomHex, randomNumericId } from '../samples';
import { bodyHmacSecretIndex, signBodyHmac, type HmacSignatureFormat } from '../schemes';

/** `Sentry-Hook-Signature: <hex>`, HMAC-SHA256 of the body. */
const SIGNATURE: HmacSignatureFormat = { header: 'Sentry-Hook-Signature', algorithm: 'sha256', encoding: 'hex' };

// --- Samples for `npm run send` --------------------------------------------------------------

// Shapes as in Sentry's integration-platform webhook pages (docs.sentry.io, Integrations →
// Integration Platform → Webhooks). The resource travels in `Sentry-Hook-Resource` (see `request`).
const INSTALLATION = { uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' };
const PROJECT = { id: '4505', name: 'bakery-api', slug: 'bakery-api', platform: 'node' };
const SENTRY_ACTOR = { type: 'application', id: 'sentry', name: 'Sentry' };
const USER_ACTOR = { type: 'user', id: 789, name: 'Zoë Martin' };

function sentryBody(action: string, data: Record<string, unknown>, actor: unknown = SENTRY_ACTOR): string {
  return JSON.stringify({ action, installation: INSTALLATION, data, actor });
}

function issue(status: string, context: SampleContext): Record<string, unknown> {
  const id = String(randomNumericId());
  return {
    issue: {
      id,
      shortId: `BAKERY-API-${1 + (Number(id) % 500)}`,
      title: "TypeError: Cannot read properties of undefined (reading 'amount')",
      culprit: 'checkout(src/payments/checkout.ts)',
      level: 'error',
      status,
      statusDetails: {},
      substatus: status === 'unresolved' ? 'new' : null,
      platform: 'node',
      project: PROJECT,
      type: 'error',
      metadata: { type: 'TypeError', value: "Cannot read properties of undefined (reading 'amount')", filename: 'src/payments/checkout.ts' },
      numComments: 0,
      assignedTo: null,
      isBookmarked: false,
      isSubscribed: false,
      hasSeen: false,
      firstSeen: isoTime(context.nowSeconds - 30),
      lastSeen: isoTime(context.nowSeconds),
      count: '1',
      userCount: 1,
      url: `https://sentry.io/api/0/organizations/bakery/issues/${id}/`,
      web_url: `https://sentry.io/organizations/bakery/issues/${id}/`,
      project_url: `https://sentry.io/organizations/bakery/issues/?project=${PROJECT.id}`,
    },
  };
}

function errorEvent(context: SampleContext): Record<string, unknown> {
  const eventId = randomHex(16);
  const issueId = String(randomNumericId());
  return {
    error: {
      event_id: eventId,
      issue_id: issueId,
      project: Number(PROJECT.id),
      platform: 'node',
      level: 'error',
      title: "TypeError: Cannot read properties of undefined (reading 'amount')",
      culprit: 'checkout(src/payments/checkout.ts)',
      datetime: isoTime(context.nowSeconds),
      received: context.nowSeconds,
      environment: 'production',
      release: 'bakery-api@1.42.0',
      tags: [
        ['environment', 'production'],
        ['level', 'error'],
      ],
      exception: { values: [{ type: 'TypeError', value: "Cannot read properties of undefined (reading 'amount')", mechanism: { type: 'onunhandledrejection', handled: false } }] },
      url: `https://sentry.io/api/0/projects/bakery/bakery-api/events/${eventId}/`,
      web_url: `https://sentry.io/organizations/bakery/issues/${issueId}/events/${eventId}/`,
      issue_url: `https://sentry.io/api/0/issues/${issueId}/`,
    },
  };
}

/**
 * Sentry (integration-platform webhooks): `Sentry-Hook-Signature: <hex>` HMAC-SHA256 over the raw
 * body with the integration's client secret. Sentry signs neither `Request-ID` (the event id) nor
 * `Sentry-Hook-Resource` (half of the type) nor `Sentry-Hook-Timestamp`: deduplication uses the
 * signed body and the type (`contentKey`), so a captured request sent again under a fresh Request-ID
 * is a repeat, and the same body relabelled with another resource is a distinct event.
 */
export const sentry: WebhookProvider = {
  name: 'sentry',
  defaultToleranceSeconds: 0,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    const secretIndex = bodyHmacSecretIndex(request, secrets, SIGNATURE);
    if (secretIndex < 0) return signatureMismatch(secrets);

    const requestId = header(request, 'request-id')?.trim();
    const resource = header(request, 'sentry-hook-resource')?.trim();
    if (!requestId || !resource) throw new WebhookError('INVALID_PAYLOAD', 'Request-ID or Sentry-Hook-Resource header is missing');
    const body = parseJsonBody(request);
    const type = `${resource}.${requireStringField(body.value, ['action'])}`;
    // The resource header is not signed: the key covers the type, so a relabelled body is another event.
    return { secretIndex, events: [jsonEvent(requestId, type, body, contentKey(type, signedBody(request)))] };
  },

  sign(request, { secret }) {
    return signBodyHmac(request, secret, SIGNATURE);
  },

  samples: {
    defaultType: 'issue.created',
    types: {
      'issue.created': (c) => sentryBody('created', issue('unresolved', c)),
      'issue.resolved': (c) => sentryBody('resolved', issue('resolved', c), USER_ACTOR),
      'issue.assigned': (c) => sentryBody('assigned', issue('unresolved', c), USER_ACTOR),
      'error.created': (c) => sentryBody('created', errorEvent(c)),
      'event_alert.triggered': (c) => sentryBody('triggered', { event: errorEvent(c)['error'], triggered_rule: 'Paiements en erreur' }),
      'comment.created': (c) =>
        sentryBody(
          'created',
          { comment_id: String(randomNumericId()), issue_id: String(randomNumericId()), project_slug: PROJECT.slug, timestamp: isoTime(c.nowSeconds), comment: 'Je regarde 👀' },
          USER_ACTOR,
        ),
      'installation.created': () =>
        sentryBody('created', { installation: { ...INSTALLATION, status: 'installed', app: { uuid: randomUUID(), slug: 'hookrelay' }, organization: { slug: 'bakery' } } }, USER_ACTOR),
    },
    request: (body, type, context) =>
      jsonPost(body, context, {
        'User-Agent': 'sentry-app',
        // Sentry sends `uuid4().hex`: 32 hex digits, no dashes.
        'Request-ID': randomUUID().replaceAll('-', ''),
        'Sentry-Hook-Resource': type.slice(0, Math.max(0, type.indexOf('.'))) || type,
        'Sentry-Hook-Timestamp': String(context.nowSeconds),
      }),
  },

  development: { secret: 'hookrelay-development-sentry-client-secret' },

  docs: {
    title: 'Sentry (integration platform)',
    signatureHeaders: '`Sentry-Hook-Signature: <hex>`',
    signedContent: 'HMAC-SHA256 of `{body}`, keyed with the integration’s client secret',
    timestamp: 'none (`Sentry-Hook-Timestamp` is sent but not signed, so it is not checked)',
    eventId: '`Request-ID`',
    eventType: '`<Sentry-Hook-Resource>.<body action>` (`issue.created`, `error.created`, `event_alert.triggered`, …)',
    secret: 'the integration’s client secret',
    secretLocation: 'Settings → Developer Settings → your internal or public integration → *Credentials* → *Client Secret*',
    notSigned:
      '`Request-ID` (the envelope `id`), `Sentry-Hook-Resource` (the first half of the envelope `type`) and `Sentry-Hook-Timestamp`: someone holding one genuine request can present its body under another resource, which is then a distinct event. Subscribers should check that a payload has the shape its type promises',
    replayProtection: 'the signed body and the type: the same body with the same type is accepted once per idempotency window, whatever Request-ID comes with it',
    oracle: 'an `openssl dgst` known answer, and the verification snippet of Sentry’s webhook documentation (hex HMAC-SHA256 of the body)',
  },
};
