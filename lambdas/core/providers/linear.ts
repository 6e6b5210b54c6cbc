import { randomUUID } from 'node:crypto';
import { WebhookError } from '../errors';
import {
  assertMillisecondsWithinTolerance,
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  isRecord,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { header } from '../request';
import { isoTime, prettyJson } from '../samples';
import { bodyHmacSecretIndex, signBodyHmac, type HmacSignatureFormat } from '../schemes';

/** `Linear-Signature: <hex>`, HMAC-SHA256 of the body. */
const SIGNATURE: HmacSignatureFormat = { header: 'Linear-Signature', algorithm: 'sha256', encoding: 'hex' };
const DELIVERY_HEADER = 'Linear-Delivery';
const EVENT_HEADER = 'Linear-Event';
/** The body field Linear's SDK reads the signed send time from (`LINEAR_WEBHOOK_TS_FIELD`). */
const TIMESTAMP_FIELD = 'webhookTimestamp';

/** `webhookTimestamp` of a verified body, or INVALID_PAYLOAD: without it a delivery's age is unknown. */
function signedTimestamp(body: unknown): number {
  const value = isRecord(body) ? body[TIMESTAMP_FIELD] : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new WebhookError('INVALID_PAYLOAD', `Payload has no numeric "${TIMESTAMP_FIELD}"`);
  }
  return value;
}

// --- Samples for `npm run send` --------------------------------------------------------------

const ORGANIZATION_ID = '8e3b2f0e-6a3c-4f5e-9d1a-0a1b2c3d4e5f';
const WEBHOOK_ID = 'f1c7a3b2-5d4e-4c3b-8a29-6e5f4d3c2b1a';
const TEAM = { id: '3c1f0d5e-8b7a-4c6d-9e2f-1a0b9c8d7e6f', key: 'ENG', name: 'Engineering' };
const ACTOR = { id: '5b0c9d8e-7f6a-4b5c-8d4e-3f2a1b0c9d8e', type: 'user', name: 'Zoë Martin', email: 'zoe@example.com', url: 'https://linear.app/acme/profiles/zoe' };
const STATES = {
  todo: { id: '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f', color: '#e2e2e2', name: 'Todo', type: 'unstarted' },
  inProgress: { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', color: '#f2c94c', name: 'In Progress', type: 'started' },
};

/** Linear's envelope: `webhookTimestamp` is the time of sending, in milliseconds. */
function linearEvent(type: string, action: string, data: Record<string, unknown>, url: string, context: SampleContext, updatedFrom?: Record<string, unknown>): string {
  return prettyJson({
    action,
    actor: ACTOR,
    createdAt: isoTime(context.nowSeconds),
    data,
    url,
    type,
    ...(updatedFrom ? { updatedFrom } : {}),
    organizationId: ORGANIZATION_ID,
    webhookTimestamp: context.nowSeconds * 1000,
    webhookId: WEBHOOK_ID,
  });
}

function issue(state: keyof typeof STATES, context: SampleContext): Record<string, unknown> {
  const number = 1 + (context.nowSeconds % 9000);
  return {
    id: randomUUID(),
    createdAt: isoTime(context.nowSeconds - 3600),
    updatedAt: isoTime(context.nowSeconds),
    number,
    title: 'Retries from Zoë’s shop time out ⏱',
    description: 'Deliveries after the third retry are refused as stale.',
    priority: 2,
    priorityLabel: 'High',
    estimate: 3,
    sortOrder: -1021.5,
    identifier: `${TEAM.key}-${number}`,
    url: `https://linear.app/acme/issue/${TEAM.key}-${number}/retries-time-out`,
    teamId: TEAM.id,
    team: TEAM,
    stateId: STATES[state].id,
    state: STATES[state],
    creatorId: ACTOR.id,
    assigneeId: ACTOR.id,
    labelIds: [],
    labels: [],
    subscriberIds: [ACTOR.id],
    previousIdentifiers: [],
    botActor: null,
  };
}

function issueCreate(context: SampleContext): string {
  const data = issue('todo', context);
  return linearEvent('Issue', 'create', data, data['url'] as string, context);
}

function issueUpdate(context: SampleContext): string {
  const data = issue('inProgress', context);
  return linearEvent('Issue', 'update', data, data['url'] as string, context, { updatedAt: isoTime(context.nowSeconds - 60), stateId: STATES.todo.id });
}

function commentCreate(context: SampleContext): string {
  const issueId = randomUUID();
  const id = randomUUID();
  const data = {
    id,
    createdAt: isoTime(context.nowSeconds),
    updatedAt: isoTime(context.nowSeconds),
    body: 'Reproduced with a 5 s clock skew 👀',
    issueId,
    userId: ACTOR.id,
    reactionData: [],
    issue: { id: issueId, identifier: `${TEAM.key}-42`, title: 'Retries from Zoë’s shop time out ⏱', teamId: TEAM.id, team: TEAM, url: `https://linear.app/acme/issue/${TEAM.key}-42` },
    user: { id: ACTOR.id, name: ACTOR.name, email: ACTOR.email, url: ACTOR.url },
  };
  return linearEvent('Comment', 'create', data, `https://linear.app/acme/issue/${TEAM.key}-42#comment-${id.slice(0, 8)}`, context);
}

function projectUpdate(context: SampleContext): string {
  const id = randomUUID();
  const data = {
    id,
    createdAt: isoTime(context.nowSeconds - 86_400),
    updatedAt: isoTime(context.nowSeconds),
    name: 'Webhook breadth',
    description: 'Twenty more senders',
    slugId: id.slice(0, 12),
    color: '#5e6ad2',
    state: 'started',
    progress: 0.35,
    targetDate: isoTime(context.nowSeconds + 30 * 86_400).slice(0, 10),
    leadId: ACTOR.id,
    teamIds: [TEAM.id],
    url: `https://linear.app/acme/project/webhook-breadth-${id.slice(0, 12)}`,
  };
  return linearEvent('Project', 'update', data, data.url, context, { updatedAt: isoTime(context.nowSeconds - 60), state: 'planned' });
}

/**
 * Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the raw body with the webhook's signing
 * secret. The body carries the time of sending, `webhookTimestamp` (milliseconds), which Linear's
 * SDK (`LinearWebhookClient.verify`) checks after the signature: `Math.abs(Date.now() - ts) > 60000`
 * is refused. The delivery id comes in the unsigned `Linear-Delivery` header; the type is
 * `<type>.<action>` from the body (`Issue.create`).
 */
export const linear: WebhookProvider = {
  name: 'linear',
  defaultToleranceSeconds: 60,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const secretIndex = bodyHmacSecretIndex(request, secrets, SIGNATURE);
    if (secretIndex < 0) return signatureMismatch(secrets);

    const body = parseJsonBody(request);
    assertMillisecondsWithinTolerance(signedTimestamp(body.value), nowSeconds, toleranceSeconds);
    const deliveryId = header(request, DELIVERY_HEADER)?.trim();
    if (!deliveryId) throw new WebhookError('INVALID_PAYLOAD', `${DELIVERY_HEADER} header is missing`);
    const type = `${requireStringField(body.value, ['type'])}.${requireStringField(body.value, ['action'])}`;
    return { secretIndex, events: [jsonEvent(deliveryId, type, body)] };
  },

  sign(request, { secret }) {
    // The timestamp Linear signs is inside the body (`webhookTimestamp`): the samples set it.
    return signBodyHmac(request, secret, SIGNATURE);
  },

  samples: {
    defaultType: 'Issue.create',
    types: { 'Issue.create': issueCreate, 'Issue.update': issueUpdate, 'Comment.create': commentCreate, 'Project.update': projectUpdate },
    request: (body, type, context) =>
      jsonPost(body, context, { [DELIVERY_HEADER]: randomUUID(), [EVENT_HEADER]: type.split('.')[0] ?? type, 'User-Agent': 'Linear-Webhook' }),
  },

  development: { secret: 'lin_wh_hookrelay0development0linear0signing0secret' },

  docs: {
    title: 'Linear',
    signatureHeaders: '`Linear-Signature: <hex>`',
    signedContent: 'HMAC-SHA256 of `{body}`',
    timestamp: '`webhookTimestamp` in the signed body, milliseconds; 60 s either way (Linear’s SDK: the same)',
    eventId: '`Linear-Delivery`',
    eventType: '`<type>.<action>` from the body, e.g. `Issue.create`',
    secret: 'the webhook’s signing secret',
    secretLocation: 'Settings → API → Webhooks → the webhook → *Signing secret*',
    notSigned:
      '`Linear-Delivery` (the envelope `id`) and `Linear-Event`: within the 60 s window, a captured delivery re-sent with a fresh `Linear-Delivery` is a distinct event',
    replayProtection:
      'the signed `webhookTimestamp` (60 s), then `Linear-Delivery`. No content fingerprint: `webhookTimestamp` is the time of sending, so each of Linear’s retries has other bytes and is recognised by its unchanged `Linear-Delivery` instead',
    oracle: '`@linear/sdk` (`LinearWebhookClient#verify`); Linear ships no signer, so `sign` is checked by its verifier',
    notes: [
      'A validly signed body without a numeric `webhookTimestamp` is refused as `INVALID_PAYLOAD`, as Linear’s SDK refuses it: its age cannot be checked. The legacy `Linear-Timestamp` header is ignored, as the SDK ignores it.',
    ],
  },
};
