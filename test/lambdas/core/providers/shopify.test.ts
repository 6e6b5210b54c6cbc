import { shopify } from '../../../../lambdas/core/providers/shopify';
import { expectRefusal, headerOf, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import {
  SHOPIFY_BODY,
  SHOPIFY_EVENT_ID,
  SHOPIFY_OTHER_SECRET,
  SHOPIFY_SECRET,
  SHOPIFY_WEBHOOK_ID,
  shopifyHmac,
  signedShopifyRequest,
} from '../../../fixtures/shopify';

describe('Provider: shopify', () => {
  describe('verify', () => {
    it('accepts a delivery signed per Shopify docs and returns its event', () => {
      // Prepare
      const request = signedShopifyRequest();

      // Act
      const result = verifyRequest(shopify, request, { secrets: [SHOPIFY_SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [
          { id: SHOPIFY_WEBHOOK_ID, type: 'orders/create', payload: JSON.parse(SHOPIFY_BODY), payloadJson: SHOPIFY_BODY, contentKey: expect.stringMatching(/^[0-9a-f]{64}$/) },
        ],
      });
    });

    it('returns secretIndex 1 when the second secret matches (rotation)', () => {
      // Act
      const result = verifyRequest(shopify, signedShopifyRequest(), { secrets: [SHOPIFY_OTHER_SECRET, SHOPIFY_SECRET] });

      // Assess
      expect(result.secretIndex).toBe(1);
    });

    it.each([
      { case: 'X-Shopify-Webhook-Id when both ids are sent', change: {}, id: SHOPIFY_WEBHOOK_ID },
      { case: 'X-Shopify-Event-Id when there is no webhook id', change: { 'X-Shopify-Webhook-Id': undefined }, id: SHOPIFY_EVENT_ID },
    ])('uses $case', ({ change, id }) => {
      // Prepare
      const request = withHeaders(signedShopifyRequest(), change);

      // Act
      const result = verifyRequest(shopify, request, { secrets: [SHOPIFY_SECRET] });

      // Assess
      expect(result.events[0]?.id).toBe(id);
    });

    it.each([
      { case: 'a repeated header whose second value is valid', hmac: [shopifyHmac('x'), shopifyHmac(SHOPIFY_BODY)] },
      { case: 'comma-joined values', hmac: `${shopifyHmac('x')},${shopifyHmac(SHOPIFY_BODY)}` },
    ])('accepts $case', ({ hmac }) => {
      // Prepare
      const request = withHeaders(signedShopifyRequest(), { 'X-Shopify-Hmac-Sha256': hmac });

      // Act
      const result = verifyRequest(shopify, request, { secrets: [SHOPIFY_SECRET] });

      // Assess
      expect(result.secretIndex).toBe(0);
    });

    const valid = signedShopifyRequest();
    const mac = headerOf(valid, 'x-shopify-hmac-sha256');
    it.each([
      { case: 'missing X-Shopify-Hmac-Sha256', request: withHeaders(valid, { 'X-Shopify-Hmac-Sha256': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a hex instead of base64 HMAC', request: withHeaders(valid, { 'X-Shopify-Hmac-Sha256': Buffer.from(mac, 'base64').toString('hex') }), code: 'MALFORMED_SIGNATURE' },
      { case: 'an unpadded base64 HMAC', request: withHeaders(valid, { 'X-Shopify-Hmac-Sha256': mac.replace(/=+$/, '') }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a base64 HMAC-SHA1', request: withHeaders(valid, { 'X-Shopify-Hmac-Sha256': Buffer.alloc(20).toString('base64') }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong secret', request: signedShopifyRequest({ secret: SHOPIFY_OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, SHOPIFY_BODY.replace('fragile', 'sturdy')), code: 'INVALID_SIGNATURE' },
      { case: 'a signed non-JSON body', request: signedShopifyRequest({ body: '<order/>' }), code: 'INVALID_PAYLOAD' },
      { case: 'no webhook or event id', request: withHeaders(valid, { 'X-Shopify-Webhook-Id': undefined, 'X-Shopify-Event-Id': undefined }), code: 'INVALID_PAYLOAD' },
      { case: 'no topic', request: withHeaders(valid, { 'X-Shopify-Topic': undefined }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(shopify, request, { secrets: [SHOPIFY_SECRET] }), code, [SHOPIFY_SECRET, mac]);
    });

    it('sets no timestamp tolerance: Shopify signs no timestamp', () => {
      // Assess
      expect(shopify.defaultToleranceSeconds).toBe(0);
    });
  });

  describe('replay protection (nothing signed but the body)', () => {
    const keyOf = (request: ReturnType<typeof signedShopifyRequest>) =>
      verifyRequest(shopify, request, { secrets: [SHOPIFY_SECRET] }).events[0]?.contentKey;

    it('gives a captured delivery sent again with fresh X-Shopify-Webhook-Id and Event-Id the same deduplication key', () => {
      const original = signedShopifyRequest();
      const replay = withHeaders(original, { 'X-Shopify-Webhook-Id': 'fresh-id', 'X-Shopify-Event-Id': 'fresh-event' });
      expect(keyOf(replay)).toEqual(keyOf(original));
    });

    it('keeps one order sent as orders/create and as orders/updated two events', () => {
      const created = signedShopifyRequest();
      expect(keyOf(withHeaders(created, { 'X-Shopify-Topic': 'orders/updated' }))).not.toEqual(keyOf(created));
    });
  });

  describe('unprefixed header names', () => {
    it('accepts a delivery that carries only shopify-hmac-sha256, shopify-webhook-id and shopify-topic, as @shopify/shopify-api does', () => {
      // Prepare
      const prefixed = signedShopifyRequest();
      const request = withHeaders(prefixed, {
        'X-Shopify-Hmac-Sha256': undefined,
        'X-Shopify-Webhook-Id': undefined,
        'X-Shopify-Event-Id': undefined,
        'X-Shopify-Topic': undefined,
        'shopify-hmac-sha256': headerOf(prefixed, 'x-shopify-hmac-sha256'),
        'shopify-webhook-id': SHOPIFY_WEBHOOK_ID,
        'shopify-topic': 'orders/create',
      });

      // Act
      const result = verifyRequest(shopify, request, { secrets: [SHOPIFY_SECRET] });

      // Assess
      expect(result.events.map(({ id, type }) => ({ id, type }))).toEqual([{ id: SHOPIFY_WEBHOOK_ID, type: 'orders/create' }]);
    });

    it('refuses an unprefixed signature made with another secret', () => {
      const prefixed = signedShopifyRequest({ secret: SHOPIFY_OTHER_SECRET });
      const request = withHeaders(prefixed, {
        'X-Shopify-Hmac-Sha256': undefined,
        'shopify-hmac-sha256': headerOf(prefixed, 'x-shopify-hmac-sha256'),
      });
      expectRefusal(() => verifyRequest(shopify, request, { secrets: [SHOPIFY_SECRET] }), 'INVALID_SIGNATURE');
    });
  });

  describe('sign', () => {
    it('produces the X-Shopify-Hmac-Sha256 of Shopify\'s documented computation (base64 HMAC-SHA256 of the body)', () => {
      const signed = shopify.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/shopify', headers: {}, body: SHOPIFY_BODY }, { secret: SHOPIFY_SECRET, nowSeconds: 0, options: undefined });
      expect(signed.headers['X-Shopify-Hmac-Sha256']).toBe(shopifyHmac(SHOPIFY_BODY));
    });
  });
});
