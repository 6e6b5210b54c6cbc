import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { outputKey, STACK_OUTPUT_KEYS, type ProviderOutput, type ProviderQueues, type RouteOutput } from '../../lib/naming';

export { outputKey } from '../../lib/naming';

/**
 * Reads a deployed hookrelay stack's outputs, so the operator tools need nothing but the stack name.
 * Every output the tools read is in the root stack (`lib/webhook-stack.ts`): per route
 * `<Route>WebhookUrl` and `<Route>SecretName`, per provider `<Provider>TopicArn` and
 * `<Provider>Queues` (JSON: `queueUrl`, `queueArn`, `dlqUrl`, `dlqArn`).
 */
export async function readStackOutputs(stackName: string, region?: string): Promise<Record<string, string>> {
  const client = new CloudFormationClient(region ? { region } : {});
  const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs: Record<string, string> = {};
  for (const output of Stacks?.[0]?.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue) outputs[output.OutputKey] = output.OutputValue;
  }
  return outputs;
}

export function requireOutput(outputs: Record<string, string>, key: string, stackName: string): string {
  const value = outputs[key];
  if (!value) throw new Error(`Stack ${stackName} has no output ${key} (does a route use that provider?)`);
  return value;
}

/** A route's or provider's output, named as the stack names it. */
function requireNamedOutput(outputs: Record<string, string>, name: string, thing: RouteOutput | ProviderOutput, stackName: string): string {
  return requireOutput(outputs, outputKey(name, thing), stackName);
}

/** A provider's queue and DLQ, from its `<Provider>Queues` output. */
export function providerQueues(outputs: Record<string, string>, provider: string, stackName: string): ProviderQueues {
  const raw = requireNamedOutput(outputs, provider, 'Queues', stackName);
  let parsed: Partial<Record<keyof ProviderQueues, unknown>>;
  try {
    parsed = JSON.parse(raw) as typeof parsed;
  } catch {
    throw new Error(`Stack ${stackName}: output ${outputKey(provider, 'Queues')} is not JSON`);
  }
  const field = (name: keyof ProviderQueues): string => {
    const value = parsed[name];
    if (typeof value !== 'string' || value === '') throw new Error(`Stack ${stackName}: output ${outputKey(provider, 'Queues')} has no ${name}`);
    return value;
  };
  return { queueUrl: field('queueUrl'), queueArn: field('queueArn'), dlqUrl: field('dlqUrl'), dlqArn: field('dlqArn') };
}

/**
 * The provider topics among the outputs (every `<Provider>TopicArn`, not the operations topic), or
 * only `provider`'s.
 */
export function providerTopicArns(outputs: Record<string, string>, provider?: string): string[] {
  return Object.entries(outputs)
    .filter(([key]) => key !== STACK_OUTPUT_KEYS.alarmTopicArn && key.endsWith('TopicArn'))
    .filter(([key]) => provider === undefined || key === outputKey(provider, 'TopicArn'))
    .map(([, value]) => value);
}
