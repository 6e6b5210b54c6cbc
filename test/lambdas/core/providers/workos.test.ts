import { createHmac } from 'node:crypto';
import { WorkOS } from '@workos-inc/node';
import { workos } from '../../../../lambdas/core/providers/workos';
import type { WebhookRequest } from '../../../../lambdas/core/request';
import { expectRefusal, headerOf, NOW, verdictOf, verifyRequest, webhookRequest, withBody, withHeaders } from '../../../fixtures/request';

const SECRET = 'hookrelay0test0workos0webhook0secret';
const OTHER_SECRET = 'hookrelay0test0workos0another0secret';
const EVENT = {
  id: 'event_01HWWVGJ8J0ZQ3HT9P5F8CZB1K',
  event: 'user.created',
  data: { object: 'user', id: 'user_01E4ZCR3C56J083X43JQXF3JK5', email: 'zoe@example.com', first_name: 'Zoë' },
  created_at: '2023-11-14T22:13:20.000Z',
};
/** Compact, as WorkOS posts it: the SDK's JSON.stringify(parsed) gives the same bytes. */
const BODY = JSON.stringify(EVENT);

/** Signed here from WorkOS's recipe (hex HMAC-SHA256 of `{t}.{body}`), independently of the module. */
function signedRequest({ body = BODY, secret = SECRET, timestampMs = NOW * 1000 }: { body?: string; secret?: string; timestampMs?: number } = {}): WebhookRequest {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return webhookRequest({ provider: 'workos', headers: { 'WorkOS-Signature': `t=${timestampMs}, v1=${mac}`, 'Content-Type': 'application/json' }, body });
}

const sdk = new WorkOS('sk_test_hookrelay_never_used_for_calls');

/** WorkOS's SDK verdict (its own clock): `constructEvent` resolves or rejects. */
async function workosVerdict(request: WebhookRequest): Promise<boolean> {
  try {
    await sdk.webhooks.constructEvent({ payload: JSON.parse(request.rawBody.toString('utf8')), sigHeader: headerOf(request, 'workos-signature'), secret: SECRET });
    return true;
  } catch {
    return false;
  }
}

/** What constructEvent's rejection stands for: a wrong MAC (re-serialised bodies included) or a stale t. */
const SDK_REFUSALS = ['INVALID_SIGNATURE', 'TIMESTAMP_OUT_OF_TOLERANCE'] as const;
/** Our verdict at the real current time (the SDK reads the clock). */
const ourVerdict = (request: WebhookRequest) => verdictOf(workos, request, { secrets: [SECRET], nowSeconds: Math.floor(Date.now() / 1000) }, SDK_REFUSALS);

describe('Provider: workos', () => {
  describe('verify', () => {
    it('accepts a signed event and returns it, the body published as sent', () => {
      // Act
      const result = verifyRequest(workos, signedRequest(), { secrets: [SECRET] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [{ id: EVENT.id, type: EVENT.event, payload: EVENT, payloadJson: BODY }] });
    });

    it('returns secretIndex 1 when the second secret matches (rotation)', () => {
      // Act
      const result = verifyRequest(workos, signedRequest(), { secrets: [OTHER_SECRET, SECRET] });

      // Assess
      expect(result.secretIndex).toBe(1);
    });

    it.each([
      { case: 'a t exactly 180 s old', timestampMs: NOW * 1000 - 180_000 },
      { case: 'a t exactly 180 s ahead', timestampMs: NOW * 1000 + 180_000 },
    ])('accepts $case', ({ timestampMs }) => {
      // Act
      const result = verifyRequest(workos, signedRequest({ timestampMs }), { secrets: [SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    it('accepts a header without the space after the comma and with two v1 entries', () => {
      // Prepare
      const mac = headerOf(signedRequest(), 'workos-signature').split('v1=')[1]!;
      const request = withHeaders(signedRequest(), { 'WorkOS-Signature': `t=${NOW * 1000},v1=${'0'.repeat(64)},v1=${mac}` });

      // Act
      const result = verifyRequest(workos, request, { secrets: [SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    const valid = signedRequest();
    const validMac = headerOf(valid, 'workos-signature').split('v1=')[1]!;
    it.each([
      { case: 'a t 180.001 s old', request: signedRequest({ timestampMs: NOW * 1000 - 180_001 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a t 180.001 s ahead', request: signedRequest({ timestampMs: NOW * 1000 + 180_001 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a t in seconds', request: signedRequest({ timestampMs: NOW }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a missing WorkOS-Signature', request: withHeaders(valid, { 'WorkOS-Signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'no t', request: withHeaders(valid, { 'WorkOS-Signature': `v1=${validMac}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'no v1', request: withHeaders(valid, { 'WorkOS-Signature': `t=${NOW * 1000}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a v1 that is not hex', request: withHeaders(valid, { 'WorkOS-Signature': `t=${NOW * 1000}, v1=zz${validMac.slice(2)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'two different t', request: withHeaders(valid, { 'WorkOS-Signature': `t=${NOW * 1000}, t=${NOW * 1000 - 1}, v1=${validMac}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a t that is not an integer', request: withHeaders(valid, { 'WorkOS-Signature': `t=1.7e12, v1=${validMac}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, BODY.replace('user.created', 'user.deleted')), code: 'INVALID_SIGNATURE' },
      { case: 'the same event pretty-printed', request: withBody(valid, JSON.stringify(EVENT, null, 2)), code: 'INVALID_SIGNATURE' },
      { case: 'a changed t', request: withHeaders(valid, { 'WorkOS-Signature': `t=${NOW * 1000 + 1}, v1=${validMac}` }), code: 'INVALID_SIGNATURE' },
      { case: 'a signature by another secret', request: signedRequest({ secret: OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a signed body that is not JSON', request: signedRequest({ body: 'id=event_1' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without id', request: signedRequest({ body: JSON.stringify({ event: 'user.created' }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed body without event', request: signedRequest({ body: JSON.stringify({ id: 'event_1' }) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, naming no secret or MAC', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(workos, request, { secrets: [SECRET] }), code, [SECRET, OTHER_SECRET, validMac]);
    });
  });

  describe('against @workos-inc/node', () => {
    const nowMs = () => Date.now();
    it.each([
      { case: 'a fresh signed event', build: () => signedRequest({ timestampMs: nowMs() }), accepted: true },
      { case: 'a tampered body', build: () => withBody(signedRequest({ timestampMs: nowMs() }), BODY.replace('Zoë', 'Zoe')), accepted: false },
      { case: 'another secret', build: () => signedRequest({ timestampMs: nowMs(), secret: OTHER_SECRET }), accepted: false },
      { case: 'a t 181 s old', build: () => signedRequest({ timestampMs: nowMs() - 181_000 }), accepted: false },
    ])('agrees with webhooks.constructEvent on $case (accepted: $accepted)', async ({ build, accepted }) => {
      // Prepare
      const request = build();

      // Act & Assess
      expect({ ours: ourVerdict(request), workos: await workosVerdict(request) }).toEqual({ ours: accepted, workos: accepted });
    });

    it.each([
      { case: 'a t 181 s ahead (the SDK checks only the old side)', build: () => signedRequest({ timestampMs: nowMs() + 181_000 }) },
      { case: 'the event pretty-printed (the SDK re-serialises what it parsed)', build: () => withBody(signedRequest({ timestampMs: nowMs() }), JSON.stringify(EVENT, null, 2)) },
    ])('hookrelay refuses what the SDK accepts: $case', async ({ build }) => {
      // Prepare
      const request = build();

      // Act & Assess
      expect({ ours: ourVerdict(request), workos: await workosVerdict(request) }).toEqual({ ours: false, workos: true });
    });

    it('accepts what webhooks.computeSignature signs', async () => {
      // Prepare
      const timestampMs = NOW * 1000;
      const mac = await sdk.webhooks.computeSignature(timestampMs, EVENT, SECRET);
      const request = withHeaders(signedRequest(), { 'WorkOS-Signature': `t=${timestampMs}, v1=${mac}` });

      // Act
      const result = verifyRequest(workos, request, { secrets: [SECRET] });

      // Assess
      expect(result.events.map((event) => event.id)).toEqual([EVENT.id]);
    });
  });

  describe('sign', () => {
    it('produces what webhooks.computeSignature produces, and the openssl known answer', async () => {
      // Prepare
      const request = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/workos', headers: {}, body: BODY };

      // Act
      const signed = workos.sign(request, { secret: SECRET, nowSeconds: NOW, options: undefined });

      // Assess: printf '%s' "1700000000000.$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r
      const official = await sdk.webhooks.computeSignature(NOW * 1000, EVENT, SECRET);
      expect(signed.headers).toEqual({ 'WorkOS-Signature': `t=1700000000000, v1=${official}` });
      expect(official).toBe('15364d8fe354b472bcad48d16048118914ecf580d2a9ad6a5601ca7019aee899');
    });

    it('signs samples that webhooks.constructEvent accepts', async () => {
      // Prepare
      const context = { url: 'https://hooks.example.com/webhooks/workos', nowSeconds: Math.floor(Date.now() / 1000) };
      const body = workos.samples.types['dsync.user.created']!(context);

      // Act
      const signed = workos.sign(workos.samples.request(body, 'dsync.user.created', context), { secret: SECRET, nowSeconds: context.nowSeconds, options: undefined });

      // Assess
      const event = await sdk.webhooks.constructEvent({ payload: JSON.parse(body), sigHeader: signed.headers['WorkOS-Signature']!, secret: SECRET });
      expect({ id: event.id, event: event.event }).toEqual({ id: JSON.parse(body).id, event: 'dsync.user.created' });
    });
  });
});
