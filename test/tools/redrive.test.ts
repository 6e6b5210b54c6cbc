import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import { FaultPlan, faultyClients } from '../helpers/fault-injection';
import { TEST_SECRETS, startTestGateway } from '../helpers/local-hookrelay';
import { waitFor } from '../helpers/wait';
import { stripeEventBody, stripeSignatureHeader } from '../helpers/official-signers';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

describe('Command: npm run redrive', () => {
  it('moves dead letters back to the queue, reports the count, and they are then published once', async () => {
    // Prepare: SNS is down until the event is dead-lettered.
    const plan = new FaultPlan().add({ service: 'SNS', command: 'PublishBatch' });
    const gateway = await startTestGateway({ clients: { processor: faultyClients(plan) } });
    const admin = createAwsClients();
    try {
      const { id, body } = stripeEventBody('invoice.payment_failed');
      const accepted = await fetch(`${gateway.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(body, TEST_SECRETS.stripe[0]) },
        body,
      });
      expect(accepted.status).toBe(200);
      const dlqUrl = gateway.resources.providers['stripe']!.dlqUrl;
      await waitFor(
        'the event to reach the DLQ',
        async () => ((await admin.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, VisibilityTimeout: 0, WaitTimeSeconds: 0 }))).Messages?.length ? true : undefined),
        { timeoutMs: 15_000, intervalMs: 200 },
      );
      plan.clear();

      // Act
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'tools/redrive.ts', '--provider', 'stripe', '--url', gateway.url], { cwd: ROOT });

      // Assess
      expect(stdout).toMatch(/stripe: moved 1 message\(s\)/);
      const published = await gateway.published.waitFor(1, 10_000);
      expect(published.map((p) => (p.message as { id: string }).id)).toEqual([id]);
    } finally {
      await gateway.stop();
    }
  });

  it('refuses an unknown provider with a clear message', async () => {
    const gateway = await startTestGateway();
    try {
      await expect(
        run(process.execPath, ['--import', 'tsx', 'tools/redrive.ts', '--provider', 'paypal', '--url', gateway.url], { cwd: ROOT }),
      ).rejects.toMatchObject({ stderr: expect.stringMatching(/redrive failed \(404\): No provider "paypal"/) });
    } finally {
      await gateway.stop();
    }
  });
});
