import { randomUUID } from 'node:crypto';
import { constantTimeEqual, tokenDigest } from '../crypto';
import { WebhookError } from '../errors';
import { arrayElementSpans, spanAt, textOf } from '../raw-json';
import {
  DEFAULT_MAX_BODY_BYTES,
  secretIndexOf,
  signatureMismatch,
  isRecord,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireHeader,
  requireStringField,
  withSentHeaders,
  type SampleContext,
  type WebhookEvent,
  type WebhookProvider,
} from '../provider';
import { header } from '../request';
import { compactJson, isoTime, randomId } from '../samples';

const AUTHORIZATION_HEADER = 'Authorization';
const CHALLENGE_HEADER = 'X-Okta-Verification-Challenge';

/**
 * Whether the received `Authorization` value, as its `tokenDigest`, is the configured one: digests
 * compare in the same time whatever the values' lengths and wherever they differ.
 */
function sameCredential(receivedDigest: Buffer, configured: string): boolean {
  return configured !== '' && constantTimeEqual(receivedDigest, tokenDigest(configured));
}

function toEvent(item: unknown, itemJson: string, index: number): WebhookEvent {
  if (!isRecord(item)) throw new WebhookError('INVALID_PAYLOAD', `Event ${index} is not a JSON object`, { details: { eventIndex: index } });
  return { id: requireStringField(item, ['uuid']), type: requireStringField(item, ['eventType']), payload: item, payloadJson: itemJson };
}

// --- Samples for `npm run send` --------------------------------------------------------------

const ORG = 'https://hookrelay.okta.com';
const ACTOR = { id: '00u1hookrelay0zoe1', type: 'User', alternateId: 'zoe@example.com', displayName: 'Zoë Martin', detailEntry: null };

/** One System Log event of `eventType`, as an event hook carries it. */
function logEvent(eventType: string, displayMessage: string, context: SampleContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: randomUUID(),
    published: isoTime(context.nowSeconds),
    eventType,
    version: '0',
    displayMessage,
    severity: 'INFO',
    client: { userAgent: { rawUserAgent: 'Mozilla/5.0', os: 'Mac OS X', browser: 'FIREFOX' }, zone: 'null', device: 'Computer', id: null, ipAddress: '203.0.113.7', geographicalContext: { city: 'Paris', state: 'Île-de-France', country: 'France', postalCode: null, geolocation: { lat: 48.86, lon: 2.35 } } },
    device: null,
    actor: ACTOR,
    outcome: { result: 'SUCCESS', reason: null },
    target: null,
    transaction: { type: 'WEB', id: randomId('', 27), detail: {} },
    debugContext: { debugData: { requestId: randomId('', 27), requestUri: '/api/v1/authn', url: '/api/v1/authn?' } },
    legacyEventType: null,
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, authenticationStep: 0, externalSessionId: randomId('', 25), interface: null },
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    insertionTimestamp: null,
    ...extra,
  };
}

/** An event hook delivery: Okta's CloudEvents-style wrapper around `data.events`. */
function eventHook(...events: Array<(context: SampleContext) => Record<string, unknown>>) {
  return (context: SampleContext) =>
    compactJson({
      eventType: 'com.okta.event_hook',
      eventTypeVersion: '1.0',
      cloudEventsVersion: '0.1',
      source: `${ORG}/api/v1/eventHooks/who1hookrelay0sample`,
      eventId: randomUUID(),
      data: { events: events.map((event) => event(context)) },
      eventTime: isoTime(context.nowSeconds),
      contentType: 'application/json',
    });
}

const target = (type: string, displayName: string, alternateId: string) => [{ id: `00${randomId('', 18)}`, type, alternateId, displayName, detailEntry: null }];

/** The sample type whose request is Okta's one-time GET verification, not an event hook delivery. */
const VERIFICATION = 'verification';

/**
 * Okta event hooks: no signature. Okta sends the `Authorization` value configured on the hook, and
 * hookrelay compares it in constant time with the route's secrets (any matches: rotation). The body
 * is not signed and there is no timestamp: whoever holds the value can send anything.
 *
 * - `GET` with `X-Okta-Verification-Challenge` (the one-time verification when the hook is created)
 *   and a valid `Authorization` is answered `{"verification": <challenge>}`; nothing is published.
 * - `POST`: one event per `data.events[]` item, id `uuid`, type `eventType`, payload the item's slice.
 */
export const okta: WebhookProvider = {
  name: 'okta',
  methods: ['GET', 'POST'],
  // Nothing is signed, so there is no timestamp to check.
  defaultToleranceSeconds: 0,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    // The credential first, for the verification GET too: the challenge is echoed only to Okta.
    const received = tokenDigest(requireHeader(request, AUTHORIZATION_HEADER));
    const secretIndex = secretIndexOf(secrets, (secret) => sameCredential(received, secret));
    if (secretIndex < 0) return signatureMismatch(secrets);

    if (request.method === 'GET') {
      const challenge = header(request, CHALLENGE_HEADER);
      if (challenge === undefined || challenge === '') throw new WebhookError('INVALID_PAYLOAD', `${CHALLENGE_HEADER} header is missing`);
      return { secretIndex, events: [], reply: { statusCode: 200, body: { verification: challenge } } };
    }

    const body = parseJsonBody(request);
    const events = isRecord(body.value) && isRecord(body.value['data']) ? body.value['data']['events'] : undefined;
    if (!Array.isArray(events)) throw new WebhookError('INVALID_PAYLOAD', 'Okta payload has no "data.events" array');
    // Each event is published as its own slice of the body, exactly as Okta wrote it.
    const itemSpans = arrayElementSpans(body.text, spanAt(body.text, ['data', 'events'])!);
    return { secretIndex, events: events.map((item: unknown, index) => toEvent(item, textOf(body.text, itemSpans[index]!), index)) };
  },

  sign(request, { secret }) {
    return withSentHeaders(request, { [AUTHORIZATION_HEADER]: secret });
  },

  samples: {
    defaultType: 'user.session.start',
    types: {
      'user.session.start': eventHook((c) => logEvent('user.session.start', 'User login to Okta', c, { legacyEventType: 'core.user_auth.login_success' })),
      'user.lifecycle.create': eventHook((c) => logEvent('user.lifecycle.create', 'Create okta user', c, { target: target('User', 'Amir Haddad', 'amir@example.org') })),
      'user.account.lock': eventHook((c) =>
        logEvent('user.account.lock', 'Max sign in attempts exceeded', c, { severity: 'WARN', outcome: { result: 'FAILURE', reason: 'LOCKED_OUT' } }),
      ),
      // Okta may deliver several events in one request: each becomes its own envelope.
      'group.user_membership.add': eventHook(
        (c) => logEvent('group.user_membership.add', 'Add user to group membership', c, { target: [...target('User', 'Amir Haddad', 'amir@example.org'), ...target('UserGroup', 'Engineering', 'Engineering')] }),
        (c) => logEvent('group.user_membership.add', 'Add user to group membership', c, { target: [...target('User', 'Li Wei', 'li.wei@example.net'), ...target('UserGroup', 'Engineering', 'Engineering')] }),
      ),
      // Okta's one-time verification when the hook is created: a GET, answered, never published.
      [VERIFICATION]: () => '',
    },
    request(body, type, context) {
      if (type === VERIFICATION) return { method: 'GET', url: context.url, headers: { [CHALLENGE_HEADER]: randomId('', 40), 'User-Agent': 'Okta Event Hooks' }, body: '' };
      return jsonPost(body, context, { 'User-Agent': 'Okta Event Hooks' });
    },
  },

  development: { secret: 'Basic aG9va3JlbGF5OmRldmVsb3BtZW50LW9rdGEtY3JlZGVudGlhbA==' },

  docs: {
    title: 'Okta (event hooks)',
    signatureHeaders: '`Authorization: <the configured value>` (no signature)',
    signedContent: 'nothing: the header is compared in constant time with the configured value',
    timestamp: 'none',
    eventId: 'per item `data.events[k].uuid` (one envelope per item)',
    eventType: 'per item `eventType`, e.g. `user.session.start`',
    secret: 'the exact `Authorization` header value configured on the event hook (e.g. `Basic …`)',
    secretLocation: 'Admin Console → Workflow → Event Hooks → your hook → *Authentication field* `Authorization` and its *Authentication secret* (you choose it)',
    notSigned:
      '**everything**: the body, its ids and types. A static credential proves only that the sender knows it; whoever holds it (or one captured request) can send any events, with any ids, at any time',
    replayProtection:
      'only each item’s `uuid`: a captured request sent again is a repeat within the idempotency window and is published again after it; a request with fresh `uuid`s is new. There is no timestamp and no signature to bind anything to',
    replies:
      'A `GET` with `X-Okta-Verification-Challenge` and a valid `Authorization` is answered `200 {"verification": <challenge>}` and nothing is published; without a valid `Authorization` it is refused `401` and the challenge is not echoed, without the challenge header `400`.',
    notes: [
      'Use HTTPS end to end and a long random credential, and rotate it (the route accepts any of its secrets, newest first). Treat each event as Okta’s word only as far as the credential is secret; confirm anything consequential with Okta’s System Log API (`/api/v1/logs`).',
      'Okta lets you name the authentication header; this route reads `Authorization`.',
    ],
  },
};
