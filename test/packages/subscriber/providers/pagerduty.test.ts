import { expectTypeOf } from 'expect-type';
import { createSubscriber, type JsonObject, type PagerDutyIncident, type PagerDutyIncidentNote } from '@hookrelay/subscriber';

/** Type-level: `npm test` compiles this file before jest runs it (see ../typing.test.ts). */
const subscriber = createSubscriber();

describe('Typing: pagerduty payloads by event.event_type', () => {
  it('incident.* events carry an incident, incident.annotated a note', () => {
    subscriber.on('pagerduty', 'incident.triggered', (event) => {
      expectTypeOf(event.payload.event.data).toEqualTypeOf<PagerDutyIncident>();
      expectTypeOf(event.payload.event.event_type).toEqualTypeOf<'incident.triggered'>();
    });
    subscriber.on('pagerduty', 'incident.annotated', (event) => {
      expectTypeOf(event.payload.event.data).toEqualTypeOf<PagerDutyIncidentNote>();
    });
  });

  it('newer event types arrive with JSON data', () => {
    subscriber.on('pagerduty', 'incident.workflow.started', (event) => {
      expectTypeOf(event.payload.event.data).toEqualTypeOf<JsonObject>();
    });
  });
});
