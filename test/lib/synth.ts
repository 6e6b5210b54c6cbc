import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../lib/config/load-config';
import type { HookrelayConfigInput, Stage } from '../../lib/config/schema';
import { WebhookStack } from '../../lib/webhook-stack';

/**
 * An App for unit tests: asset bundling off (no esbuild run) and without CloudFormation's
 * built-in template validation, which alone takes seconds per synth.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [], ...context }, builtinCloudFormationValidation: false });
}

/** Every optional feature on, with a subset of providers: WAF, tracing, custom domain, allowlist, existing secrets. */
export const everyOption: HookrelayConfigInput = {
  enabledProviders: ['stripe', 'github', 'shopify', 'twilio', 'generic'],
  providers: {
    stripe: { toleranceSeconds: 600, allowedSourceCidrs: ['3.18.12.63/32', '2600:1f18::/32'], throttling: { rateLimit: 20, burstLimit: 40 } },
    github: { existingSecret: { name: 'hookrelay/github', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } },
    shopify: { existingSecret: { arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hookrelay/shopify-AbCdEf' } },
    twilio: { publicUrl: 'https://twilio-hooks.example.com', signedUrl: 'https://twilio-hooks.example.com/webhooks/twilio?account=AC1' },
    generic: { options: { algorithm: 'sha512', encoding: 'base64', signatureHeader: 'X-Partner-Signature' } },
  },
  pipeline: { maxReceiveCount: 3, batchSize: 25, maxBatchingWindowSeconds: 2, processorMaxConcurrency: 7, processorTimeoutSeconds: 20 },
  verifier: { reservedConcurrency: 40 },
  tracing: true,
  waf: { enabled: true, rateLimitPerFiveMinutes: 2_000 },
  customDomain: {
    domainName: 'hooks.example.com',
    certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d',
    hostedZone: { id: 'Z0123456789ABCDEFGHIJ', name: 'example.com' },
  },
  alarms: { email: 'oncall@example.com' },
};

export interface SynthesizedStage {
  readonly stack: WebhookStack;
  readonly template: Template;
}

/** Builds the stack of `stage` from `input` (defaults for everything left out) and synthesizes it once. */
export function synthesizeStage(stage: Stage, input: HookrelayConfigInput = {}): SynthesizedStage {
  const config = loadConfig(stage, input);
  const stack = new WebhookStack(testApp(), config.stackName, { config });
  return { stack, template: Template.fromStack(stack) };
}

type CfnValue = unknown;

/**
 * Resolves a template value that uses only `Ref`, `Fn::GetAtt` and `Fn::Join` into a string, with
 * each reference replaced by a recognisable stand-in (`<Ref:LogicalId>`): enough to feed a token
 * string to the code that reads it at run time.
 */
export function resolveWithStandIns(value: CfnValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object') {
    const record = value as Record<string, CfnValue>;
    if ('Ref' in record) return `<Ref:${String(record['Ref'])}>`;
    if ('Fn::GetAtt' in record) return `<GetAtt:${(record['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, CfnValue[]];
      return parts.map(resolveWithStandIns).join(separator);
    }
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
}
