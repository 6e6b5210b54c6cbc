import { randomUUID } from 'node:crypto';
import {
  signatureMismatch,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { isoTime, randomId, randomNumericId } from '../samples';
import { bodyHmacSecretIndex, signBodyHmac, type HmacSignatureFormat } from '../schemes';

/**
 * `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of the body. Entries of other versions
 * are skipped, as PagerDuty's verifier does.
 */
const SIGNATURE: HmacSignatureFormat = { header: 'X-PagerDuty-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'v1=' };

// --- Samples for `npm run send` --------------------------------------------------------------

// V3 webhooks: one `event` per body, its data depending on `event_type` (PagerDuty developer docs,
// "Webhooks v3 overview"). Ids are PagerDuty's 7-character references and 26-character event ids.
const reference = (type: string, id: string, summary: string, path: string) => ({
  html_url: `https://bakery.pagerduty.com/${path}/${id}`,
  id,
  self: `https://api.pagerduty.com/${path}/${id}`,
  summary,
  type,
});
const SERVICE = reference('service_reference', 'PF9KMXH', 'Checkout API', 'services');
const AGENT = reference('user_reference', 'PLH1HKV', 'Zoë Martin', 'users');
const TEAM = reference('team_reference', 'PFCVPS0', 'Payments', 'teams');

function v3Event(eventType: string, resourceType: string, data: Record<string, unknown>, context: SampleContext, agent: unknown = AGENT): string {
  return JSON.stringify({
    event: {
      id: randomId('', 26).toUpperCase(),
      event_type: eventType,
      resource_type: resourceType,
      occurred_at: isoTime(context.nowSeconds),
      agent,
      client: agent === null ? null : { name: 'PagerDuty' },
      data,
    },
  });
}

function incident(status: 'triggered' | 'acknowledged' | 'resolved', context: SampleContext): Record<string, unknown> {
  const number = 1 + (randomNumericId() % 9000);
  const id = randomId('Q', 6).toUpperCase();
  return {
    id,
    type: 'incident',
    self: `https://api.pagerduty.com/incidents/${id}`,
    html_url: `https://bakery.pagerduty.com/incidents/${id}`,
    number,
    status,
    incident_key: randomId('', 32).toLowerCase(),
    created_at: isoTime(context.nowSeconds - 60),
    title: 'Checkout latency above 2 s — paiements en attente',
    service: SERVICE,
    assignees: [AGENT],
    escalation_policy: reference('escalation_policy_reference', 'PUS0KTE', 'Default', 'escalation_policies'),
    teams: [TEAM],
    priority: reference('priority_reference', 'PSO75BM', 'P1', 'priorities'),
    urgency: 'high',
    conference_bridge: null,
    resolve_reason: null,
  };
}

/**
 * PagerDuty (V3 webhooks): `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 over the raw
 * body with the subscription's secret; PagerDuty sends one `v1` entry per active secret and any may
 * match. No timestamp is signed; the id (`event.id`) and type (`event.event_type`) are in the
 * signed body, so a resent body is a repeat.
 */
export const pagerduty: WebhookProvider = {
  name: 'pagerduty',
  defaultToleranceSeconds: 0,
  // PagerDuty drops webhooks above 256 KB; twice that leaves room.
  defaultMaxBodyBytes: 512 * 1024,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    const secretIndex = bodyHmacSecretIndex(request, secrets, SIGNATURE);
    if (secretIndex < 0) return signatureMismatch(secrets);

    const body = parseJsonBody(request);
    return { secretIndex, events: [jsonEvent(requireStringField(body.value, ['event', 'id']), requireStringField(body.value, ['event', 'event_type']), body)] };
  },

  sign(request, { secret }) {
    return signBodyHmac(request, secret, SIGNATURE);
  },

  samples: {
    defaultType: 'incident.triggered',
    types: {
      'incident.triggered': (c) => v3Event('incident.triggered', 'incident', incident('triggered', c), c, reference('service_reference', SERVICE.id, SERVICE.summary, 'services')),
      'incident.acknowledged': (c) => v3Event('incident.acknowledged', 'incident', incident('acknowledged', c), c),
      'incident.resolved': (c) => v3Event('incident.resolved', 'incident', { ...incident('resolved', c), resolve_reason: null }, c),
      'incident.annotated': (c) =>
        v3Event(
          'incident.annotated',
          'incident',
          {
            incident: reference('incident_reference', 'PGR0VU2', 'Checkout latency above 2 s', 'incidents'),
            id: randomId('P', 6).toUpperCase(),
            content: 'Rollback en cours, ETA 10 min.',
            trimmed: false,
            type: 'incident_note',
          },
          c,
        ),
      'service.updated': (c) =>
        v3Event('service.updated', 'service', { ...SERVICE, type: 'service', summary: 'Checkout API', alert_creation: 'create_alerts_and_incidents', teams: [TEAM] }, c, null),
      'pagey.ping': (c) => v3Event('pagey.ping', 'pagey', { message: 'Hello from your friend Pagey!', type: 'ping' }, c, null),
    },
    request: (body, _type, context) =>
      jsonPost(body, context, {
        'User-Agent': 'PagerDuty-Webhook/V3.0',
        'X-Webhook-Id': randomUUID(),
        'X-Webhook-Subscription': randomId('P', 6).toUpperCase(),
      }),
  },

  development: { secret: 'hookrelay-development-pagerduty-secret' },

  docs: {
    title: 'PagerDuty (V3 webhooks)',
    signatureHeaders: '`X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]` (one entry per active secret; any may match)',
    signedContent: 'HMAC-SHA256 of `{body}`',
    timestamp: 'none',
    eventId: 'body `event.id`',
    eventType: 'body `event.event_type` (`incident.triggered`, `service.updated`, `pagey.ping`, …)',
    secret: 'the webhook subscription’s secret',
    secretLocation:
      'shown once when the subscription is created: Integrations → Generic Webhooks (v3) → *New Webhook* (or the `secret` in the Webhook Subscriptions API response)',
    notSigned: 'nothing the envelope uses (`X-Webhook-Id`, the delivery id, is not used)',
    replayProtection: 'no timestamp: the signed `event.id`, within the idempotency window',
    oracle: 'the verification algorithm of PagerDuty’s developer documentation (“Verifying Signatures”) and an `openssl dgst` known answer',
    notes: [
      'PagerDuty drops a webhook without retrying on any 4xx answer but 429, so a refusal here (`401`, or `400 INVALID_PAYLOAD`) is final for that delivery: watch the route’s `Rejected` metric after rotating a secret.',
    ],
  },
};
