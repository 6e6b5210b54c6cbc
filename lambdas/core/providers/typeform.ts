import {
  DEFAULT_MAX_BODY_BYTES,
  signatureMismatch,
  jsonEvent,
  jsonPost,
  noOptions,
  parseJsonBody,
  requireStringField,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { isoTime, randomHex, randomId } from '../samples';
import { bodyHmacSecretIndex, signBodyHmac, type HmacSignatureFormat } from '../schemes';

/** `Typeform-Signature: sha256=<base64>`, HMAC-SHA256 of the body. */
const SIGNATURE: HmacSignatureFormat = { header: 'Typeform-Signature', algorithm: 'sha256', encoding: 'base64', prefix: 'sha256=' };

// --- Samples for `npm run send` --------------------------------------------------------------

// Shapes as in Typeform's "Example webhook payload" (developer docs, Webhooks).
const FORM_ID = 'lT4Z3j';
const FIELDS = [
  { id: 'DlXFaesGBpoF', title: 'Quel est votre prénom ?', type: 'short_text', ref: 'first_name' },
  { id: 'SMEUb7VJz92Q', title: 'Votre e-mail ?', type: 'email', ref: 'email' },
  { id: 'JwWggjAKtOkA', title: 'Quelle viennoiserie préférez-vous ?', type: 'multiple_choice', ref: 'pastry' },
  { id: 'NRsxU591jIW9', title: 'Sur 10, recommanderiez-vous la boulangerie ?', type: 'opinion_scale', ref: 'nps' },
];

function formResponse(eventType: 'form_response' | 'form_response_partial', context: SampleContext): string {
  const answered = eventType === 'form_response' ? FIELDS.length : 2;
  const answers = [
    { type: 'text', text: 'Zoë', field: { id: FIELDS[0]!.id, type: 'short_text', ref: 'first_name' } },
    { type: 'email', email: 'zoe@example.com', field: { id: FIELDS[1]!.id, type: 'email', ref: 'email' } },
    { type: 'choice', choice: { id: 'k6TP9oLGgHjl', label: 'Croissant 🥐', ref: 'croissant' }, field: { id: FIELDS[2]!.id, type: 'multiple_choice', ref: 'pastry' } },
    { type: 'number', number: 9, field: { id: FIELDS[3]!.id, type: 'opinion_scale', ref: 'nps' } },
  ].slice(0, answered);
  return JSON.stringify({
    event_id: randomId('01', 24).toUpperCase(),
    event_type: eventType,
    form_response: {
      form_id: FORM_ID,
      token: randomHex(16),
      landed_at: isoTime(context.nowSeconds - 95),
      submitted_at: isoTime(context.nowSeconds),
      hidden: { source: 'newsletter' },
      calculated: { score: 0 },
      definition: { id: FORM_ID, title: 'Votre avis sur la boulangerie', fields: FIELDS },
      answers,
      ...(eventType === 'form_response' ? { ending: { id: 'dN5FLyFpCMFo', ref: 'default_tys' } } : {}),
    },
  });
}

/**
 * Typeform: `Typeform-Signature: sha256=<base64>` HMAC-SHA256 over the raw body with the webhook's
 * secret, as Typeform's developer documentation ("Secure your webhooks") describes. No timestamp is
 * signed; the id (`event_id`) and type (`event_type`) are in the signed body.
 */
export const typeform: WebhookProvider = {
  name: 'typeform',
  defaultToleranceSeconds: 0,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: noOptions,

  verify(request, { secrets }) {
    const secretIndex = bodyHmacSecretIndex(request, secrets, SIGNATURE);
    if (secretIndex < 0) return signatureMismatch(secrets);

    const body = parseJsonBody(request);
    return { secretIndex, events: [jsonEvent(requireStringField(body.value, ['event_id']), requireStringField(body.value, ['event_type']), body)] };
  },

  sign(request, { secret }) {
    return signBodyHmac(request, secret, SIGNATURE);
  },

  samples: {
    defaultType: 'form_response',
    types: {
      form_response: (c) => formResponse('form_response', c),
      form_response_partial: (c) => formResponse('form_response_partial', c),
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'Typeform Webhooks' }),
  },

  development: { secret: 'hookrelay-development-typeform-secret' },

  docs: {
    title: 'Typeform',
    signatureHeaders: '`Typeform-Signature: sha256=<base64>`',
    signedContent: 'HMAC-SHA256 of `{body}`',
    timestamp: 'none',
    eventId: 'body `event_id`',
    eventType: 'body `event_type` (`form_response`, `form_response_partial`)',
    secret: 'the webhook’s secret (a string you choose)',
    secretLocation: 'a string you choose and set on the webhook: `secret` in the Webhooks API’s create or update call (the form’s Connect → Webhooks → *Edit* panel offers the same)',
    notSigned: 'nothing the envelope uses',
    replayProtection: 'no timestamp: the signed `event_id`, within the idempotency window',
    oracle: 'the algorithm of Typeform’s developer documentation (“Secure your webhooks”) and an `openssl dgst` known answer',
  },
};
