import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import type { LocalHookrelay } from '../../local/hookrelay-local';
import { FaultPlan, faultyClients, type Fault } from '../helpers/fault-injection';
import { routesWithSecrets, startTestGateway, TEST_SECRETS } from '../helpers/local-hookrelay';
import { stripeEventBody, stripeSignatureHeader } from '../helpers/official-signers';
import { SENDGRID_KEYS, sendgridSignature } from '../fixtures/sendgrid';
import { waitFor } from '../helpers/wait';

/**
 * Nothing lost, nothing twice — proved row by row. Each row makes one AWS call fail (before it
 * reaches the service, or after: the ambiguous "response lost"), then replays the sender's retries
 * as Stripe would (any non-2xx is retried), and judges the outcome: the event was published to SNS
 * exactly once, or it sits in the provider's DLQ — never neither, never both, never twice.
 */
const admin = createAwsClients();
const SECRET = TEST_SECRETS.stripe[0];

interface Outcome {
  statuses: number[];
  codes: string[];
  published: number;
  inDlq: number;
}

interface Row {
  case: string;
  stage: 'verifier' | 'processor' | 'eventSource';
  faults: Fault[];
  /** The body is large enough to travel through S3. */
  large?: boolean;
  /** After the first 2xx, the sender delivers the same event again (a provider duplicate). */
  duplicateAfterSuccess?: boolean;
  expect: { published: 0 | 1; inDlq: 0 | 1; firstStatus: number; firstCode?: string };
}

const ROWS: Row[] = [
  { case: 'idempotency put fails (DynamoDB down)', stage: 'verifier', faults: [{ service: 'DynamoDB', command: 'PutItem', times: 1 }], expect: { published: 1, inDlq: 0, firstStatus: 503, firstCode: 'IDEMPOTENCY_STORE_UNAVAILABLE' } },
  { case: 'SQS send fails', stage: 'verifier', faults: [{ service: 'SQS', command: 'SendMessage', times: 1 }], expect: { published: 1, inDlq: 0, firstStatus: 503, firstCode: 'ENQUEUE_FAILED' } },
  { case: 'SQS send succeeds but its response is lost', stage: 'verifier', faults: [{ service: 'SQS', command: 'SendMessage', times: 1, when: 'after' }], expect: { published: 1, inDlq: 0, firstStatus: 503, firstCode: 'ENQUEUE_FAILED' } },
  { case: 'the release of a failed enqueue fails too (record left ACCEPTED until the lease passes)', stage: 'verifier', faults: [{ service: 'SQS', command: 'SendMessage', times: 1 }, { service: 'DynamoDB', command: 'DeleteItem', times: 1 }], duplicateAfterSuccess: true, expect: { published: 1, inDlq: 0, firstStatus: 503, firstCode: 'ENQUEUE_FAILED' } },
  { case: 'S3 put of a large payload fails', stage: 'verifier', large: true, faults: [{ service: 'S3', command: 'PutObject', times: 1 }], expect: { published: 1, inDlq: 0, firstStatus: 503, firstCode: 'ENQUEUE_FAILED' } },
  { case: 'Secrets Manager fails with a cold cache', stage: 'verifier', faults: [{ service: 'SecretsManager', command: 'GetSecretValue', times: 1 }], expect: { published: 1, inDlq: 0, firstStatus: 503, firstCode: 'SECRETS_UNAVAILABLE' } },
  { case: 'SQS send succeeds but its response is lost, and the sender repeats the event after success', stage: 'verifier', faults: [{ service: 'SQS', command: 'SendMessage', times: 1, when: 'after' }], duplicateAfterSuccess: true, expect: { published: 1, inDlq: 0, firstStatus: 503, firstCode: 'ENQUEUE_FAILED' } },
  { case: 'SNS publish fails once', stage: 'processor', faults: [{ service: 'SNS', command: 'PublishBatch', times: 1 }], expect: { published: 1, inDlq: 0, firstStatus: 200 } },
  { case: 'SNS publish keeps failing', stage: 'processor', faults: [{ service: 'SNS', command: 'PublishBatch' }], expect: { published: 0, inDlq: 1, firstStatus: 200 } },
  { case: 'processor ledger read fails', stage: 'processor', faults: [{ service: 'DynamoDB', command: 'BatchGetItem', times: 1 }], expect: { published: 1, inDlq: 0, firstStatus: 200 } },
  { case: 'processor record of the publish fails once, then the sender repeats the event', stage: 'processor', faults: [{ service: 'DynamoDB', command: 'BatchWriteItem', times: 1 }], duplicateAfterSuccess: true, expect: { published: 1, inDlq: 0, firstStatus: 200 } },
  { case: 'S3 large payload with SNS failing once', stage: 'processor', large: true, faults: [{ service: 'SNS', command: 'PublishBatch', times: 1 }], expect: { published: 1, inDlq: 0, firstStatus: 200 } },
  { case: 'processor crash after publish, before the SQS delete', stage: 'eventSource', faults: [{ service: 'SQS', command: 'DeleteMessageBatch', times: 1 }], expect: { published: 1, inDlq: 0, firstStatus: 200 } },
];

/** The sender retrying (as Stripe does, on any non-2xx) until it is accepted, within a deadline. */
async function deliverWithRetries(gateway: LocalHookrelay, body: string): Promise<{ statuses: number[]; codes: string[] }> {
  const statuses: number[] = [];
  const codes: string[] = [];
  await waitFor(
    'the sender to be answered 2xx',
    async () => {
      const response = await fetch(`${gateway.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(body, SECRET) },
        body,
      });
      statuses.push(response.status);
      codes.push(((await response.json()) as { code?: string }).code ?? '');
      return response.status < 300 ? true : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
  return { statuses, codes };
}

async function dlqEventIds(gateway: LocalHookrelay): Promise<string[]> {
  const { Messages } = await admin.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: gateway.resources.providers['stripe']!.dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }),
  );
  return (Messages ?? []).map((m) => {
    try {
      return (JSON.parse(m.Body!) as { id?: string }).id ?? '(no id)';
    } catch {
      return '(not json)';
    }
  });
}

/**
 * Counts the event's publications and dead letters once the gateway has settled: its queue holds
 * nothing visible, in flight or delayed and no poller is busy, so no redelivery can still publish.
 */
async function settle(gateway: LocalHookrelay, eventId: string): Promise<{ published: number; inDlq: number }> {
  await gateway.settled(20_000);
  return {
    published: gateway.published.list().filter((p) => (p.message as { id?: string }).id === eventId).length,
    inDlq: (await dlqEventIds(gateway)).filter((id) => id === eventId).length,
  };
}

describe('Fault injection: every accepted webhook is published exactly once or parked in a DLQ', () => {
  // Rows run concurrently (each with its own gateway and resources): most of a row is waiting.
  it.concurrent.each(ROWS)('$stage: $case', async (row) => {
    // Prepare
    const plan = new FaultPlan();
    const clients = { verifier: createAwsClients({ maxAttempts: 1 }), processor: createAwsClients({ maxAttempts: 1 }), eventSource: createAwsClients({ maxAttempts: 1 }) };
    clients[row.stage] = faultyClients(plan);
    const gateway = await startTestGateway({ clients, verifierTimeoutMs: 1500, largePayloadThresholdBytes: 2_000 });
    try {
      for (const fault of row.faults) plan.add(fault);
      const { id, body } = stripeEventBody('invoice.paid', row.large ? { lines: 'x'.repeat(5_000) } : {});

      // Act
      const delivery = await deliverWithRetries(gateway, body);
      if (row.duplicateAfterSuccess) {
        const again = await deliverWithRetries(gateway, body);
        delivery.statuses.push(...again.statuses);
        delivery.codes.push(...again.codes);
      }
      const outcome: Outcome = { ...delivery, ...(await settle(gateway, id)) };

      // Assess
      expect(outcome.statuses[0]).toBe(row.expect.firstStatus);
      if (row.expect.firstCode) expect(outcome.codes[0]).toBe(row.expect.firstCode);
      expect(outcome.statuses.at(-1)).toBe(200);
      expect(outcome.statuses.filter((s) => s !== 200 && s !== 409 && s !== 503)).toEqual([]);
      expect({ published: outcome.published, inDlq: outcome.inDlq }).toEqual({ published: row.expect.published, inDlq: row.expect.inDlq });
      if (row.large && row.expect.published === 1) {
        const published = gateway.published.list().find((p) => (p.message as { id?: string }).id === id)!;
        expect(published.message).toEqual(expect.objectContaining({ payloadLocation: expect.stringMatching(/^s3:\/\//) }));
        expect(published.message).not.toHaveProperty('payload');
      }
    } finally {
      await gateway.stop();
    }
  });

  it('parks a poison message (not a valid envelope) in the DLQ and publishes nothing', async () => {
    const gateway = await startTestGateway();
    try {
      const poison = JSON.stringify({ id: 'evt_poison', provider: 'stripe', type: 'x', receivedAt: 'not-a-date', payload: {} });
      await admin.sqs.send(new SendMessageCommand({ QueueUrl: gateway.resources.providers['stripe']!.queueUrl, MessageBody: poison }));
      const outcome = await settle(gateway, 'evt_poison');
      expect(outcome).toEqual({ published: 0, inDlq: 1 });
    } finally {
      await gateway.stop();
    }
  });
});

describe('Batches: a SendGrid delivery carries many events', () => {
  it('an enqueue failure part-way answers 503; the retry replays the accepted events and accepts the rest; each published once', async () => {
    // Prepare
    const plan = new FaultPlan();
    const gateway = await startTestGateway({
      routes: routesWithSecrets({ ...TEST_SECRETS, sendgrid: [SENDGRID_KEYS.publicKeyBase64] }),
      clients: { verifier: faultyClients(plan) },
    });
    try {
      const ids = Array.from({ length: 40 }, (_, index) => `sg-${Date.now()}-${index}`);
      const body = JSON.stringify(ids.map((sg_event_id) => ({ email: 'a@example.com', event: 'delivered', sg_event_id, timestamp: 1 })));
      const send = () => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        return fetch(`${gateway.url}/webhooks/sendgrid`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Twilio-Email-Event-Webhook-Signature': sendgridSignature(body, timestamp),
            'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
          },
          body,
        });
      };
      plan.add({ service: 'SQS', command: 'SendMessage', times: 3 });

      // Act
      const first = await send();
      const retry = await send();
      await gateway.settled(20_000);
      const published = gateway.published.list();

      // Assess
      expect(first.status).toBe(503);
      expect(retry.status).toBe(200);
      expect(((await retry.json()) as { eventIds: string[] }).eventIds).toEqual(ids);
      const publishedIds = gateway.published.list().map((p) => (p.message as { id: string }).id);
      expect(published.length).toBeGreaterThanOrEqual(ids.length);
      expect([...publishedIds].sort()).toEqual([...ids].sort());
    } finally {
      await gateway.stop();
    }
  });
});

describe('Concurrency: identical deliveries racing each other', () => {
  it('50 concurrent identical deliveries → exactly one publish; every answer 200 or 409', async () => {
    // Prepare
    const gateway = await startTestGateway();
    try {
      const { id, body } = stripeEventBody('customer.created');
      const headers = { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(body, SECRET) };

      // Act
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => fetch(`${gateway.url}/webhooks/stripe`, { method: 'POST', headers, body })),
      );
      const statuses = responses.map((r) => r.status);
      const outcome = await settle(gateway, id);

      // Assess
      expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
      expect(responses.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
      expect(outcome).toEqual({ published: 1, inDlq: 0 });
    } finally {
      await gateway.stop();
    }
  });
});
