/**
 * One signed ~3 KB request per registered provider, derived from the provider's own module: a
 * sample of its default type (`samples`), padded to about 3 KB, signed with its development secret
 * by its own `sign` (which the provider's test checks against the sender's official package), and
 * received as the verifier's adapter hands it to the core. A provider added to the registry is
 * benchmarked without a line here.
 */
import { arrayElementSpans, rootSpan, type JsonSpan } from '../lambdas/core/raw-json';
import { receivedRequest, sentHeader, type OutgoingRequest, type WebhookProvider } from '../lambdas/core/provider';
import { findProvider, providerNames, type ProviderName } from '../lambdas/core/registry';
import type { WebhookRequest } from '../lambdas/core/request';
import { isWebhookError } from '../lambdas/core/errors';
import { verifyWebhook, type VerificationSettings } from '../lambdas/core/verify-webhook';
import { withRequestBody } from '../lambdas/http/api-gateway';

export const TARGET_BODY_BYTES = 3 * 1024;

/**
 * Padding in the shape of real payload content: a list of small records (short strings, numbers,
 * booleans, a nested list), whose notes are mostly ASCII with a few characters beyond it, as names,
 * addresses and order notes put into real payloads. `JSON.parse` costs more per byte on many short
 * values than on one long string, and decoding UTF-8 is slower once a character is beyond ASCII.
 */
const NOTES = ['Order note from Zoë Müller', 'deux cafés crème ☕', 'Hauptstraße 1, 10115 Berlin', 'deliver before noon 🚀', 'gift wrap, no invoice', 'call on arrival'];

function paddingRecord(index: number): Record<string, unknown> {
  return {
    line: index + 1,
    sku: `SKU-${String(10042 + index * 7).padStart(6, '0')}`,
    note: NOTES[index % NOTES.length],
    quantity: 1 + (index % 3),
    unit_amount: 1999 + index * 250,
    gift: index % 4 === 0,
    tags: ['eu', index % 2 === 0 ? 'vip' : 'repeat'],
  };
}

/** `text` with every character beyond ASCII written as a `\uXXXX` escape (senders that escape them, like Meta). */
const escapeNonAscii = (text: string) => text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The most padding records whose JSON (escaped if `ascii`) fits in `bytes`, or undefined for none. */
function paddingJson(bytes: number, ascii: boolean): string | undefined {
  let fitting: string | undefined;
  for (let count = 1; ; count++) {
    const json = JSON.stringify(Array.from({ length: count }, (_, i) => paddingRecord(i)));
    const encoded = ascii ? escapeNonAscii(json) : json;
    if (Buffer.byteLength(encoded) > bytes) return fitting;
    fitting = encoded;
  }
}

/** Inserts `,"hookrelay_notes":[…]` as the last member of the object at `span`. */
function withMember(body: string, span: JsonSpan, target: number, ascii: boolean): string {
  const close = span.end - 1; // the object's `}`
  const empty = body.slice(span.start + 1, close).trim() === '';
  const prefix = `${empty ? '' : ','}"hookrelay_notes":`;
  const padding = paddingJson(target - Buffer.byteLength(body) - Buffer.byteLength(prefix), ascii);
  return padding === undefined ? body : body.slice(0, close) + prefix + padding + body.slice(close);
}

/** Appends `&Note01=…&Note02=…` while the form stays within `target` bytes. */
function withFormNotes(body: string, target: number): string {
  let padded = body;
  for (let index = 0; ; index++) {
    const note = new URLSearchParams({ [`Note${String(index + 1).padStart(2, '0')}`]: `${NOTES[index % NOTES.length]} #${index + 1}` }).toString();
    if (Buffer.byteLength(padded) + 1 + note.length > target) return padded;
    padded += `&${note}`;
  }
}

/**
 * `body` grown towards `target` bytes in the sender's own format: a JSON object gets a list of
 * records as its last member, a JSON array's first element gets it, a form gets `NoteNN`
 * parameters. Bodies already that large, and other formats, are kept.
 */
export function padBody(body: string, contentType: string, target = TARGET_BODY_BYTES): string {
  if (Buffer.byteLength(body) >= target) return body;
  if (contentType.includes('x-www-form-urlencoded')) return withFormNotes(body, target);
  if (!contentType.includes('json')) return body;
  // Senders that escape characters beyond ASCII (Meta) get escaped padding.
  const ascii = /^[\x00-\x7f]*$/.test(body) && /\\u(?:00[89a-f]|0[1-9a-f]|[1-9a-f])/i.test(body);
  const root = rootSpan(body);
  if (body[root.start] === '{') return withMember(body, root, target, ascii);
  const first = body[root.start] === '[' ? arrayElementSpans(body, root)[0] : undefined;
  if (first && body[first.start] === '{') return withMember(body, first, target, ascii);
  return body;
}

/**
 * The body with one letter or digit changed (the same size and format): a forgery. The character
 * nearest the middle whose change `refused` confirms (a scheme that signs only some fields, like
 * Adyen's, accepts changes elsewhere).
 */
export function forgeBody(body: string, refused: (forged: string) => boolean = () => true): string | undefined {
  const middle = Math.floor(body.length / 2);
  for (let offset = 0; offset <= middle; offset++) {
    for (const index of offset === 0 ? [middle] : [middle + offset, middle - offset]) {
      const char = body[index];
      if (char === undefined || !/[a-zA-Z0-9]/.test(char)) continue;
      const changed = /[zZ9]/.test(char) ? String.fromCharCode(char.charCodeAt(0) - 1) : String.fromCharCode(char.charCodeAt(0) + 1);
      const forged = body.slice(0, index) + changed + body.slice(index + 1);
      if (refused(forged)) return forged;
    }
  }
  return undefined;
}

export interface ProviderCase {
  /** The provider, plus the variant where a provider has several paths. */
  readonly label: string;
  readonly provider: ProviderName;
  readonly module: WebhookProvider<unknown>;
  /** The request as the sender sends it (headers spelled as the sender spells them). */
  readonly sent: OutgoingRequest;
  /** The padded sample before signing: `CaseOptions.body` to sign it again. */
  readonly unsignedBody: string;
  /**
   * The body as API Gateway hands it to the function (text), and the same with one character
   * changed so that the signature no longer matches; undefined for schemes that sign no part of the
   * body (a static token: GitLab, Okta), which the holder of one genuine request can forge anyway.
   */
  readonly body: string;
  readonly forgedBody: string | undefined;
  /** What the verifier's adapter hands to the core for `body` (for `forgedBody`: `forgedRequest`). */
  readonly request: WebhookRequest;
  readonly forgedRequest: WebhookRequest | undefined;
  /** The route's settings: the development secret, the clock at signing time. */
  readonly settings: VerificationSettings<unknown>;
  /** What the sender signed with (a private key for public-key schemes). */
  readonly signingSecret: string;
  readonly nowSeconds: number;
}

export interface CaseOptions {
  /** The clock the request is signed at, seconds. @default now */
  readonly nowSeconds?: number;
  /** An unsigned body to sign instead of a fresh padded sample (`ProviderCase.unsignedBody`). */
  readonly body?: string;
}

/** The request of `sent` as the verifier's adapter builds it, with `body` as API Gateway's text. */
function asReceived(sent: OutgoingRequest, route: string, body: string): WebhookRequest {
  const { rawBody: _bytes, bodyText: _text, ...fields } = receivedRequest(sent, route);
  return withRequestBody(fields, body, false);
}

/**
 * A signed case of `provider` (`variant`: `json` for Twilio's JSON bodies). Each call makes a
 * fresh sample (fresh ids) unless `options.body` is given.
 */
export function providerCase(provider: ProviderName, options: CaseOptions = {}, variant?: 'json'): ProviderCase {
  const module = findProvider(provider)!;
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const url = `https://hooks.example.com/webhooks/${provider}`;
  const context = { url, nowSeconds };
  const type = module.samples.defaultType;
  let body = options.body;
  if (body === undefined) {
    const sample = module.samples.types[type]!(context);
    const raw = variant === 'json' ? JSON.stringify(Object.fromEntries(new URLSearchParams(sample))) : sample;
    const unsigned = module.samples.request(raw, type, context);
    body = padBody(String(unsigned.body), sentHeader(unsigned, 'content-type') ?? '');
  }
  const optionsOf = module.parseOptions(undefined);
  const signingSecret = module.development.signingSecret ?? module.development.secret;
  const sent = module.sign(module.samples.request(body, type, context), { secret: signingSecret, nowSeconds, options: optionsOf });
  // Some senders sign inside the body (Adyen, Mailgun): what is sent is the body after signing.
  const sentBody = Buffer.isBuffer(sent.body) ? sent.body.toString('utf8') : sent.body;
  const settings: VerificationSettings<unknown> = {
    secrets: [module.development.secret],
    verifyTokens: module.development.verifyToken === undefined ? [] : [module.development.verifyToken],
    nowSeconds,
    options: optionsOf,
  };
  const forgedBody = forgeBody(sentBody, (forged) => {
    try {
      verifyWebhook(module, asReceived(sent, provider, forged), settings);
      return false;
    } catch (error) {
      return isWebhookError(error) && error.code === 'INVALID_SIGNATURE';
    }
  });
  return {
    label: variant === 'json' ? `${provider} (JSON)` : provider,
    provider,
    module,
    sent,
    unsignedBody: body,
    body: sentBody,
    forgedBody,
    request: asReceived(sent, provider, sentBody),
    forgedRequest: forgedBody === undefined ? undefined : asReceived(sent, provider, forgedBody),
    settings,
    signingSecret,
    nowSeconds,
  };
}

/** Every registered provider's case, plus Twilio's JSON variant. */
export function allProviderCases(options: CaseOptions = {}): ProviderCase[] {
  const cases = providerNames.map((name) => providerCase(name, options));
  cases.splice(providerNames.indexOf('twilio') + 1, 0, providerCase('twilio', options, 'json'));
  return cases;
}
