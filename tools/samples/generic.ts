import { compactJson, randomId, type SampleSet } from './sample';

// With its default options the generic route's event id is the SHA-256 of the body and its type is
// `webhook`, so the only thing that makes a send new is a body that differs: the fresh `id` here.
export const genericSamples: SampleSet = {
  defaultType: 'webhook',
  types: {
    webhook: ({ now }) =>
      compactJson({ id: randomId('wh_'), event: 'order.shipped', created_at: now.toISOString(), data: { order_id: randomId('ord_', 12), carrier: 'La Poste 📦' } }),
  },
};
