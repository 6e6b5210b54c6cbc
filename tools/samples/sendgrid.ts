import { compactJson, randomId, unixSeconds, type SampleContext, type SampleSet } from './sample';

// A batch as SendGrid posts it: a JSON array, each element an event with its own `sg_event_id`.
const RECIPIENTS = ['zoe@example.com', 'amir@example.org', 'li.wei@example.net'];

function baseEvent(event: string, email: string, { now }: SampleContext): Record<string, unknown> {
  return {
    email,
    timestamp: unixSeconds(now),
    event,
    sg_event_id: randomId('', 22),
    sg_message_id: `${randomId('', 22)}.recvd-hookrelay-1-0-0`,
    'smtp-id': `<${randomId('', 22)}@ismtpd0001p1lon1.sendgrid.net>`,
    category: ['receipts'],
  };
}

/** One event of `event` per recipient, each with what SendGrid adds for that kind. */
function batch(event: string, extra: (email: string) => Record<string, unknown> = () => ({})) {
  return (context: SampleContext) => compactJson(RECIPIENTS.map((email) => ({ ...baseEvent(event, email, context), ...extra(email) })));
}

export const sendgridSamples: SampleSet = {
  defaultType: 'delivered',
  types: {
    delivered: batch('delivered', () => ({ response: '250 2.0.0 OK', ip: '168.245.0.10', tls: 1 })),
    processed: batch('processed', () => ({ pool: { name: 'transactional', id: 210 } })),
    open: batch('open', () => ({ useragent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', ip: '203.0.113.7', sg_machine_open: false })),
    click: batch('click', () => ({ url: 'https://example.com/receipt', url_offset: { index: 0, type: 'html' }, useragent: 'Mozilla/5.0', ip: '203.0.113.7' })),
    bounce: batch('bounce', () => ({ type: 'bounce', bounce_classification: 'Invalid Address', reason: '550 5.1.1 unknown user', status: '5.1.1' })),
    dropped: batch('dropped', () => ({ reason: 'Bounced Address' })),
    spamreport: batch('spamreport'),
    unsubscribe: batch('unsubscribe'),
  },
};
