import { createHmac } from 'node:crypto';
import { computeWebhookSignature } from 'box-node-sdk/lib/internal/utils';
import { WebhooksManager } from 'box-node-sdk/lib/managers/webhooks';
import { box } from '../../../../lambdas/core/providers/box';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import { expectRefusal, headerOf, NOW, verdictOf, verifyRequest, webhookRequest, withBody, withHeaders } from '../../../fixtures/request';

const PRIMARY = 'SamplePrimaryKey0000000000000000';
const SECONDARY = 'SampleSecondaryKey00000000000000';
const OTHER_KEY = 'AnotherAppsKey000000000000000000';
/** NOW in the form Box's SDK writes date-times. */
const NOW_TEXT = '2023-11-14T22:13:20+00:00';
const EVENT = {
  type: 'webhook_event',
  id: 'eb0c4e06-751f-442c-86f8-fd5bb404dbec',
  created_at: '2023-11-14T14:13:20-08:00',
  trigger: 'FILE.UPLOADED',
  webhook: { id: '8382611', type: 'webhook' },
  source: { id: '1352381921', type: 'file', name: 'Q4 report — café.pdf' },
};
const BODY = JSON.stringify(EVENT);

const mac = (key: string, body: string, timestamp: string) => createHmac('sha256', key).update(body).update(timestamp).digest('base64');

interface SignInit {
  readonly body?: string;
  readonly timestamp?: string;
  readonly primaryKey?: string;
  readonly secondaryKey?: string;
  /** What was signed, when it differs from the body sent. */
  readonly signedBody?: string;
}

/** Signed here as Box documents it (base64 HMAC-SHA256 of body + timestamp, once per key), independently of the module. */
function signedRequest({ body = BODY, timestamp = NOW_TEXT, primaryKey = PRIMARY, secondaryKey = SECONDARY, signedBody = body }: SignInit = {}): WebhookRequest {
  return webhookRequest({
    provider: 'box',
    headers: {
      'BOX-DELIVERY-ID': 'f96bb54b-ee16-4fc5-aa65-8c2d9e5b546f',
      'BOX-DELIVERY-TIMESTAMP': timestamp,
      'BOX-SIGNATURE-PRIMARY': mac(primaryKey, signedBody, timestamp),
      'BOX-SIGNATURE-SECONDARY': mac(secondaryKey, signedBody, timestamp),
      'BOX-SIGNATURE-VERSION': '1',
      'BOX-SIGNATURE-ALGORITHM': 'HmacSHA256',
      'Content-Type': 'application/json; charset=UTF-8',
    },
    body,
  });
}

/** Box's SDK verdict (its own clock), with lower-cased headers as a Node server hands them over. */
async function boxVerdict(request: WebhookRequest, primaryKey = PRIMARY, secondaryKey: string | undefined = SECONDARY): Promise<boolean> {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, values]) => [name, values[0]!]));
  return WebhooksManager.validateMessage(request.rawBody.toString('utf8'), headers, primaryKey, { secondaryKey });
}

/** What validateMessage's false stands for: a wrong MAC, a stale timestamp, an unknown signature version. */
const SDK_REFUSALS = ['INVALID_SIGNATURE', 'TIMESTAMP_OUT_OF_TOLERANCE', 'MALFORMED_SIGNATURE'] as const;
/** Our verdict at the real current time (the SDK reads the clock). */
const ourVerdict = (request: WebhookRequest, secrets: readonly string[] = [PRIMARY, SECONDARY]) =>
  verdictOf(box, request, { secrets, nowSeconds: Math.floor(Date.now() / 1000) }, SDK_REFUSALS);

/** `seconds` as Box's SDK writes it. */
const boxTime = (seconds: number) => `${new Date(seconds * 1000).toISOString().slice(0, 19)}+00:00`;

describe('Provider: box', () => {
  describe('verify', () => {
    it('accepts a signed event: id id, type trigger, the body published as sent', () => {
      // Act
      const result = verifyRequest(box, signedRequest(), { secrets: [PRIMARY, SECONDARY] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [{ id: EVENT.id, type: EVENT.trigger, payload: EVENT, payloadJson: BODY }] });
    });

    it.each([
      { case: 'only the secondary key is configured', secrets: [SECONDARY], secretIndex: 0 },
      { case: 'a new primary key, the old one still signing (the secondary key matches)', secrets: ['NewPrimaryKey'.padEnd(32, '0'), SECONDARY], secretIndex: 1 },
      { case: 'the keys are configured the other way round', secrets: [SECONDARY, PRIMARY], secretIndex: 0 },
    ])('accepts when $case (secretIndex $secretIndex)', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(box, signedRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'only BOX-SIGNATURE-PRIMARY is sent', request: withHeaders(signedRequest(), { 'BOX-SIGNATURE-SECONDARY': undefined }) },
      { case: 'only BOX-SIGNATURE-SECONDARY is sent', request: withHeaders(signedRequest(), { 'BOX-SIGNATURE-PRIMARY': undefined }) },
      { case: 'the primary signature is wrong and the secondary right', request: withHeaders(signedRequest(), { 'BOX-SIGNATURE-PRIMARY': mac(OTHER_KEY, BODY, NOW_TEXT) }) },
      { case: 'a timestamp exactly 600 s old', request: signedRequest({ timestamp: boxTime(NOW - 600) }) },
      { case: 'a timestamp exactly 600 s ahead', request: signedRequest({ timestamp: boxTime(NOW + 600) }) },
      { case: 'the timestamp in Pacific time, as Box writes it', request: signedRequest({ timestamp: '2023-11-14T14:13:20-08:00' }) },
      { case: 'a timestamp with fractional seconds, in Z', request: signedRequest({ timestamp: '2023-11-14T22:13:20.999Z' }) },
      { case: 'a signature over the body re-escaped, as Box’s SDK also tries', request: signedRequest({ signedBody: BODY.replace('—', '\\u2014').replace('é', '\\u00e9') }) },
    ])('accepts $case', ({ request }) => {
      // Act
      const result = verifyRequest(box, request, { secrets: [PRIMARY, SECONDARY] });

      // Assess
      expect(result.events.map((event) => event.id)).toEqual([EVENT.id]);
    });

    const valid = signedRequest();
    const macs = [headerOf(valid, 'box-signature-primary'), headerOf(valid, 'box-signature-secondary')];
    it.each([
      { case: 'a timestamp 601 s old', request: signedRequest({ timestamp: boxTime(NOW - 601) }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 601 s ahead', request: signedRequest({ timestamp: boxTime(NOW + 601) }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'both signature headers missing', request: withHeaders(valid, { 'BOX-SIGNATURE-PRIMARY': undefined, 'BOX-SIGNATURE-SECONDARY': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a missing BOX-DELIVERY-TIMESTAMP', request: withHeaders(valid, { 'BOX-DELIVERY-TIMESTAMP': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a missing BOX-SIGNATURE-VERSION', request: withHeaders(valid, { 'BOX-SIGNATURE-VERSION': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a missing BOX-SIGNATURE-ALGORITHM', request: withHeaders(valid, { 'BOX-SIGNATURE-ALGORITHM': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'BOX-SIGNATURE-VERSION 2', request: withHeaders(valid, { 'BOX-SIGNATURE-VERSION': '2' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'BOX-SIGNATURE-ALGORITHM HmacSHA1', request: withHeaders(valid, { 'BOX-SIGNATURE-ALGORITHM': 'HmacSHA1' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a timestamp in UNIX seconds', request: signedRequest({ timestamp: String(NOW) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a timestamp without a zone', request: signedRequest({ timestamp: '2023-11-14T22:13:20' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a timestamp on 30 February', request: signedRequest({ timestamp: '2023-02-30T22:13:20Z' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'signatures that are not base64', request: withHeaders(valid, { 'BOX-SIGNATURE-PRIMARY': '!!', 'BOX-SIGNATURE-SECONDARY': '??' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('UPLOADED', 'DELETED')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(valid, { 'BOX-DELIVERY-TIMESTAMP': boxTime(NOW + 1) }), code: 'INVALID_SIGNATURE' },
      { case: 'signatures by another app’s keys', request: signedRequest({ primaryKey: OTHER_KEY, secondaryKey: OTHER_KEY }), code: 'INVALID_SIGNATURE' },
      { case: 'a signed body that is not JSON', request: signedRequest({ body: 'trigger=FILE.UPLOADED' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without id', request: signedRequest({ body: JSON.stringify({ trigger: 'FILE.UPLOADED' }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without trigger', request: signedRequest({ body: JSON.stringify({ id: 'e1' }) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, naming no key or MAC', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(box, request, { secrets: [PRIMARY, SECONDARY] }), code, [PRIMARY, SECONDARY, ...macs]);
    });
  });

  describe('against box-node-sdk WebhooksManager.validateMessage', () => {
    const now = () => Math.floor(Date.now() / 1000);
    it.each([
      { case: 'a fresh signed event', build: () => signedRequest({ timestamp: boxTime(now()) }), accepted: true },
      { case: 'only the secondary signature right', build: () => withHeaders(signedRequest({ timestamp: boxTime(now()) }), { 'BOX-SIGNATURE-PRIMARY': mac(OTHER_KEY, BODY, boxTime(now())) }), accepted: true },
      { case: 'a signature over the re-escaped body', build: () => signedRequest({ timestamp: boxTime(now()), signedBody: BODY.replace('—', '\\u2014').replace('é', '\\u00e9') }), accepted: true },
      { case: 'a tampered body', build: () => withBody(signedRequest({ timestamp: boxTime(now()) }), BODY.replace('UPLOADED', 'DELETED')), accepted: false },
      { case: 'another app’s keys', build: () => signedRequest({ timestamp: boxTime(now()), primaryKey: OTHER_KEY, secondaryKey: OTHER_KEY }), accepted: false },
      { case: 'a timestamp 700 s old', build: () => signedRequest({ timestamp: boxTime(now() - 700) }), accepted: false },
      { case: 'BOX-SIGNATURE-VERSION 2', build: () => withHeaders(signedRequest({ timestamp: boxTime(now()) }), { 'BOX-SIGNATURE-VERSION': '2' }), accepted: false },
    ])('agrees on $case (accepted: $accepted)', async ({ build, accepted }) => {
      // Prepare
      const request = build();

      // Act & Assess
      expect({ ours: ourVerdict(request), box: await boxVerdict(request) }).toEqual({ ours: accepted, box: accepted });
    });

    it.each([
      { case: 'slashes', text: 'a/b/c' },
      { case: 'a slash at the start of a string and after an accent', text: '/é/' },
      { case: 'an already escaped slash', text: '\\/' },
      { case: 'an escaped backslash before a slash', text: '\\\\/' },
      { case: 'an emoji (two UTF-16 units) and DEL', text: '😀\u007f/' },
      { case: 'accents, a dash and a cup', text: 'Zoë — ☕' },
    ])('accepts what computeWebhookSignature signs over the re-escaped body: $case', async ({ text }) => {
      // Prepare
      const body = `{"id":"e1","trigger":"FILE.UPLOADED","note":"${text}"}`;
      const timestamp = boxTime(now());
      const headers = { 'box-delivery-timestamp': timestamp, 'box-signature-version': '1', 'box-signature-algorithm': 'HmacSHA256' };
      const signature = (await computeWebhookSignature(body, headers, PRIMARY, true))!;
      const request = webhookRequest({ provider: 'box', headers: { ...headers, 'box-signature-primary': signature }, body });

      // Act & Assess
      expect({ ours: ourVerdict(request, [PRIMARY]), box: await boxVerdict(request, PRIMARY, undefined) }).toEqual({ ours: true, box: true });
    });

    it('the SDK refuses any future timestamp; hookrelay allows 600 s of clock skew', async () => {
      // Prepare
      const request = signedRequest({ timestamp: boxTime(now() + 60) });

      // Act & Assess
      expect({ ours: ourVerdict(request), box: await boxVerdict(request) }).toEqual({ ours: true, box: false });
    });
  });

  describe('sign', () => {
    it('signs both headers with primaryKey,secondaryKey: the openssl known answers', () => {
      // Prepare: printf '%s' "$BODY$TIMESTAMP" | openssl dgst -sha256 -hmac "$KEY" -binary | base64
      const request = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/box', headers: {}, body: BODY };

      // Act
      const signed = box.sign(request, { secret: `${PRIMARY},${SECONDARY}`, nowSeconds: NOW, options: undefined });

      // Assess
      expect(signed.headers).toEqual({
        'BOX-DELIVERY-TIMESTAMP': NOW_TEXT,
        'BOX-SIGNATURE-PRIMARY': 'kou7SX/AbcQbi8jFYVm3xpCceW0oKPkVJTU0XaMCJc4=',
        'BOX-SIGNATURE-SECONDARY': '4rROhkbFebOzRHsXxeMqBdTWzWoboTigJj/ZpZqO1/w=',
        'BOX-SIGNATURE-VERSION': '1',
        'BOX-SIGNATURE-ALGORITHM': 'HmacSHA256',
      });
    });

    it.each([
      { case: 'a primary key alone', secret: PRIMARY, primaryKey: PRIMARY, secondaryKey: undefined },
      { case: 'both keys', secret: `${PRIMARY},${SECONDARY}`, primaryKey: OTHER_KEY, secondaryKey: SECONDARY },
    ])('signs samples that validateMessage accepts, with $case', async ({ secret, primaryKey, secondaryKey }) => {
      // Prepare
      const context = { url: 'https://hooks.example.com/webhooks/box', nowSeconds: Math.floor(Date.now() / 1000) };
      const body = box.samples.types['FILE.TRASHED']!(context);

      // Act
      const signed = box.sign(box.samples.request(body, 'FILE.TRASHED', context), { secret, nowSeconds: context.nowSeconds, options: undefined });

      // Assess
      const headers = Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]));
      expect(await WebhooksManager.validateMessage(body, headers, primaryKey, { secondaryKey })).toBe(true);
    });
  });
});
