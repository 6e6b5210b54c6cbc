/**
 * `npm run redrive -- --provider <name>`: moves a provider's DLQ messages back to its queue and
 * reports how many moved. Every route of a provider shares its queue and DLQ.
 *
 *   --provider <name>   required
 *   --local [--url U]   against the local gateway (default URL http://127.0.0.1:$PORT or :3000)
 *   --stack <name>      against a deployed stack (default: hookrelay-dev); AWS credentials and
 *   --region <region>   region come from the usual AWS environment / profile
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';
import { redriveDeadLetters } from '../lambdas/adapters/dead-letters';
import { localGatewayUrl } from './lib/local-gateway';
import { providerQueues, readStackOutputs } from './lib/stack-outputs';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      provider: { type: 'string' },
      local: { type: 'boolean', default: false },
      url: { type: 'string' },
      stack: { type: 'string', default: 'hookrelay-dev' },
      region: { type: 'string' },
    },
  });
  const provider = values.provider?.toLowerCase();
  if (!provider) {
    console.error('usage: npm run redrive -- --provider <name> [--local [--url URL] | --stack NAME [--region R]]');
    return 2;
  }

  if (values.local || values.url) {
    const base = values.url ?? localGatewayUrl();
    const response = await fetch(`${base}/_local/redrive?provider=${encodeURIComponent(provider)}`, { method: 'POST' });
    const body = (await response.json()) as { moved?: number; error?: string };
    if (!response.ok) {
      console.error(`redrive failed (${response.status}): ${body.error ?? 'unknown error'}`);
      return 1;
    }
    console.log(`${provider}: moved ${body.moved} message(s) from the DLQ back to the queue (local gateway)`);
    return 0;
  }

  const stack = values.stack!;
  const outputs = await readStackOutputs(stack, values.region);
  const target = providerQueues(outputs, provider, stack);
  const sqs = new SQSClient(values.region ? { region: values.region } : {});
  const result = await redriveDeadLetters(sqs, target);
  console.log(`${provider}: moved ${result.moved} message(s) from the DLQ back to the queue (${result.method})`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
