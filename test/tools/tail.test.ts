import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { createAwsClients } from '../../lambdas/adapters/aws-clients';
import path from 'node:path';
import { startTestGateway, TEST_SECRETS } from '../helpers/local-hookrelay';
import { stripeEventBody, stripeSignatureHeader } from '../helpers/official-signers';
import { patternToFilterPolicy } from '../../tools/lib/event-pattern';

const ROOT = path.resolve(__dirname, '../..');

/** Runs `npm run tail` (tools/tail.ts) until it exits; resolves with what it printed. */
function runTail(args: string[], onReady: () => Promise<void>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/tail.ts', ...args], { cwd: ROOT, env: process.env });
    let stdout = '';
    let stderr = '';
    let ready = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!ready && /tailing/.test(stderr)) {
        ready = true;
        onReady().catch(reject);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

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
