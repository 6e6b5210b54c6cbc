import { checkEnvelope } from '../../../lambdas/core/envelope-schema';

const valid = { id: 'evt_1', provider: 'stripe', source: 'stripe-eu', type: 'invoice.paid', receivedAt: '2026-11-30T10:15:00.123Z', payload: { id: 'evt_1' } };

describe('Module: envelope-schema', () => {
  describe('Function: checkEnvelope', () => {
    it('returns an envelope as the verifier writes it, without fields it does not know', () => {
      expect(checkEnvelope({ ...valid, extra: 'dropped' })).toEqual({ envelope: valid });
    });

    it('accepts a claim-checked envelope: payloadLocation instead of payload', () => {
      const { payload: _payload, ...header } = valid;
      expect(checkEnvelope({ ...header, payloadLocation: 's3://bucket/key' })).toEqual({ envelope: { ...header, payloadLocation: 's3://bucket/key' } });
    });

    it.each([
      { case: 'not an object', value: ['evt_1'], fields: ['(root)'] },
      { case: 'null', value: null, fields: ['(root)'] },
      { case: 'an empty id', value: { ...valid, id: '' }, fields: ['id'] },
      { case: 'no provider', value: { ...valid, provider: undefined }, fields: ['provider'] },
      { case: 'an empty source', value: { ...valid, source: '' }, fields: ['source'] },
      { case: 'a numeric type', value: { ...valid, type: 7 }, fields: ['type'] },
      { case: 'receivedAt without seconds', value: { ...valid, receivedAt: '2026-11-30T10:15Z' }, fields: ['receivedAt'] },
      { case: 'receivedAt with an offset', value: { ...valid, receivedAt: '2026-11-30T10:15:00+01:00' }, fields: ['receivedAt'] },
      { case: 'receivedAt on the 29th of February of a common year', value: { ...valid, receivedAt: '2023-02-29T00:00:00Z' }, fields: ['receivedAt'] },
      { case: 'a payloadLocation that is not a string', value: { ...valid, payloadLocation: 3 }, fields: ['payloadLocation'] },
      { case: 'two fields wrong', value: { ...valid, id: 1, type: '' }, fields: ['id', 'type'] },
    ])('names the wrong fields of $case', ({ value, fields }) => {
      expect([...(checkEnvelope(value).invalidFields ?? [])].sort()).toEqual(fields);
    });

    it('accepts a leap day', () => {
      expect(checkEnvelope({ ...valid, receivedAt: '2024-02-29T00:00:00Z' }).envelope).toBeDefined();
    });
  });
});
