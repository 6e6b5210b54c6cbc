import HmacValidator from '@adyen/api-library/lib/src/utils/hmacValidator';
import { receivedRequest } from '../../../../lambdas/core/provider';
import { adyen, adyenSignedString } from '../../../../lambdas/core/providers/adyen';
import { expectRefusal, verifyRequest } from '../../../fixtures/request';
import {
  ADYEN_DOCUMENTED_SIGNATURE,
  ADYEN_ITEM,
  ADYEN_KEY,
  ADYEN_OTHER_KEY,
  ADYEN_REFUND_ITEM,
  adyenBody,
  adyenSignedItem,
  signedAdyenRequest,
  type AdyenItem,
} from '../../../fixtures/adyen';

const ACCEPTED = { statusCode: 200, contentType: 'text/plain', body: '[accepted]' };
const AUTHORISATION_ID = '7914073381342284:AUTHORISATION:true';

/** The first item's signature replaced by `signature` (undefined: removed). */
function withSignature(item: AdyenItem, signature: string | undefined): AdyenItem {
  const { hmacSignature: _signature, ...additionalData } = adyenSignedItem(item).additionalData!;
  return { ...item, additionalData: signature === undefined ? additionalData : { ...additionalData, hmacSignature: signature } };
}

describe('Provider: adyen', () => {
  describe('fixture', () => {
    it('reproduces Adyen’s documented example', () => {
      // Also computed independently of both libraries:
      //   printf '%s' '7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true' \
      //     | openssl dgst -sha256 -mac HMAC -macopt hexkey:44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056 -binary | base64
      expect(adyenSignedItem(ADYEN_ITEM).additionalData!['hmacSignature']).toBe(ADYEN_DOCUMENTED_SIGNATURE);
    });
  });

  describe('verify', () => {
    it('accepts a signed notification: one event per item, answered [accepted] as text', () => {
      // Prepare
      const request = signedAdyenRequest();
      const signedItem = adyenSignedItem(ADYEN_ITEM);

      // Act
      const result = verifyRequest(adyen, request, { secrets: [ADYEN_KEY] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: AUTHORISATION_ID, type: 'AUTHORISATION', payload: signedItem, payloadJson: JSON.stringify(signedItem) }],
        reply: ACCEPTED,
      });
    });

    it('publishes each item of a batch as its own event, carrying its exact slice of the body', () => {
      // Prepare: spacing, an escape and a brace inside a string: each item is cut out as written.
      const items = [adyenSignedItem({ ...ADYEN_ITEM, reason: 'a "quoted" } reason' }), adyenSignedItem(ADYEN_REFUND_ITEM)];
      const texts = [JSON.stringify(items[0], null, 1), JSON.stringify(items[1])];
      const body = `{ "live" : "false",\r\n "notificationItems" : [ { "NotificationRequestItem" : ${texts[0]} },\r\n {"NotificationRequestItem":${texts[1]}} ] }`;

      // Act
      const result = verifyRequest(adyen, signedAdyenRequest({ body }), { secrets: [ADYEN_KEY] });

      // Assess
      expect(result.events.map(({ id, type, payloadJson }) => ({ id, type, payloadJson }))).toEqual([
        { id: AUTHORISATION_ID, type: 'AUTHORISATION', payloadJson: texts[0] },
        { id: '8825408195409505:REFUND:true', type: 'REFUND', payloadJson: texts[1] },
      ]);
    });

    it.each([
      { case: 'the second key matches (rotation)', secrets: [ADYEN_OTHER_KEY, ADYEN_KEY], secretIndex: 1 },
      { case: 'the key is written in lower case', secrets: [ADYEN_KEY.toLowerCase()], secretIndex: 0 },
      { case: 'a key that is not hex comes first', secrets: ['not-a-hex-key', ADYEN_KEY], secretIndex: 1 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(adyen, signedAdyenRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'absent originalReference and merchantReference (signed as empty)', item: { ...ADYEN_ITEM, merchantReference: undefined } },
      { case: 'success written as a JSON boolean', item: { ...ADYEN_ITEM, success: true } },
      { case: 'an amount in minor units with many digits', item: { ...ADYEN_ITEM, amount: { currency: 'JPY', value: 123456789012 } } },
    ])('agrees with Adyen’s library on $case', ({ item }) => {
      // Act
      const result = verifyRequest(adyen, signedAdyenRequest({ items: [item] }), { secrets: [ADYEN_KEY] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    it('does not cover unsigned fields: a changed reason still verifies (see docs: notSigned)', () => {
      // Prepare
      const body = adyenBody([{ ...adyenSignedItem(ADYEN_ITEM), reason: 'changed after signing' }]);

      // Act
      const result = verifyRequest(adyen, signedAdyenRequest({ body }), { secrets: [ADYEN_KEY] });

      // Assess
      expect(result.events.map((event) => event.id)).toEqual([AUTHORISATION_ID]);
    });

    const signature = adyenSignedItem(ADYEN_ITEM).additionalData!['hmacSignature'] as string;
    const signedRefund = adyenSignedItem(ADYEN_REFUND_ITEM);
    it.each([
      { case: 'a missing hmacSignature', body: adyenBody([withSignature(ADYEN_ITEM, undefined)]), code: 'MISSING_SIGNATURE' },
      { case: 'no additionalData', body: adyenBody([{ ...ADYEN_ITEM, additionalData: undefined }]), code: 'MISSING_SIGNATURE' },
      { case: 'a non-base64 hmacSignature', body: adyenBody([withSignature(ADYEN_ITEM, `*${signature.slice(1)}`)]), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated hmacSignature', body: adyenBody([withSignature(ADYEN_ITEM, signature.slice(0, 40))]), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature by another key', body: adyenBody([adyenSignedItem(ADYEN_ITEM, ADYEN_OTHER_KEY)]), code: 'INVALID_SIGNATURE' },
      { case: 'a changed amount', body: adyenBody([{ ...adyenSignedItem(ADYEN_ITEM), amount: { currency: 'EUR', value: 1 } }]), code: 'INVALID_SIGNATURE' },
      { case: 'a changed success', body: adyenBody([{ ...adyenSignedItem(ADYEN_ITEM), success: 'false' }]), code: 'INVALID_SIGNATURE' },
      { case: 'a relabelled eventCode', body: adyenBody([{ ...adyenSignedItem(ADYEN_ITEM), eventCode: 'CAPTURE' }]), code: 'INVALID_SIGNATURE' },
      { case: 'a good item followed by a badly signed one', body: adyenBody([adyenSignedItem(ADYEN_ITEM), adyenSignedItem(ADYEN_REFUND_ITEM, ADYEN_OTHER_KEY)]), code: 'INVALID_SIGNATURE' },
      { case: 'a good item followed by an unsigned one', body: adyenBody([adyenSignedItem(ADYEN_ITEM), withSignature(ADYEN_REFUND_ITEM, undefined)]), code: 'MISSING_SIGNATURE' },
      { case: 'a non-JSON body', body: 'notificationItems=1', code: 'INVALID_PAYLOAD' },
      { case: 'no notificationItems', body: JSON.stringify({ live: 'false' }), code: 'INVALID_PAYLOAD' },
      { case: 'no items at all', body: JSON.stringify({ live: 'false', notificationItems: [] }), code: 'INVALID_PAYLOAD' },
      { case: 'an item without NotificationRequestItem', body: JSON.stringify({ notificationItems: [{ NotificationRequestItem: adyenSignedItem(ADYEN_ITEM) }, signedRefund] }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed field that is an object', body: adyenBody([{ ...adyenSignedItem(ADYEN_ITEM), merchantReference: { id: 1 } }]), code: 'INVALID_PAYLOAD' },
      { case: 'a signed item without pspReference', body: adyenBody([adyenSignedItem({ ...ADYEN_ITEM, pspReference: undefined })]), code: 'INVALID_PAYLOAD' },
      { case: 'a signed item without eventCode', body: adyenBody([adyenSignedItem({ ...ADYEN_ITEM, eventCode: undefined })]), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code, publishing nothing', ({ body, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(adyen, signedAdyenRequest({ body }), { secrets: [ADYEN_KEY] }), code, [ADYEN_KEY, signature]);
    });

    it('agrees with Adyen’s validateHMAC on a changed amount', () => {
      // Prepare
      const tampered = { ...adyenSignedItem(ADYEN_ITEM), amount: { currency: 'EUR', value: 1 } };

      // Act
      const official = new HmacValidator().validateHMAC(tampered as never, ADYEN_KEY);

      // Assess
      expect(official).toBe(false);
      expectRefusal(() => verifyRequest(adyen, signedAdyenRequest({ body: adyenBody([tampered]) }), { secrets: [ADYEN_KEY] }), 'INVALID_SIGNATURE');
    });
  });

  describe('adyenSignedString', () => {
    it('is the string Adyen’s library signs', () => {
      expect(adyenSignedString(ADYEN_REFUND_ITEM)).toBe(new HmacValidator().getDataToSign(ADYEN_REFUND_ITEM as never));
    });
  });

  describe('sign', () => {
    it('signs every item so that Adyen’s validateHMAC accepts it, and verify accepts the request', () => {
      // Prepare
      const unsigned = adyen.samples.request(adyenBody([ADYEN_ITEM, ADYEN_REFUND_ITEM]), 'AUTHORISATION', { url: 'https://hooks.example.com/webhooks/adyen', nowSeconds: 0 });

      // Act
      const signed = adyen.sign(unsigned, { secret: ADYEN_KEY, nowSeconds: 0, options: undefined });

      // Assess
      const { notificationItems } = JSON.parse(String(signed.body)) as { notificationItems: Array<{ NotificationRequestItem: AdyenItem }> };
      expect(notificationItems.map(({ NotificationRequestItem }) => new HmacValidator().validateHMAC(NotificationRequestItem as never, ADYEN_KEY))).toEqual([true, true]);
      expect(notificationItems[0]!.NotificationRequestItem.additionalData!['hmacSignature']).toBe(ADYEN_DOCUMENTED_SIGNATURE);
      expect(verifyRequest(adyen, receivedRequest(signed, 'adyen'), { secrets: [ADYEN_KEY] }).events).toHaveLength(2);
    });

    it.each([
      { case: 'a key that is not hex', secret: 'not-a-hex-key', body: adyenBody([ADYEN_ITEM]), message: /hex/ },
      { case: 'a body without notificationItems', secret: ADYEN_KEY, body: '[]', message: /notificationItems/ },
    ])('refuses to sign with $case', ({ secret, body, message }) => {
      const act = () => adyen.sign({ method: 'POST', url: 'https://x', headers: {}, body }, { secret, nowSeconds: 0, options: undefined });
      expect(act).toThrow(message);
    });
  });
});
