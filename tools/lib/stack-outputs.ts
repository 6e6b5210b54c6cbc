import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/**
 * Reads a deployed hookrelay stack's outputs, so the operator tools need nothing but the stack name.
 * Output keys follow `<Provider><Thing>` (e.g. `StripeQueueUrl`, `StripeDlqArn`, `StripeTopicArn`).
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

export function outputKey(provider: string, thing: 'QueueUrl' | 'QueueArn' | 'DlqUrl' | 'DlqArn' | 'TopicArn' | 'WebhookUrl' | 'SecretName'): string {
  return `${provider.charAt(0).toUpperCase()}${provider.slice(1)}${thing}`;
}

export function requireOutput(outputs: Record<string, string>, key: string, stackName: string): string {
  const value = outputs[key];
  if (!value) throw new Error(`Stack ${stackName} has no output ${key} (is the provider enabled?)`);
  return value;
}
