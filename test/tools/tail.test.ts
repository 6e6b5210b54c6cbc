import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import { startTestGateway, TEST_SECRETS } from '../helpers/local-hookrelay';
import { stripeEventBody, stripeSignatureHeader } from '../helpers/official-signers';
import { runTool, type ToolRun } from '../helpers/run-tool';
import { waitFor } from '../helpers/wait';
import { patternToFilterPolicy } from '../../tools/lib/event-pattern';

/** Runs `npm run tail` (tools/tail.ts) until it exits, with `onReady` run once it reports that it is tailing. */
const runTail = (args: string[], onReady: () => Promise<void>): Promise<ToolRun> =>
  runTool('tools/tail.ts', args, process.env, {
    alongside: async (tool) => {
      await waitFor('tail to report that it is tailing', () => (/tailing/.test(tool.stderr()) ? true : undefined), { intervalMs: 10, context: tool.stderr });
      await onReady();
    },
  });

async function sendStripe(url: string, type: string): Promise<string> {
  const { id, body } = stripeEventBody(type);
  const response = await fetch(`${url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripeSignatureHeader(body, TEST_SECRETS.stripe[0]) },
    body,
  });
  expect(response.status).toBe(200);
  return id;
}

describe('Command: npm run tail', () => {
  it('streams envelopes from the local gateway as they are published, filtered by type pattern', async () => {
    const gateway = await startTestGateway();
    try {
      let wanted = '';
      const result = await runTail(['stripe', '--type', 'invoice.*', '--url', gateway.url, '--count', '1'], async () => {
        await sendStripe(gateway.url, 'customer.created');
        wanted = await sendStripe(gateway.url, 'invoice.paid');
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(wanted);
      expect(result.stdout).toContain('invoice.paid');
      expect(result.stdout).not.toContain('customer.created');
    } finally {
      await gateway.stop();
    }
  });

  it('tails SNS topics through a temporary subscribed queue, shows only matching types, and deletes the queue on exit', async () => {
    // The "deployed" path, run against the SNS and SQS stand-ins over the real wire protocol.
    const gateway = await startTestGateway();
    try {
      let wanted = '';
      const topicArn = gateway.resources.providers['stripe']!.topicArn;
      const result = await runTail(['--topic-arn', topicArn, '--type', '*.succeeded', '--json', '--count', '1'], async () => {
        await sendStripe(gateway.url, 'charge.refunded');
        wanted = await sendStripe(gateway.url, 'charge.succeeded');
      });
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
      expect(lines).toEqual([expect.objectContaining({ attributes: { provider: 'stripe', source: 'stripe', eventType: 'charge.succeeded' }, message: expect.objectContaining({ id: wanted }) })]);
      expect(result.stderr).toMatch(/removed hookrelay-tail-\w+ and its subscriptions/);
      const { QueueUrls } = await createAwsClients().sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'hookrelay-tail-' }));
      expect(QueueUrls ?? []).toEqual([]);
    } finally {
      await gateway.stop();
    }
  });

  describe('Function: patternToFilterPolicy', () => {
    it.each([
      { pattern: undefined, policy: undefined },
      { pattern: 'push', policy: { eventType: ['push'] } },
      { pattern: 'invoice.*', policy: { eventType: [{ prefix: 'invoice.' }] } },
      { pattern: '*.succeeded', policy: { eventType: [{ suffix: '.succeeded' }] } },
      { pattern: 'customer.*.updated', policy: { eventType: [{ prefix: 'customer.' }] } },
    ])('$pattern → $policy', ({ pattern, policy }) => {
      expect(patternToFilterPolicy(pattern)).toEqual(policy);
    });
  });
});
