import {
  ATTRIBUTE_RESERVE_BYTES,
  assertPublishableField,
  envelopeText,
  escapeNoncharacters,
  MAX_PUBLISHED_MESSAGE_BYTES,
  maxInlineMessageBytes,
  messageBytes,
  planEnvelope,
  type EnvelopeHeader,
} from '../../../lambdas/core/envelope';
import { captureWebhookError } from '../../fixtures/request';

const header: EnvelopeHeader = { id: 'evt_1', provider: 'stripe', source: 'stripe-eu', type: 'invoice.paid', receivedAt: '2026-11-30T00:00:00.000Z' };

describe('Module: envelope', () => {
  describe('Function: envelopeText', () => {
    it('embeds the payload text unchanged in valid JSON', () => {
      // Prepare
      const payload = '{"amount": 820982911946154508, "rate": 0.30000000000000000001,\r\n "b": 1, "a": "\\u00e9"}';

      // Act
      const text = envelopeText(header, { json: payload });

      // Assess
      expect(text).toBe(`{"id":"evt_1","provider":"stripe","source":"stripe-eu","type":"invoice.paid","receivedAt":"2026-11-30T00:00:00.000Z","payload":${payload}}`);
      expect(JSON.parse(text)).toEqual({ ...header, payload: JSON.parse(payload) });
    });
  });

  describe('Function: maxInlineMessageBytes', () => {
    it.each([
      { case: 'a threshold under what SNS publishes: the threshold', threshold: 200_000, limit: 200_000 },
      { case: 'a threshold at the reserve: the threshold', threshold: MAX_PUBLISHED_MESSAGE_BYTES - ATTRIBUTE_RESERVE_BYTES, limit: 261_120 },
      { case: 'a threshold above it: what SNS publishes less the reserve', threshold: 10 * MAX_PUBLISHED_MESSAGE_BYTES, limit: 261_120 },
    ])('$case', ({ threshold, limit }) => {
      expect(maxInlineMessageBytes(threshold)).toEqual(limit);
    });
  });

  describe('Function: planEnvelope', () => {
    it('measures the bytes that are sent: an emoji-dense payload under the threshold in characters is claim-checked by its UTF-8 size', () => {
      // Prepare: 45,000 emoji = 90,000 UTF-16 units but 180,000 bytes; with the envelope over a 150,000-byte threshold.
      const payload = JSON.stringify({ text: '😀'.repeat(45_000) });

      // Act
      const plan = planEnvelope(header, payload, 150_000);

      // Assess
      expect(plan).toEqual({ inline: false, reason: 'size', bytes: expect.any(Number) });
      expect(plan.bytes).toBeGreaterThan(180_000);
    });

    it('keeps a payload inline when the message, attributes included, is exactly at the limit', () => {
      // Prepare
      const empty = messageBytes(envelopeText(header, { json: '""' }), { provider: 'stripe', source: 'stripe-eu', eventType: 'invoice.paid' });
      const limit = 10_000;
      const payload = JSON.stringify('x'.repeat(limit - empty));

      // Act & Assess
      expect(planEnvelope(header, payload, limit)).toMatchObject({ inline: true, bytes: limit });
      expect(planEnvelope(header, JSON.stringify('x'.repeat(limit - empty + 1)), limit)).toMatchObject({ inline: false, reason: 'size' });
    });

    it('never keeps inline more than SNS publishes, whatever the configured threshold', () => {
      const payload = JSON.stringify('x'.repeat(MAX_PUBLISHED_MESSAGE_BYTES - ATTRIBUTE_RESERVE_BYTES));
      expect(planEnvelope(header, payload, 10 * MAX_PUBLISHED_MESSAGE_BYTES)).toMatchObject({ inline: false, reason: 'size' });
    });

    it.each([
      { case: 'U+FFFE', payload: '{"a":"\uFFFE"}' },
      { case: 'U+FFFF', payload: '["\uFFFF"]' },
    ])('sends a payload holding $case (which SQS refuses) through the payload bucket', ({ payload }) => {
      expect(planEnvelope(header, payload, 200_000)).toMatchObject({ inline: false, reason: 'characters' });
    });

    it('keeps emoji and other characters SQS accepts inline, unescaped', () => {
      const payload = '{"a":"é 😀 \u2028 \uE000 \uFFFD"}';
      expect(planEnvelope(header, payload, 200_000)).toMatchObject({ inline: true, text: expect.stringContaining(payload) });
    });
  });

  describe('Function: escapeNoncharacters', () => {
    it('writes U+FFFE and U+FFFF as escapes: the same JSON value', () => {
      const text = '{"a":"x\uFFFEy\uFFFF"}';
      expect(escapeNoncharacters(text)).toBe('{"a":"x\\uFFFEy\\uFFFF"}');
      expect(JSON.parse(escapeNoncharacters(text))).toEqual(JSON.parse(text));
    });
  });

  describe('Function: assertPublishableField', () => {
    it.each([
      { case: 'a 100 KB event type', value: 't'.repeat(100_000) },
      { case: 'a lone surrogate', value: 'push\uD800' },
      { case: 'U+FFFF', value: 'push\uFFFF' },
      { case: 'a control character', value: 'push\u0007' },
      { case: 'an empty value', value: '' },
    ])('refuses $case as INVALID_PAYLOAD', ({ value }) => {
      expect(captureWebhookError(() => assertPublishableField('type', value, 256)).code).toBe('INVALID_PAYLOAD');
    });

    it.each([
      { case: 'a dotted type', value: 'invoice.paid' },
      { case: 'exactly 256 characters', value: 'x'.repeat(256) },
      { case: 'non-ASCII and emoji', value: 'café.🚀' },
    ])('accepts $case', ({ value }) => {
      expect(() => assertPublishableField('type', value, 256)).not.toThrow();
    });
  });
});
