import { createPrivateKey, randomBytes, randomInt, sign as signWithKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { decodeSignature, ed25519PublicKey, memoizeSecretParse } from '../crypto';
import { WebhookError } from '../errors';
import {
  assertTimestampWithinTolerance,
  bodyBytes,
  decodeSignatureEntries,
  secretIndexOf,
  signatureMismatch,
  isRecord,
  jsonEvent,
  jsonPost,
  MAX_PUBLIC_KEY_SIGNATURES,
  noOptions,
  parseJsonBody,
  requireHeader,
  requireStringField,
  requireUnixSeconds,
  signatureHeaderEntries,
  withSentHeaders,
  type DirectReply,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { compactJson, isoTime } from '../samples';

const SIGNATURE_HEADER = 'X-Signature-Ed25519';
const TIMESTAMP_HEADER = 'X-Signature-Timestamp';
const ED25519_SIGNATURE_BYTES = 64;

/** Interaction type 1: Discord checks the endpoint with it when it is saved, and now and then after. */
const PING = 1;

/**
 * The interaction types that are published, by their number in the body, with the answer Discord
 * gets at once. Discord waits 3 seconds for an answer; a subscriber cannot answer that fast through
 * a queue, so hookrelay defers: the subscriber follows up with the interaction's `token`.
 */
const INTERACTIONS: ReadonlyMap<number, { readonly type: string; readonly reply: DirectReply }> = new Map([
  // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "thinking…", then the follow-up message.
  [2, { type: 'application_command', reply: { statusCode: 200, body: { type: 5 } } }],
  // DEFERRED_UPDATE_MESSAGE: no loading state; the subscriber edits the message later.
  [3, { type: 'message_component', reply: { statusCode: 200, body: { type: 6 } } }],
  // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT: autocomplete cannot be deferred, so no suggestions.
  [4, { type: 'application_command_autocomplete', reply: { statusCode: 200, body: { type: 8, data: { choices: [] } } } }],
  [5, { type: 'modal_submit', reply: { statusCode: 200, body: { type: 5 } } }],
]);

/**
 * The application's public key as the Developer Portal shows it: 64 hex characters (the raw 32-byte
 * Ed25519 key). Anything else never matches.
 */
export const parseDiscordPublicKey = memoizeSecretParse(function parseDiscordPublicKey(secret: string): KeyObject | undefined {
  return ed25519PublicKey(decodeSignature(secret.trim(), 'hex'));
});

/**
 * The key Discord signs with: an Ed25519 private key (PEM, PKCS #8). Discord keeps its own; this is
 * for development and tests, with a key pair whose public half the route is configured with.
 */
function discordSigningKey(secret: string): KeyObject {
  try {
    const key = createPrivateKey(secret);
    if (key.asymmetricKeyType === 'ed25519') return key;
  } catch {
    // Reported below.
  }
  throw new Error('discord signs with an Ed25519 private key in PEM form; the application public key cannot sign');
}

// --- Samples for `npm run send` --------------------------------------------------------------

const DISCORD_EPOCH_MS = 1_420_070_400_000n;
const APPLICATION_ID = '1187000000000000001';
const GUILD_ID = '1187000000000000002';
const CHANNEL_ID = '1187000000000000003';
const COMMAND_ID = '1187000000000000004';
const USER = { id: '1187000000000000005', username: 'zoe.martin', global_name: 'Zoë Martin', avatar: null, discriminator: '0', public_flags: 0 };

/** A snowflake of `nowSeconds`: milliseconds since Discord's epoch, then 22 random bits. */
function snowflake(nowSeconds: number): string {
  return ((BigInt(nowSeconds * 1000) - DISCORD_EPOCH_MS) * 4_194_304n + BigInt(randomInt(4_194_304))).toString();
}

/** An interaction of `type` in a guild channel, invoked by a member; `extra` holds its `data` and the like. */
function interaction(type: number, extra: Record<string, unknown>, context: SampleContext): string {
  return compactJson({
    app_permissions: '562949953601536',
    application_id: APPLICATION_ID,
    authorizing_integration_owners: { '0': GUILD_ID },
    channel: { id: CHANNEL_ID, guild_id: GUILD_ID, name: 'déploiements', type: 0, nsfw: false, position: 2 },
    channel_id: CHANNEL_ID,
    context: 0,
    entitlements: [],
    guild: { id: GUILD_ID, features: [], locale: 'en-US' },
    guild_id: GUILD_ID,
    guild_locale: 'en-US',
    id: snowflake(context.nowSeconds),
    locale: 'fr',
    member: { user: USER, roles: [], permissions: '2248473465835073', joined_at: isoTime(context.nowSeconds - 86_400), nick: null, deaf: false, mute: false, flags: 0 },
    // The credential for the follow-up: valid for 15 minutes.
    token: `aW50ZXJhY3Rpb246${randomBytes(96).toString('base64url')}`,
    type,
    version: 1,
    ...extra,
  });
}

function ping(context: SampleContext): string {
  return compactJson({ application_id: APPLICATION_ID, entitlements: [], id: snowflake(context.nowSeconds), token: `aW50ZXJhY3Rpb246${randomBytes(96).toString('base64url')}`, type: PING, user: USER, version: 1 });
}

const MESSAGE = (context: SampleContext) => ({
  id: snowflake(context.nowSeconds - 60),
  channel_id: CHANNEL_ID,
  author: { id: APPLICATION_ID, username: 'hookrelay', bot: true, discriminator: '0' },
  content: 'Deploy v0.2.0 to staging?',
  components: [{ type: 1, components: [{ type: 2, style: 3, label: 'Approve', custom_id: 'approve_deploy' }] }],
  timestamp: isoTime(context.nowSeconds - 60),
  type: 0,
});

/**
 * Discord interactions (the Interactions Endpoint URL): Ed25519 over `{X-Signature-Timestamp}{body}`,
 * the signature hex in `X-Signature-Ed25519`, verified with the application's public key. Discord's
 * own library checks no timestamp; hookrelay applies 300 s against replays.
 *
 * Every verified interaction is answered at once, as Discord requires: PING with PONG (not
 * published); the others with a deferred response, and published (id: the interaction `id`).
 */
export const discord: WebhookProvider = {
  name: 'discord',
  defaultToleranceSeconds: 300,
  // Interactions are small (a command's options, a modal's fields); 256 KiB leaves room.
  defaultMaxBodyBytes: 256 * 1024,
  parseOptions: noOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds }) {
    const entries = signatureHeaderEntries(request, SIGNATURE_HEADER);
    const timestampText = requireHeader(request, TIMESTAMP_HEADER);
    const timestamp = requireUnixSeconds(timestampText, TIMESTAMP_HEADER);
    const received = decodeSignatureEntries(
      entries,
      (entry) => {
        const decoded = decodeSignature(entry, 'hex');
        return decoded?.length === ED25519_SIGNATURE_BYTES ? decoded : undefined;
      },
      SIGNATURE_HEADER,
      '128 hex digits (an Ed25519 signature)',
    ).slice(0, MAX_PUBLIC_KEY_SIGNATURES);

    const signed = Buffer.concat([Buffer.from(timestampText, 'utf8'), request.rawBody]);
    const secretIndex = secretIndexOf(secrets, (secret) => {
      const key = parseDiscordPublicKey(secret);
      return key !== undefined && received.some((signature) => verifySignature(null, signed, key, signature));
    });
    if (secretIndex < 0) return signatureMismatch(secrets);
    assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const body = parseJsonBody(request);
    if (!isRecord(body.value)) throw new WebhookError('INVALID_PAYLOAD', 'Discord interaction is not a JSON object');
    const kind = body.value['type'];
    if (kind === PING) return { secretIndex, events: [], reply: { statusCode: 200, body: { type: 1 } } };
    const known = typeof kind === 'number' ? INTERACTIONS.get(kind) : undefined;
    // The log says what kind of value it was, never the value: the body is the sender's text.
    if (!known) throw new WebhookError('INVALID_PAYLOAD', 'Discord interaction has an unknown "type"', { details: { interactionTypeOf: typeof kind } });
    return { secretIndex, events: [jsonEvent(requireStringField(body.value, ['id']), known.type, body)], reply: known.reply };
  },

  sign(request, { secret, nowSeconds }) {
    const timestamp = String(nowSeconds);
    const signature = signWithKey(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), bodyBytes(request)]), discordSigningKey(secret));
    return withSentHeaders(request, { [SIGNATURE_HEADER]: signature.toString('hex'), [TIMESTAMP_HEADER]: timestamp });
  },

  samples: {
    defaultType: 'application_command',
    types: {
      application_command: (c) =>
        interaction(2, { data: { id: COMMAND_ID, name: 'deploy', type: 1, options: [{ name: 'environment', type: 3, value: 'staging' }] } }, c),
      message_component: (c) => interaction(3, { data: { custom_id: 'approve_deploy', component_type: 2 }, message: MESSAGE(c) }, c),
      application_command_autocomplete: (c) =>
        interaction(4, { data: { id: COMMAND_ID, name: 'deploy', type: 1, options: [{ name: 'environment', type: 3, value: 'sta', focused: true }] } }, c),
      modal_submit: (c) =>
        interaction(
          5,
          { data: { custom_id: 'feedback_modal', components: [{ type: 1, components: [{ type: 4, custom_id: 'feedback', value: 'Très bien, merci 👍' }] }] } },
          c,
        ),
      // Sent when the Interactions Endpoint URL is saved: answered PONG, never published.
      ping,
    },
    request: (body, _type, context) => jsonPost(body, context, { 'User-Agent': 'Discord-Interactions/1.0 (+https://discord.com)' }),
  },

  development: {
    // Discord signs with its private key; the route holds the application's public key (hex).
    secret: '951676b0763663557b4dde81a0887df9066fa5339758732d5c79faca07903a80',
    signingSecret: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIHoL//El4YXJysP5PA237drLXajjiTu2UJZfoW64NOhw\n-----END PRIVATE KEY-----\n',
  },

  docs: {
    title: 'Discord (interactions)',
    signatureHeaders: '`X-Signature-Ed25519: <hex>`, `X-Signature-Timestamp`',
    signedContent: 'Ed25519 of `{timestamp}{body}`',
    timestamp: '`X-Signature-Timestamp`, seconds; 300 s either way (Discord’s own library checks none)',
    eventId: 'body `id` (the interaction id)',
    eventType: 'from the body’s `type`: `application_command` (2), `message_component` (3), `application_command_autocomplete` (4), `modal_submit` (5)',
    secret: 'the application’s **public key**: 64 hex characters',
    secretLocation: 'Developer Portal → Applications → your app → General Information → *Public Key* (set the *Interactions Endpoint URL* on the same page)',
    notSigned: 'nothing the envelope uses',
    replayProtection: 'the signed timestamp, then the interaction id',
    replies:
      'Every verified interaction is answered at once, `200` JSON: PING (type 1) → `{"type":1}` and nothing is published; application commands and modal submits → `{"type":5}` (deferred message), message components → `{"type":6}` (deferred update), autocomplete → `{"type":8,"data":{"choices":[]}}`. These four are published too, and a repeat gets the same answer.',
    oracle: '`discord-interactions` (`verifyKey`); Discord keeps its private key, so `sign` is checked by that verifier',
    notes: [
      'Discord waits 3 seconds for an answer, too short for a queue: hookrelay defers, and the subscriber completes the interaction with the follow-up endpoints and the payload’s `token` (valid 15 minutes). The token is a credential for that interaction: it travels in the published payload.',
      'Autocomplete cannot be deferred, so it is answered with no suggestions; serve autocomplete from your own endpoint if you need it.',
      'Discord probes the endpoint with invalid signatures when it is saved and expects `401`: refusals are `401` as for every route.',
    ],
  },
};
