import * as z from 'zod/mini';
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { decodeSignature, hmac, matchesAny, sha256Hex, type HmacAlgorithm, type SignatureEncoding } from '../crypto';
import { stringifyForWire } from '../envelope';
import { compactJson, isoTime, randomId } from '../samples';
import { WebhookError } from '../errors';
import {
  assertTimestampWithinTolerance,
  contentKey,
  DEFAULT_MAX_BODY_BYTES,
  decodeSignatureEntries,
  findMatchingSecret,
  isRecord,
  parseJsonBody,
  requireHeader,
  requireUnixSeconds,
  signatureHeaderEntries,
  bodyBytes,
  jsonPost,
  sentHeader,
  withSentHeaders,
  type SampleContext,
  type WebhookProvider,
} from '../provider';
import { header } from '../request';

/** A part of the signed content: literal text or one of the three placeholders. */
export type SignedContentPart = { readonly literal: string } | { readonly field: 'id' | 'timestamp' | 'body' };

/** Validated options of the `generic` provider (the output of `generic.parseOptions`). */
export interface GenericOptions {
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
  /** Lower-cased. */
  readonly signatureHeader: string;
  readonly signaturePrefix: string;
  readonly signedContent: readonly SignedContentPart[];
  readonly timestampHeader: string | undefined;
  readonly idHeader: string | undefined;
  readonly typeHeader: string | undefined;
  readonly typeField: readonly string[] | undefined;
  readonly defaultType: string;
  readonly payloadFormat: 'json' | 'text';
}

const MAC_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };
const PLACEHOLDER = /\{([A-Za-z_]+)\}/g;
const headerName = z.string().check(z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'));

/**
 * Configuration of the `generic` route, in the spirit of EventBridge's HMAC webhook sources.
 * Tolerance is the route's `toleranceSeconds` (default 300) and applies only with a timestamp.
 */
export const genericOptionsSchema = z.strictObject({
  /** HMAC hash. @default 'sha256' */
  algorithm: z._default(z.enum(['sha1', 'sha256', 'sha512']), 'sha256'),
  /** Encoding of the received signature. @default 'hex' */
  encoding: z._default(z.enum(['hex', 'base64']), 'hex'),
  /** Header carrying the signature; repeated or comma-joined values are each tried. @default 'x-signature' */
  signatureHeader: z._default(headerName, 'x-signature'),
  /** Text before the encoded signature, e.g. `sha256=`. @default '' */
  signaturePrefix: z._default(z.string(), ''),
  /**
   * What is signed: literal text and the placeholders `{body}` (exactly once), `{timestamp}`,
   * `{id}`, e.g. `{timestamp}.{body}` or `{id}.{timestamp}.{body}`. @default '{body}'
   */
  signedContent: z._default(z.string(), '{body}'),
  /** Header with the signed UNIX timestamp (seconds); required by, and requires, `{timestamp}`. */
  timestampHeader: z.optional(headerName),
  /** Header with the event id (required by `{id}`). @default SHA-256 hex of the body */
  idHeader: z.optional(headerName),
  /** Header naming the event type. Exclusive with `typeField`. */
  typeHeader: z.optional(headerName),
  /** Dot-separated path of a string field of the JSON body naming the event type, e.g. `data.kind`. */
  typeField: z.optional(z.string().check(z.regex(/^[^.]+(\.[^.]+)*$/, 'must be a dot-separated field path'))),
  /** Type when no type header/field is configured or it is absent. @default 'webhook' */
  defaultType: z._default(z.string().check(z.minLength(1)), 'webhook'),
  /** `json`: the body must be JSON (INVALID_PAYLOAD otherwise); `text`: the payload is the UTF-8 body. @default 'json' */
  payloadFormat: z._default(z.enum(['json', 'text']), 'json'),
});

export type GenericOptionsInput = z.input<typeof genericOptionsSchema>;

function compileSignedContent(template: string): SignedContentPart[] {
  const parts: SignedContentPart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (name !== 'id' && name !== 'timestamp' && name !== 'body') {
      throw new Error(`generic options: signedContent has an unknown placeholder {${name}} (use {id}, {timestamp}, {body})`);
    }
    if (match.index > last) parts.push({ literal: template.slice(last, match.index) });
    parts.push({ field: name });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ literal: template.slice(last) });
  const count = (field: string) => parts.filter((part) => 'field' in part && part.field === field).length;
  if (count('body') !== 1) throw new Error('generic options: signedContent must contain {body} exactly once');
  return parts;
}

/** zod/mini ships no messages ("Invalid input"): say what is wrong, where. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : 'options';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown option(s) ${issue.keys.join(', ')}`;
    case 'invalid_value':
      return `${where} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_type':
      return `${where} must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
    default:
      return issue.message === 'Invalid input' ? `${where} is invalid` : `${where} ${issue.message}`;
  }
}

function parseGenericOptions(raw: unknown): GenericOptions {
  const result = genericOptionsSchema.safeParse(raw ?? {});
  if (!result.success) throw new Error(`generic options are invalid: ${result.error.issues.map(describeIssue).join('; ')}`);
  const options = result.data;
  const signedContent = compileSignedContent(options.signedContent);
  const uses = (field: string) => signedContent.some((part) => 'field' in part && part.field === field);
  if (uses('timestamp') !== (options.timestampHeader !== undefined)) {
    throw new Error(
      'generic options: {timestamp} in signedContent and timestampHeader go together (an unsigned timestamp stops no replay)',
    );
  }
  if (uses('id') && options.idHeader === undefined) {
    throw new Error('generic options: {id} in signedContent requires idHeader');
  }
  if (options.typeHeader !== undefined && options.typeField !== undefined) {
    throw new Error('generic options: set typeHeader or typeField, not both');
  }
  if (options.typeField !== undefined && options.payloadFormat !== 'json') {
    throw new Error('generic options: typeField requires payloadFormat "json"');
  }
  return {
    algorithm: options.algorithm,
    encoding: options.encoding,
    signatureHeader: options.signatureHeader.toLowerCase(),
    signaturePrefix: options.signaturePrefix,
    signedContent,
    timestampHeader: options.timestampHeader?.toLowerCase(),
    idHeader: options.idHeader?.toLowerCase(),
    typeHeader: options.typeHeader?.toLowerCase(),
    typeField: options.typeField?.split('.'),
    defaultType: options.defaultType,
    payloadFormat: options.payloadFormat,
  };
}

/** A `text` payload: the UTF-8 body as a JSON string. */
function textBody(rawBody: Buffer): { value: string; text: string } {
  if (!isUtf8(rawBody)) throw new WebhookError('INVALID_PAYLOAD', 'Body is not valid UTF-8');
  const value = rawBody.toString('utf8');
  return { value, text: stringifyForWire(value) };
}

function fieldAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = isRecord(current) && Object.hasOwn(current, key) ? current[key] : undefined;
  return current;
}

const ENCODE: Readonly<Record<SignatureEncoding, BufferEncoding>> = { hex: 'hex', base64: 'base64' };

/**
 * Any sender that signs with an HMAC: algorithm, encoding, header, prefix, signed content,
 * timestamp, id and type all come from the route's `options` (see `genericOptionsSchema`).
 */
export const generic: WebhookProvider<GenericOptions> = {
  name: 'generic',
  defaultToleranceSeconds: 300,
  defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  parseOptions: parseGenericOptions,

  verify(request, { secrets, nowSeconds, toleranceSeconds, options }) {
    const { algorithm, encoding, signaturePrefix: prefix } = options;
    // A prefix with a comma (`v1,`) would be cut by splitting comma-joined values.
    const entries = signatureHeaderEntries(request, options.signatureHeader, prefix.includes(',') ? null : ',');
    const timestampText = options.timestampHeader === undefined ? undefined : requireHeader(request, options.timestampHeader);
    const timestamp = timestampText === undefined ? undefined : requireUnixSeconds(timestampText, options.timestampHeader!);
    const signsId = options.signedContent.some((part) => 'field' in part && part.field === 'id');
    const headerId = options.idHeader === undefined ? undefined : signsId ? requireHeader(request, options.idHeader) : header(request, options.idHeader)?.trim();
    const received = decodeSignatureEntries(
      entries,
      (entry) => {
        if (!entry.startsWith(prefix)) return undefined;
        const decoded = decodeSignature(entry.slice(prefix.length), encoding);
        return decoded?.length === MAC_BYTES[algorithm] ? decoded : undefined;
      },
      options.signatureHeader,
      `"${prefix}<${encoding} HMAC-${algorithm.toUpperCase()}>"`,
    );

    const signed = options.signedContent.map((part) => {
      if ('literal' in part) return part.literal;
      if (part.field === 'body') return request.rawBody;
      return part.field === 'id' ? headerId! : timestampText!;
    });
    const secretIndex = findMatchingSecret(secrets, (secret) => matchesAny(received, hmac(algorithm, secret, ...signed)));
    if (timestamp !== undefined) assertTimestampWithinTolerance(timestamp, nowSeconds, toleranceSeconds);

    const body = options.payloadFormat === 'json' ? parseJsonBody(request.rawBody) : textBody(request.rawBody);
    if (options.idHeader !== undefined && !headerId) {
      throw new WebhookError('INVALID_PAYLOAD', `${options.idHeader} header is missing`);
    }
    const id = headerId || sha256Hex(request.rawBody);
    const typeValue =
      options.typeHeader !== undefined
        ? header(request, options.typeHeader)?.trim()
        : options.typeField !== undefined
          ? fieldAt(body.value, options.typeField)
          : undefined;
    const type = typeof typeValue === 'string' && typeValue !== '' ? typeValue : options.defaultType;
    // With neither the id nor a timestamp signed, a captured request could be sent again with a
    // fresh id: deduplicate on what is signed instead.
    const key = signsId || timestamp !== undefined ? undefined : contentKey(type, ...signed);
    return {
      secretIndex,
      events: [{ id, type, payload: body.value, payloadJson: body.text, ...(key === undefined ? {} : { contentKey: key }) }],
    };
  },

  sign(request, { secret, nowSeconds, options }) {
    const headers: Record<string, string> = {};
    const id = options.idHeader === undefined ? undefined : (sentHeader(request, options.idHeader) ?? randomUUID());
    if (options.idHeader !== undefined) headers[options.idHeader] = id!;
    if (options.timestampHeader !== undefined) headers[options.timestampHeader] = String(nowSeconds);
    const signed = options.signedContent.map((part) => {
      if ('literal' in part) return part.literal;
      if (part.field === 'body') return bodyBytes(request);
      return part.field === 'id' ? id! : String(nowSeconds);
    });
    const mac = hmac(options.algorithm, secret, ...signed).toString(ENCODE[options.encoding]);
    headers[options.signatureHeader] = `${options.signaturePrefix}${mac}`;
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
    title: 'Generic HMAC',
    signatureHeaders: 'configurable, default `X-Signature`',
    signedContent: 'configurable HMAC (see the options below), default HMAC-SHA256 of `{body}`, hex',
    timestamp: 'configurable (`timestampHeader`); the route’s tolerance, default 300 s, only with a timestamp',
    eventId: 'configurable (`idHeader`), default the SHA-256 hex of the body',
    eventType: 'configurable (`typeHeader` or `typeField`), default `webhook`',
    secret: 'any string',
    secretLocation: 'the sender’s settings',
    notSigned: 'whatever `signedContent` leaves out; an `idHeader` or `typeHeader` outside it is the sender’s word',
    replayProtection:
      'the id when `{id}` or a timestamp is signed, else the signed content and type. With an unsigned id header and a signed timestamp, a captured request can be sent again with a fresh id within the tolerance: sign the id if the sender can',
    notes: [
      [
        "Options, set in the route's `options` (validated when the configuration is loaded):",
        '',
        '| option | default | meaning |',
        '|---|---|---|',
        '| `algorithm` | `sha256` | `sha1`, `sha256` or `sha512` |',
        '| `encoding` | `hex` | encoding of the received MAC: `hex` or `base64` |',
        '| `signatureHeader` | `x-signature` | header carrying the MAC |',
        "| `signaturePrefix` | `''` | text before the MAC, e.g. `sha256=` |",
        '| `signedContent` | `{body}` | template of what is signed: literal text plus `{body}` (exactly once), `{timestamp}`, `{id}` — e.g. `{timestamp}.{body}`, `{id}.{timestamp}.{body}`, `v0:{timestamp}:{body}` |',
        '| `timestampHeader` | — | header with the signed UNIX timestamp (seconds); required by, and requires, `{timestamp}` (an unsigned timestamp stops no replay) |',
        '| `idHeader` | — | header with the event id (required by `{id}`); without it the id is the SHA-256 hex of the body |',
        '| `typeHeader` | — | header naming the event type |',
        '| `typeField` | — | dot-separated path of a string field in the JSON body naming the type, e.g. `data.kind` (exclusive with `typeHeader`) |',
        '| `defaultType` | `webhook` | type when no type header/field is configured or it is absent |',
        '| `payloadFormat` | `json` | `json` (a non-JSON body is `INVALID_PAYLOAD`) or `text` (the payload is the UTF-8 body) |',
      ].join('\n'),
    ],
  },
};
