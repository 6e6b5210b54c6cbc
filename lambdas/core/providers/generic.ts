import * as z from 'zod/mini';
import { randomUUID } from 'node:crypto';
import { decodeBase64Key, decodeSignature, hmac, matchesAny, memoizeSecretParse, sha256Hex, tokenDigest, type HmacAlgorithm } from '../crypto';
import { stringifyForWire } from '../envelope';
import { compactJson, isoTime, randomId } from '../samples';
import { WebhookError } from '../errors';
import {
  bodyText,
  assertMillisecondsWithinTolerance,
  assertTimestampWithinTolerance,
  contentKey,
  DEFAULT_MAX_BODY_BYTES,
  decodeSignatureEntries,
  isRecord,
  jsonEvent,
  MAX_SIGNATURE_CANDIDATES,
  parseJsonBody,
  parseUnixSeconds,
  requireHeader,
  bodyBytes,
  jsonPost,
  sentHeader,
  signatureHeaderEntries,
  withSentHeaders,
  signedBody,
  type JsonBody,
  type OutgoingRequest,
  type SampleContext,
  type VerifiedWebhook,
  type VerifyContext,
  type WebhookProvider,
} from '../provider';
import { header, headerValues, type WebhookRequest } from '../request';
import { decodeMac, MAC_BYTES } from '../schemes';

// ---------------------------------------------------------------------------------------------
// Options. A route chooses one of three ways its sender authenticates (`auth`), as EventBridge's
// webhook event sources do (HMAC signature, static token, HTTP Basic); every mode shares the
// options that say where the event id and type are and what the payload is.

/** How the sender authenticates its requests. */
export type GenericAuth = 'hmac' | 'token' | 'basic';
/** Encoding of a received MAC. `base64url` is RFC 4648 §5, with or without `=` padding. */
export type GenericSignatureEncoding = 'hex' | 'base64' | 'base64url';
/** How the configured secret becomes the HMAC key. */
export type GenericSecretEncoding = 'utf8' | 'hex' | 'base64';
/** What separates several signatures in one header value. */
export type GenericSignatureDelimiter = 'comma' | 'space' | 'none';
export type GenericTimestampUnit = 'seconds' | 'milliseconds';
/** What the placeholders of `signedContent` stand for. */
export type SignedField = 'id' | 'timestamp' | 'body' | 'method' | 'url';
/** A part of the signed content: literal text or one of the placeholders. */
export type SignedContentPart = { readonly literal: string } | { readonly field: SignedField };

/** Options every mode has: where the id and type are, and what the payload is. Header names lower-cased. */
export interface GenericEventOptions {
  readonly idHeader: string | undefined;
  readonly typeHeader: string | undefined;
  readonly typeField: readonly string[] | undefined;
  readonly defaultType: string;
  readonly payloadFormat: 'json' | 'text';
}

/** Validated options of an `auth: 'hmac'` route. Header names lower-cased. */
export interface GenericHmacOptions extends GenericEventOptions {
  readonly auth: 'hmac';
  readonly algorithm: HmacAlgorithm;
  readonly encoding: GenericSignatureEncoding;
  readonly secretEncoding: GenericSecretEncoding;
  readonly signatureHeader: string;
  readonly signaturePrefix: string;
  readonly signatureDelimiter: GenericSignatureDelimiter;
  readonly versionTags: readonly string[];
  readonly signedContent: readonly SignedContentPart[];
  readonly timestampHeader: string | undefined;
  readonly timestampTag: string | undefined;
  readonly timestampUnit: GenericTimestampUnit;
}

/** Validated options of an `auth: 'token'` route. */
export interface GenericTokenOptions extends GenericEventOptions {
  readonly auth: 'token';
  readonly tokenHeader: string;
  readonly tokenPrefix: string;
}

/** Validated options of an `auth: 'basic'` route. */
export interface GenericBasicOptions extends GenericEventOptions {
  readonly auth: 'basic';
}

/** Validated options of the `generic` provider (the output of `generic.parseOptions`). */
export type GenericOptions = GenericHmacOptions | GenericTokenOptions | GenericBasicOptions;

const SIGNED_FIELDS: readonly SignedField[] = ['body', 'timestamp', 'id', 'method', 'url'];
/** Any `{…}` without braces or spaces inside: an unknown name is refused rather than signed as literal text. */
const PLACEHOLDER = /\{([^{}\s]*)\}/g;
/** Most version tags a route may accept: a scheme and its successor, with room. */
const MAX_VERSION_TAGS = 4;
/** A Standard Webhooks secret's prefix, removed from a base64 secret as EventBridge does. */
const WHSEC_PREFIX = 'whsec_';
const BASIC_AUTH_HEADER = 'authorization';
const DEFAULT_SIGNATURE_HEADER = 'x-signature';
const DEFAULT_SIGNED_CONTENT = '{body}';
const headerName = z.string().check(z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'));
const nonEmpty = z.string().check(z.minLength(1, 'must not be empty'));

const eventOptionFields = {
  /**
   * Header with the event id (required by `{id}`); when it is configured and absent after a valid
   * signature, the request is `INVALID_PAYLOAD`. Without one, the id is the SHA-256 hex of the body.
   * @default undefined
   */
  idHeader: z.optional(headerName),
  /** Header naming the event type. Exclusive with `typeField`. @default undefined */
  typeHeader: z.optional(headerName),
  /** Dot-separated path of a string field of the JSON body naming the event type, e.g. `data.kind`. @default undefined */
  typeField: z.optional(z.string().check(z.regex(/^[^.]+(\.[^.]+)*$/, 'must be a dot-separated field path'))),
  /** Type when no type header/field is configured or it is absent. @default 'webhook' */
  defaultType: z._default(nonEmpty, 'webhook'),
  /** `json`: the body must be JSON (INVALID_PAYLOAD otherwise); `text`: the payload is the UTF-8 body. @default 'json' */
  payloadFormat: z._default(z.enum(['json', 'text']), 'json'),
};

/**
 * `auth: 'hmac'` (the default), in the spirit of EventBridge's `HmacAuthConfiguration`: the sender
 * signs what `signedContent` describes with a shared secret. The tolerance of a signed timestamp is
 * the route's `toleranceSeconds` (default 300).
 */
export const genericHmacOptionsSchema = z.strictObject({
  /** How the sender authenticates. @default 'hmac' */
  auth: z._default(z.literal('hmac'), 'hmac'),
  /** HMAC hash. @default 'sha256' */
  algorithm: z._default(z.enum(['sha1', 'sha256', 'sha512']), 'sha256'),
  /** Encoding of the received MAC (hex in either case; base64url padded or not). @default 'hex' */
  encoding: z._default(z.enum(['hex', 'base64', 'base64url']), 'hex'),
  /**
   * How the configured secret becomes the HMAC key: `utf8` (its text), `hex` (a partner that hands out
   * the key as hex) or `base64` (a leading `whsec_` removed, `=` padding optional). A secret that does
   * not decode never matches. @default 'utf8'
   */
  secretEncoding: z._default(z.enum(['utf8', 'hex', 'base64']), 'utf8'),
  /** Header carrying the signature(s). @default 'x-signature' */
  signatureHeader: z._default(headerName, DEFAULT_SIGNATURE_HEADER),
  /** Text before each encoded MAC (after its version tag), e.g. `sha256=`. @default '' */
  signaturePrefix: z._default(z.string(), ''),
  /**
   * What separates several signatures in one header value: `comma`, `space` (Standard Webhooks; a
   * comma, with which API Gateway joins a repeated header, separates too) or `none`. A tag or prefix
   * containing the delimiter (`v1,`) is never cut. @default 'comma'
   */
  signatureDelimiter: z._default(z.enum(['comma', 'space', 'none']), 'comma'),
  /**
   * Version tags of the signatures to accept, e.g. `["v1="]` or `["v1,"]`: an entry is
   * `<tag><signaturePrefix><MAC>`, and entries with another tag (`v0=`) are ignored. `sign` uses the
   * first. Empty: signatures carry no tag. @default []
   */
  versionTags: z._default(z.array(nonEmpty).check(z.maxLength(MAX_VERSION_TAGS, `must have at most ${MAX_VERSION_TAGS} tags`)), []),
  /**
   * What is signed: literal text and the placeholders `{body}` (exactly once), `{timestamp}`, `{id}`,
   * `{method}` (`POST`) and `{url}` (the route's configured exact URL, else the URL as received),
   * e.g. `{timestamp}.{body}` or `{id}.{timestamp}.{body}`. @default '{body}'
   */
  signedContent: z._default(z.string(), DEFAULT_SIGNED_CONTENT),
  /** Header with the signed timestamp; required by, and requires, `{timestamp}` (or use `timestampTag`). @default undefined */
  timestampHeader: z.optional(headerName),
  /**
   * The timestamp is the `<tag><value>` entry of the signature header, e.g. `t=` for
   * `t=<timestamp>,v1=<MAC>`, instead of a header of its own. Exclusive with `timestampHeader`. @default undefined
   */
  timestampTag: z.optional(nonEmpty),
  /** Unit of the signed timestamp: `seconds` or `milliseconds` since the epoch. @default 'seconds' */
  timestampUnit: z._default(z.enum(['seconds', 'milliseconds']), 'seconds'),
  ...eventOptionFields,
});

/**
 * `auth: 'token'`, as EventBridge's `StaticTokenAuthConfiguration`: the sender sends a fixed secret in
 * a header. Each configured secret is a token; any may match (rotation).
 */
export const genericTokenOptionsSchema = z.strictObject({
  auth: z.literal('token'),
  /** Header carrying the token, e.g. `Authorization`. @default 'x-webhook-token' */
  tokenHeader: z._default(headerName, 'x-webhook-token'),
  /**
   * Text before the token in the header, e.g. `Bearer ` with `Authorization`; matched without
   * regard to case, as HTTP authentication schemes are. @default ''
   */
  tokenPrefix: z._default(z.string(), ''),
  ...eventOptionFields,
});

/**
 * `auth: 'basic'`, as EventBridge's `BasicHttpAuthConfiguration`: `Authorization: Basic
 * base64(user:password)` (RFC 7617, UTF-8). Each configured secret is a `user:password` pair.
 */
export const genericBasicOptionsSchema = z.strictObject({
  auth: z.literal('basic'),
  ...eventOptionFields,
});

const SCHEMAS = { hmac: genericHmacOptionsSchema, token: genericTokenOptionsSchema, basic: genericBasicOptionsSchema } as const;
const AUTH_MODES = Object.keys(SCHEMAS) as GenericAuth[];

type ModeInput<TSchema extends z.ZodMiniType> = Omit<z.input<TSchema>, 'auth'>;
/**
 * A route's `options` as written in configuration: one flat object whose `auth` chooses which of the
 * other fields apply (see the three schemas). `parseOptions` refuses fields of another mode.
 */
export type GenericOptionsInput = Partial<
  ModeInput<typeof genericHmacOptionsSchema> & ModeInput<typeof genericTokenOptionsSchema> & ModeInput<typeof genericBasicOptionsSchema>
> & { readonly auth?: GenericAuth };

function compileSignedContent(template: string): { parts: SignedContentPart[]; problems: string[] } {
  const parts: SignedContentPart[] = [];
  const problems: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as SignedField;
    if (!SIGNED_FIELDS.includes(name)) {
      problems.push(`signedContent has an unknown placeholder {${name}} (use ${SIGNED_FIELDS.map((field) => `{${field}}`).join(', ')})`);
      continue;
    }
    if (match.index > last) parts.push({ literal: template.slice(last, match.index) });
    parts.push({ field: name });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ literal: template.slice(last) });
  if (parts.filter((part) => 'field' in part && part.field === 'body').length !== 1) {
    problems.push('signedContent must contain {body} exactly once');
  }
  return { parts, problems };
}

const withArticle = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

/** zod/mini ships no messages ("Invalid input"): say what is wrong, where. */
function describeIssue(issue: z.core.$ZodIssue, auth: GenericAuth): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : 'options';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const elsewhere = issue.keys.filter((key) => AUTH_MODES.some((mode) => mode !== auth && key in SCHEMAS[mode].def.shape));
      const unknown = issue.keys.filter((key) => !elsewhere.includes(key));
      return [
        ...(unknown.length > 0 ? [`unknown option(s) ${unknown.join(', ')}`] : []),
        ...(elsewhere.length > 0 ? [`option(s) ${elsewhere.join(', ')} do not apply to auth "${auth}"`] : []),
      ].join('; ');
    }
    case 'invalid_value':
      return `${where} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_type':
      return `${where} must be ${withArticle(issue.expected)}`;
    default:
      return issue.message === 'Invalid input' ? `${where} is invalid` : `${where} ${issue.message}`;
  }
}

const stringAt = (raw: Record<string, unknown>, key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);

/** Rules between options, checked on the raw input so they are listed with the field problems. */
function crossFieldProblems(raw: Record<string, unknown>, auth: GenericAuth): { problems: string[]; signedContent: SignedContentPart[] } {
  const problems: string[] = [];
  let signedContent: SignedContentPart[] = [];
  if (auth === 'hmac') {
    const compiled = compileSignedContent(stringAt(raw, 'signedContent') ?? DEFAULT_SIGNED_CONTENT);
    signedContent = compiled.parts;
    problems.push(...compiled.problems);
    const uses = (field: SignedField) => signedContent.some((part) => 'field' in part && part.field === field);
    const timestampHeader = stringAt(raw, 'timestampHeader');
    const timestampTag = stringAt(raw, 'timestampTag');
    const hasTimestamp = timestampHeader !== undefined || timestampTag !== undefined;
    if (uses('timestamp') && !hasTimestamp) problems.push('{timestamp} in signedContent requires timestampHeader or timestampTag');
    if (!uses('timestamp') && hasTimestamp) {
      problems.push('timestampHeader and timestampTag require {timestamp} in signedContent (an unsigned timestamp stops no replay)');
    }
    if (timestampHeader !== undefined && timestampTag !== undefined) problems.push('set timestampHeader or timestampTag, not both');
    if (raw['timestampUnit'] !== undefined && !hasTimestamp) problems.push('timestampUnit requires timestampHeader or timestampTag');
    if (timestampTag !== undefined && raw['signatureDelimiter'] === 'none') problems.push('timestampTag requires a signatureDelimiter other than "none"');
    const versionTags = Array.isArray(raw['versionTags']) ? raw['versionTags'].filter((tag): tag is string => typeof tag === 'string') : [];
    if (timestampTag !== undefined && versionTags.some((tag) => tag.startsWith(timestampTag) || timestampTag.startsWith(tag))) {
      problems.push('timestampTag must not overlap a version tag');
    }
    if (uses('id') && stringAt(raw, 'idHeader') === undefined) problems.push('{id} in signedContent requires idHeader');
    const present = [stringAt(raw, 'signatureHeader') ?? DEFAULT_SIGNATURE_HEADER, stringAt(raw, 'timestampHeader'), stringAt(raw, 'idHeader')]
      .filter((name) => name !== undefined)
      .map((name) => name.toLowerCase());
    if (new Set(present).size !== present.length) problems.push('signatureHeader, timestampHeader and idHeader must be different headers');
  }
  if (raw['typeHeader'] !== undefined && raw['typeField'] !== undefined) problems.push('set typeHeader or typeField, not both');
  if (raw['typeField'] !== undefined && raw['payloadFormat'] === 'text') problems.push('typeField requires payloadFormat "json"');
  return { problems, signedContent };
}

function eventOptions(options: Omit<z.output<typeof genericBasicOptionsSchema>, 'auth'>): GenericEventOptions {
  return {
    idHeader: options.idHeader?.toLowerCase(),
    typeHeader: options.typeHeader?.toLowerCase(),
    typeField: options.typeField?.split('.'),
    defaultType: options.defaultType,
    payloadFormat: options.payloadFormat,
  };
}

function parseGenericOptions(raw: unknown): GenericOptions {
  const input = raw ?? {};
  const refuse = (problems: readonly string[]) => new Error(`generic options are invalid: ${problems.join('; ')}`);
  if (!isRecord(input)) throw refuse(['options must be an object']);
  const auth = input['auth'] ?? 'hmac';
  if (!AUTH_MODES.includes(auth as GenericAuth)) throw refuse([`auth must be one of ${AUTH_MODES.map((mode) => `"${mode}"`).join(', ')}`]);
  const mode = auth as GenericAuth;
  const result = SCHEMAS[mode].safeParse(input);
  const { problems, signedContent } = crossFieldProblems(input, mode);
  if (!result.success) problems.unshift(...result.error.issues.map((issue) => describeIssue(issue, mode)));
  if (problems.length > 0 || !result.success) throw refuse(problems);

  const options = result.data;
  switch (options.auth) {
    case 'token':
      return { auth: 'token', tokenHeader: options.tokenHeader.toLowerCase(), tokenPrefix: options.tokenPrefix, ...eventOptions(options) };
    case 'basic':
      return { auth: 'basic', ...eventOptions(options) };
    default:
      return {
        auth: 'hmac',
        algorithm: options.algorithm,
        encoding: options.encoding,
        secretEncoding: options.secretEncoding,
        signatureHeader: options.signatureHeader.toLowerCase(),
        signaturePrefix: options.signaturePrefix,
        signatureDelimiter: options.signatureDelimiter,
        versionTags: options.versionTags,
        signedContent,
        timestampHeader: options.timestampHeader?.toLowerCase(),
        timestampTag: options.timestampTag,
        timestampUnit: options.timestampUnit,
        ...eventOptions(options),
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Secrets, signatures and timestamps.

const HEX_KEY = /^(?:[0-9a-fA-F]{2})+$/;
const decodeHexKey = memoizeSecretParse((secret: string) => (HEX_KEY.test(secret) ? Buffer.from(secret, 'hex') : undefined));
const decodeWhsecKey = memoizeSecretParse((secret: string) => decodeBase64Key(secret.startsWith(WHSEC_PREFIX) ? secret.slice(WHSEC_PREFIX.length) : secret));

/** The HMAC key a secret stands for, or undefined when it does not decode (an empty key protects nothing). */
function hmacKey(secret: string, encoding: GenericSecretEncoding): string | Buffer | undefined {
  switch (encoding) {
    case 'hex':
      return decodeHexKey(secret);
    case 'base64':
      return decodeWhsecKey(secret);
    default:
      return secret === '' ? undefined : secret;
  }
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * A received MAC of the route's algorithm, decoded strictly: undefined for anything `Buffer.from`
 * would silently repair, and for a digest of another length.
 */
function decodeReceivedMac(text: string, { algorithm, encoding }: GenericHmacOptions): Buffer | undefined {
  if (encoding !== 'base64url') return decodeMac(text, algorithm, encoding);
  const bare = text.replace(/={1,2}$/, '');
  if (!BASE64URL.test(bare) || bare.length % 4 === 1 || (bare !== text && text.length % 4 !== 0)) return undefined;
  const mac = Buffer.from(bare, 'base64url');
  return mac.length === MAC_BYTES[algorithm] ? mac : undefined;
}

const SEPARATORS: Readonly<Record<GenericSignatureDelimiter, string>> = { comma: ',', space: ' ,', none: '' };
const DELIMITER_TEXT: Readonly<Record<Exclude<GenericSignatureDelimiter, 'none'>, string>> = { comma: ',', space: ' ' };

/**
 * Splits a header value at `separators`, except inside a `lead` (a version tag with the prefix, or
 * the timestamp tag) at the start of an entry: `v1,<mac>,v1,<mac>` with the lead `v1,` is two
 * entries. Encoded MACs never contain `,` or a space.
 */
function splitEntries(value: string, separators: string, leads: readonly string[]): string[] {
  if (separators === '') return [value.trim()];
  const entries: string[] = [];
  let start = 0;
  while (start <= value.length) {
    while (value[start] === ' ' || value[start] === '\t') start++;
    let end = start + (leads.find((lead) => value.startsWith(lead, start))?.length ?? 0);
    while (end < value.length && !separators.includes(value[end]!)) end++;
    entries.push(value.slice(start, end).trim());
    start = end + 1;
  }
  return entries;
}

/** Every entry of the signature header (all its values), bounded by MAX_SIGNATURE_CANDIDATES. */
function signatureEntries(request: WebhookRequest, options: GenericHmacOptions): string[] {
  const tags = options.versionTags.length > 0 ? options.versionTags : [''];
  const leads = [...tags.map((tag) => tag + options.signaturePrefix), ...(options.timestampTag === undefined ? [] : [options.timestampTag])]
    .filter((lead) => lead !== '')
    .sort((a, b) => b.length - a.length);
  const entries: string[] = [];
  for (const value of headerValues(request, options.signatureHeader)) {
    for (const entry of splitEntries(value, SEPARATORS[options.signatureDelimiter], leads)) {
      if (entry !== '') entries.push(entry);
    }
    if (entries.length > MAX_SIGNATURE_CANDIDATES) {
      throw new WebhookError('MALFORMED_SIGNATURE', `${options.signatureHeader} carries too many signatures`, {
        details: { max: MAX_SIGNATURE_CANDIDATES },
      });
    }
  }
  if (entries.length === 0) throw new WebhookError('MISSING_SIGNATURE', `${options.signatureHeader} header is missing`);
  return entries;
}

/** The MAC of one entry `<tag><prefix><MAC>`, or undefined when the entry is not a signature of this scheme. */
function macOfEntry(entry: string, options: GenericHmacOptions): Buffer | undefined {
  if (options.timestampTag !== undefined && entry.startsWith(options.timestampTag)) return undefined;
  let rest = entry;
  if (options.versionTags.length > 0) {
    const tag = options.versionTags.filter((candidate) => entry.startsWith(candidate)).sort((a, b) => b.length - a.length)[0];
    if (tag === undefined) return undefined;
    rest = rest.slice(tag.length);
  }
  if (!rest.startsWith(options.signaturePrefix)) return undefined;
  return decodeReceivedMac(rest.slice(options.signaturePrefix.length), options);
}

/** The signed content, in order: the template's literal text, and each placeholder's value. */
function signedContentOf(template: readonly SignedContentPart[], fields: Readonly<Record<SignedField, string | Buffer | undefined>>): Array<string | Buffer> {
  // `parseOptions` refuses `{id}` without `idHeader` and `{timestamp}` without a timestamp, so a
  // placeholder in the template always has its value.
  return template.map((part) => ('literal' in part ? part.literal : fields[part.field]!));
}

interface SignedTimestamp {
  /** As received: this text is what was signed. */
  readonly text: string;
  /** In `timestampUnit`. */
  readonly value: number;
}

/** The signed timestamp, from its header or its tagged entry of the signature header; undefined when none is configured. */
function signedTimestamp(request: WebhookRequest, entries: readonly string[], options: GenericHmacOptions): SignedTimestamp | undefined {
  let text: string;
  let name: string;
  if (options.timestampHeader !== undefined) {
    text = requireHeader(request, options.timestampHeader);
    name = options.timestampHeader;
  } else if (options.timestampTag !== undefined) {
    const tag = options.timestampTag;
    const texts = [...new Set(entries.filter((entry) => entry.startsWith(tag)).map((entry) => entry.slice(tag.length)))];
    name = `${options.signatureHeader} ${tag}`;
    if (texts.length === 0) throw new WebhookError('MISSING_SIGNATURE', `${options.signatureHeader} has no "${tag}<timestamp>" entry`);
    if (texts.length > 1) throw new WebhookError('MALFORMED_SIGNATURE', `${options.signatureHeader} carries more than one timestamp`);
    text = texts[0]!;
  } else {
    return undefined;
  }
  const value = parseUnixSeconds(text);
  if (value === undefined) throw new WebhookError('MALFORMED_SIGNATURE', `${name} is not a UNIX timestamp in ${options.timestampUnit}`);
  return { text, value };
}

/** The tolerance check of a signed timestamp in each unit: both directions, to the millisecond for milliseconds. */
const ASSERT_FRESH: Readonly<Record<GenericTimestampUnit, (timestamp: number, nowSeconds: number, toleranceSeconds: number) => void>> = {
  seconds: assertTimestampWithinTolerance,
  milliseconds: assertMillisecondsWithinTolerance,
};

/**
 * The index of the first secret whose key `matches`, or -1 (the caller returns `credentialMismatch`).
 * A secret without a key (`keyOf` gives undefined: it does not decode) never matches.
 */
function matchingSecret<TKey>(secrets: readonly string[], keyOf: (secret: string) => TKey | undefined, matches: (key: TKey) => boolean): number {
  for (let index = 0; index < secrets.length; index++) {
    const key = keyOf(secrets[index]!);
    if (key !== undefined && matches(key)) return index;
  }
  return -1;
}

/**
 * INVALID_SIGNATURE for a request no secret matched, returned rather than thrown (see `secretIndexOf`).
 * It counts the secrets that cannot match anything (`usable` false), so a misconfigured route shows
 * in the refusals' logs.
 */
function credentialMismatch(secrets: readonly string[], usable: (secret: string) => boolean, credential: string): WebhookError {
  return new WebhookError('INVALID_SIGNATURE', `No ${credential} matches any configured secret`, {
    details: { secretsTried: secrets.length, secretsUnusable: secrets.filter((secret) => !usable(secret)).length },
  });
}

/** An empty token would match an empty header value: it never matches. */
const usableToken = (secret: string) => secret !== '';
/** A secret without a colon is not a `user:password` pair: it never matches. */
const usableBasicCredential = (secret: string) => secret.includes(':');

const startsWithIgnoringCase = (value: string, prefix: string) => value.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
const BASIC_CREDENTIALS = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})$/i;

// ---------------------------------------------------------------------------------------------
// Verification, one function per mode, and the event they share.

/** A `text` payload: the UTF-8 body as a JSON string. */
function textBody(request: WebhookRequest): { value: string; text: string } {
  const value = bodyText(request);
  return { value, text: stringifyForWire(value) };
}

function fieldAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = isRecord(current) && Object.hasOwn(current, key) ? current[key] : undefined;
  return current;
}

/**
 * The one event of a verified request. `replayKey` gives the `contentKey` for the event's type, or
 * undefined when the id is what deduplicates.
 */
function verifiedEvent(
  request: WebhookRequest,
  options: GenericOptions,
  headerId: string | undefined,
  secretIndex: number,
  replayKey: (type: string) => string | undefined,
): VerifiedWebhook {
  const body: JsonBody = options.payloadFormat === 'json' ? parseJsonBody(request) : textBody(request);
  if (options.idHeader !== undefined && !headerId) {
    throw new WebhookError('INVALID_PAYLOAD', `${options.idHeader} header is missing`);
  }
  const id = headerId || sha256Hex(signedBody(request));
  const typeValue =
    options.typeHeader !== undefined
      ? header(request, options.typeHeader)?.trim()
      : options.typeField !== undefined
        ? fieldAt(body.value, options.typeField)
        : undefined;
  const type = typeof typeValue === 'string' && typeValue !== '' ? typeValue : options.defaultType;
  return { secretIndex, events: [jsonEvent(id, type, body, replayKey(type))] };
}

const signs = (options: GenericHmacOptions, field: SignedField) => options.signedContent.some((part) => 'field' in part && part.field === field);

function verifyHmac(request: WebhookRequest, { secrets, nowSeconds, toleranceSeconds }: VerifyContext<unknown>, options: GenericHmacOptions): VerifiedWebhook | WebhookError {
  const entries = signatureEntries(request, options);
  const timestamp = signedTimestamp(request, entries, options);
  const signsId = signs(options, 'id');
  const headerId =
    options.idHeader === undefined ? undefined : signsId ? requireHeader(request, options.idHeader) : header(request, options.idHeader)?.trim();
  const tag = options.versionTags.length > 0 ? `${options.versionTags[0]}` : '';
  const received = decodeSignatureEntries(
    entries,
    (entry) => macOfEntry(entry, options),
    options.signatureHeader,
    `"${tag}${options.signaturePrefix}<${options.encoding} HMAC-${options.algorithm.toUpperCase()}>"`,
  );

  const signed = signedContentOf(options.signedContent, { body: signedBody(request), id: headerId, timestamp: timestamp?.text, method: request.method, url: request.url });
  const secretIndex = matchingSecret(
    secrets,
    (secret) => hmacKey(secret, options.secretEncoding),
    (key) => matchesAny(received, hmac(options.algorithm, key, ...signed)),
  );
  if (secretIndex < 0) return credentialMismatch(secrets, (secret) => hmacKey(secret, options.secretEncoding) !== undefined, 'signature');
  if (timestamp !== undefined) ASSERT_FRESH[options.timestampUnit](timestamp.value, nowSeconds, toleranceSeconds);

  // With neither the id nor a timestamp signed, a captured request could be sent again with a
  // fresh id: deduplicate on what is signed instead.
  return verifiedEvent(request, options, headerId, secretIndex, (type) => (signsId || timestamp !== undefined ? undefined : contentKey(type, ...signed)));
}

/**
 * Nothing is signed in the credential modes: a sender's retries share its id header, so that is the
 * key when one is configured; without it, the body and type are.
 */
function credentialReplayKey(request: WebhookRequest, options: GenericOptions): (type: string) => string | undefined {
  return (type) => (options.idHeader === undefined ? contentKey(type, signedBody(request)) : undefined);
}

function verifyToken(request: WebhookRequest, { secrets }: VerifyContext<unknown>, options: GenericTokenOptions): VerifiedWebhook | WebhookError {
  const { tokenHeader, tokenPrefix } = options;
  const received = decodeSignatureEntries(
    signatureHeaderEntries(request, tokenHeader, null),
    (value) => {
      if (!startsWithIgnoringCase(value, tokenPrefix)) return undefined;
      const token = value.slice(tokenPrefix.length).trim();
      return token === '' ? undefined : tokenDigest(token);
    },
    tokenHeader,
    `"${tokenPrefix}<token>"`,
  );
  const secretIndex = matchingSecret(secrets, (secret) => (usableToken(secret) ? tokenDigest(secret) : undefined), (expected) => matchesAny(received, expected));
  if (secretIndex < 0) return credentialMismatch(secrets, usableToken, 'token');
  const headerId = options.idHeader === undefined ? undefined : header(request, options.idHeader)?.trim();
  return verifiedEvent(request, options, headerId, secretIndex, credentialReplayKey(request, options));
}

function verifyBasic(request: WebhookRequest, { secrets }: VerifyContext<unknown>, options: GenericBasicOptions): VerifiedWebhook | WebhookError {
  const received = decodeSignatureEntries(
    signatureHeaderEntries(request, BASIC_AUTH_HEADER, null),
    (value) => {
      const encoded = BASIC_CREDENTIALS.exec(value)?.[1];
      const credentials = encoded === undefined ? undefined : decodeSignature(encoded, 'base64');
      return credentials?.includes(':') ? tokenDigest(credentials) : undefined;
    },
    'Authorization',
    '"Basic <base64 of user:password>"',
  );
  const secretIndex = matchingSecret(secrets, (secret) => (usableBasicCredential(secret) ? tokenDigest(secret) : undefined), (expected) => matchesAny(received, expected));
  if (secretIndex < 0) return credentialMismatch(secrets, usableBasicCredential, 'credential');
  const headerId = options.idHeader === undefined ? undefined : header(request, options.idHeader)?.trim();
  return verifiedEvent(request, options, headerId, secretIndex, credentialReplayKey(request, options));
}

// ---------------------------------------------------------------------------------------------
// Signing, as a sender configured like the route does.

function hmacHeaders(request: OutgoingRequest, secret: string, nowSeconds: number, options: GenericHmacOptions, id: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const hasTimestamp = options.timestampHeader !== undefined || options.timestampTag !== undefined;
  const timestamp = hasTimestamp ? String(options.timestampUnit === 'milliseconds' ? nowSeconds * 1000 : nowSeconds) : undefined;
  const key = hmacKey(secret, options.secretEncoding);
  if (key === undefined) throw new Error(`generic signs with a non-empty ${options.secretEncoding} secret`);
  const signed = signedContentOf(options.signedContent, { body: bodyBytes(request), id, timestamp, method: request.method, url: request.url });
  const signature = `${options.versionTags[0] ?? ''}${options.signaturePrefix}${hmac(options.algorithm, key, ...signed).toString(options.encoding)}`;
  if (options.timestampHeader !== undefined) headers[options.timestampHeader] = timestamp!;
  headers[options.signatureHeader] =
    options.timestampTag === undefined
      ? signature
      : `${options.timestampTag}${timestamp}${DELIMITER_TEXT[options.signatureDelimiter as Exclude<GenericSignatureDelimiter, 'none'>]}${signature}`;
  return headers;
}

function credentialHeaders(secret: string, options: GenericTokenOptions | GenericBasicOptions): Record<string, string> {
  if (options.auth === 'token') return { [options.tokenHeader]: `${options.tokenPrefix}${secret}` };
  if (!secret.includes(':')) throw new Error('generic basic auth signs with a "user:password" secret');
  return { [BASIC_AUTH_HEADER]: `Basic ${Buffer.from(secret, 'utf8').toString('base64')}` };
}

const OPTIONS_TABLE = [
  "Options, set in the route's `options` (validated when the configuration is loaded; every problem is listed):",
  '',
  '| option | auth | default | meaning |',
  '|---|---|---|---|',
  '| `auth` | — | `hmac` | `hmac` (a signature), `token` (a static token in a header) or `basic` (HTTP Basic) |',
  '| `algorithm` | hmac | `sha256` | `sha1`, `sha256` or `sha512` |',
  '| `encoding` | hmac | `hex` | encoding of the received MAC: `hex` (either case), `base64` or `base64url` (padded or not) |',
  '| `secretEncoding` | hmac | `utf8` | the configured secret as the key: `utf8` (its text), `hex`, or `base64` (a leading `whsec_` removed, padding optional); a secret that does not decode never matches |',
  '| `signatureHeader` | hmac | `x-signature` | header carrying the MAC(s) |',
  "| `signaturePrefix` | hmac | `''` | text before each MAC (after its version tag), e.g. `sha256=` |",
  '| `signatureDelimiter` | hmac | `comma` | what separates several signatures in one value: `comma`, `space` (a comma too, as API Gateway joins repeated headers with it) or `none`; a tag or prefix containing it (`v1,`) is never cut |',
  '| `versionTags` | hmac | `[]` | tags of the signatures to accept, e.g. `["v1="]`, `["v1,"]`: entries `<tag><prefix><MAC>` with another tag are ignored; `sign` uses the first |',
  '| `signedContent` | hmac | `{body}` | template of what is signed: literal text plus `{body}` (exactly once), `{timestamp}`, `{id}`, `{method}`, `{url}` — e.g. `{timestamp}.{body}`, `{id}.{timestamp}.{body}`, `v0:{timestamp}:{body}`, `{method}{url}{body}`. `{url}` is the route’s configured exact URL, else the URL as received |',
  '| `timestampHeader` | hmac | — | header with the signed timestamp; required by, and requires, `{timestamp}` (an unsigned timestamp stops no replay) |',
  '| `timestampTag` | hmac | — | instead of a header: the timestamp is the `<tag><value>` entry of the signature header, e.g. `t=` for `t=<ts>,v1=<MAC>` |',
  '| `timestampUnit` | hmac | `seconds` | `seconds` or `milliseconds`; checked against the route’s `toleranceSeconds` (default 300) both ways |',
  '| `tokenHeader` | token | `x-webhook-token` | header carrying the token, e.g. `Authorization` |',
  "| `tokenPrefix` | token | `''` | text before the token, e.g. `Bearer ` (matched without regard to case) |",
  '| `idHeader` | all | — | header with the event id (required by `{id}`); without it the id is the SHA-256 hex of the body |',
  '| `typeHeader` | all | — | header naming the event type |',
  '| `typeField` | all | — | dot-separated path of a string field in the JSON body naming the type, e.g. `data.kind` (exclusive with `typeHeader`) |',
  '| `defaultType` | all | `webhook` | type when no type header/field is configured or it is absent |',
  '| `payloadFormat` | all | `json` | `json` (a non-JSON body is `INVALID_PAYLOAD`) or `text` (the payload is the UTF-8 body) |',
].join('\n');

const SECRETS_NOTE = [
  '**Secrets per mode.** `hmac`: the shared key, read as `secretEncoding` says. `token`: the token itself',
  '(without `tokenPrefix`). `basic`: a `user:password` pair (UTF-8; a secret without `:` never matches).',
  'Several secrets rotate as on every route; tokens and credentials are compared through their SHA-256',
  'digests in constant time, so neither their content nor their length shows in the timing.',
].join('\n');

const REPLAY_NOTE = [
  '**Replay protection per mode.** `hmac` with `{id}` signed: the id. With a signed timestamp: the',
  'tolerance, then the id — when the id header is not signed, a captured request can be sent again with',
  'a fresh id within the tolerance, so sign the id if the sender can. With neither signed: the signed',
  'content and the type, whatever id comes with it. `token` and `basic`: the credential is not bound to',
  'the request, so anyone holding one request holds the credential and can send any body; deduplication',
  'is on the `idHeader` when configured (the sender’s retries repeat it), else on the body and the type.',
  'Prefer `hmac` whenever the sender can sign.',
].join('\n');

const EXAMPLES_NOTE = [
  'Examples of `options`:',
  '',
  '- GitHub-like: `{ "signatureHeader": "X-Hub-Signature-256", "signaturePrefix": "sha256=" }`',
  '- Stripe-like: `{ "signatureHeader": "X-Partner-Signature", "versionTags": ["v1="], "timestampTag": "t=", "signedContent": "{timestamp}.{body}" }`',
  '- Standard Webhooks: `{ "signatureHeader": "webhook-signature", "signatureDelimiter": "space", "versionTags": ["v1,"], "encoding": "base64", "secretEncoding": "base64", "idHeader": "webhook-id", "timestampHeader": "webhook-timestamp", "signedContent": "{id}.{timestamp}.{body}" }`',
  '- Milliseconds and a URL-bound signature: `{ "timestampHeader": "X-Timestamp", "timestampUnit": "milliseconds", "signedContent": "{timestamp}.{method}.{url}.{body}", "encoding": "base64" }`',
  '- Bearer token: `{ "auth": "token", "tokenHeader": "Authorization", "tokenPrefix": "Bearer ", "idHeader": "X-Delivery-Id" }`',
  '- HTTP Basic: `{ "auth": "basic", "typeField": "event" }`',
].join('\n');

/**
 * Any sender that authenticates with an HMAC signature, a static token or HTTP Basic: the scheme,
 * id and type all come from the route's `options` (see the three option schemas).
 */
export const generic: WebhookProvider<GenericOptions> = {
  name: 'generic',
  defaultToleranceSeconds: 300,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: parseGenericOptions,

  verify(request, context) {
    const { options } = context;
    switch (options.auth) {
      case 'token':
        return verifyToken(request, context, options);
      case 'basic':
        return verifyBasic(request, context, options);
      default:
        return verifyHmac(request, context, options);
    }
  },

  sign(request, { secret, nowSeconds, options }) {
    const id = options.idHeader === undefined ? undefined : (sentHeader(request, options.idHeader) ?? randomUUID());
    const headers: Record<string, string> = options.idHeader === undefined ? {} : { [options.idHeader]: id! };
    Object.assign(headers, options.auth === 'hmac' ? hmacHeaders(request, secret, nowSeconds, options, id) : credentialHeaders(secret, options));
    return withSentHeaders(request, headers);
  },

  samples: {
    defaultType: 'webhook',
    types: {
      // With the default options the event id is the SHA-256 of the body and the type `webhook`, so
      // what makes a send new is a body that differs: the fresh `id` here.
      webhook: (context: SampleContext) =>
        compactJson({
          id: randomId('wh_'),
          event: 'order.shipped',
          created_at: isoTime(context.nowSeconds),
          data: { order_id: randomId('ord_', 12), carrier: 'La Poste 📦' },
        }),
    },
    request: (body, _type, context) => jsonPost(body, context),
  },

  development: { secret: 'hookrelay-development-generic-secret' },

  docs: {
    title: 'Generic (HMAC, token, Basic)',
    signatureHeaders: 'configurable: default `X-Signature` (`hmac`), `X-Webhook-Token` (`token`), `Authorization: Basic …` (`basic`)',
    signedContent: 'configurable HMAC (the route’s `options`), default HMAC-SHA256 of `{body}`, hex; nothing with `token` or `basic`',
    timestamp: 'configurable (`timestampHeader` or `timestampTag`, seconds or milliseconds); the route’s tolerance, default 300 s, only with a signed timestamp',
    eventId: 'configurable (`idHeader`), default the SHA-256 hex of the body',
    eventType: 'configurable (`typeHeader` or `typeField`), default `webhook`',
    secret: '`hmac`: the key (text, hex or base64); `token`: the token; `basic`: `user:password`',
    secretLocation: 'the sender’s settings',
    notSigned:
      'whatever `signedContent` leaves out; an `idHeader` or `typeHeader` outside it is the sender’s word. With `token` or `basic` nothing is: the credential proves the sender, not the request',
    replayProtection:
      '`hmac`: the id when `{id}` or a timestamp is signed, else the signed content and type (with an unsigned id header and a signed timestamp, a replay with a fresh id within the tolerance passes: sign the id if the sender can). `token`/`basic`: none from the credential; deduplication on `idHeader`, else on body and type',
    notes: [OPTIONS_TABLE, SECRETS_NOTE, REPLAY_NOTE, EXAMPLES_NOTE],
  },
};
