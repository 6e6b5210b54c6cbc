import { App, NestedStack, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../lib/config/load-config';
import type { HookrelayConfig, HookrelayConfigInput, RouteConfig, Stage } from '../../lib/config/schema';
import type { ProviderStack } from '../../lib/provider-stack';
import { WebhookStack, type WebhookStackProps } from '../../lib/webhook-stack';

/**
 * An App for unit tests: asset bundling off (no esbuild run) and without CloudFormation's
 * built-in template validation, which alone takes seconds per synth.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [], ...context }, builtinCloudFormationValidation: false });
}

/** One finding of a policy plugin (cdk-nag, CloudFormation Guard), as CDK's validation report lists it. */
export interface PolicyFinding {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs?: readonly { readonly constructPath: string; readonly cloudFormationResource?: { readonly templatePath: string } }[];
  readonly violatingResources?: readonly { readonly constructPath: string }[];
  readonly reason?: string;
}

export interface PolicyPluginReport {
  readonly pluginName: string;
  /** Findings no `Validations.acknowledge` covers: any of them makes synth throw. */
  readonly violations: readonly PolicyFinding[];
  /** Findings acknowledged with a reason. */
  readonly suppressedViolations: readonly PolicyFinding[];
}

export interface ValidationReport<T> {
  /** What `synthesize` returned; undefined when it threw. */
  readonly result: T | undefined;
  /** What `synthesize` threw (undefined when it did not): CDK throws after writing the report when a finding is unacknowledged. */
  readonly failure: unknown;
  /** `pluginName`'s report; throws `failure` (or says the plugin did not run) when the report has none. */
  plugin(pluginName: string): PolicyPluginReport;
}

/**
 * Runs `synthesize` (@default `app.synth()`; `Template.fromStack` synthesizes the app too) and
 * reads the validation report CDK writes to the app's output directory before it throws on an
 * unacknowledged finding, so a test can list every finding instead of reading the first error.
 */
export function validationReport<T = unknown>(app: App, synthesize: () => T = () => app.synth() as T): ValidationReport<T> {
  let result: T | undefined;
  let failure: unknown;
  try {
    result = synthesize();
  } catch (error) {
    failure = error;
  }
  const file = path.join(app.outdir, 'validation-report.json');
  // No report at all: synth failed before any policy plugin ran, and that error is the one to see.
  if (!existsSync(file)) throw failure ?? new Error(`${file} was not written: no policy plugin ran`);
  const report = JSON.parse(readFileSync(file, 'utf8')) as { pluginReports: readonly PolicyPluginReport[] };
  return {
    result,
    failure,
    plugin: (pluginName) => {
      const found = report.pluginReports.find((candidate) => candidate.pluginName === pluginName);
      if (!found) throw failure ?? new Error(`The ${pluginName} checks did not run`);
      return found;
    },
  };
}

/**
 * Every optional feature on, with a subset of providers and several routes sharing one: WAF, tracing,
 * custom domain, allowlist, existing secrets, a second Stripe account, two generic partners.
 */
export const everyOption: HookrelayConfigInput = {
  routes: {
    stripe: { toleranceSeconds: 600, allowedSourceCidrs: ['3.18.12.63/32', '2600:1f18::/32'], throttling: { rateLimit: 20, burstLimit: 40 } },
    'stripe-eu': { provider: 'stripe', throttling: { rateLimit: 30, burstLimit: 60 } },
    github: { secret: { name: 'hookrelay/github', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' } },
    shopify: { secret: { arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hookrelay/shopify-AbCdEf' } },
    twilio: { publicUrl: 'https://twilio-hooks.example.com', signedUrl: 'https://twilio-hooks.example.com/webhooks/twilio?account=AC1' },
    generic: { options: { algorithm: 'sha512', encoding: 'base64', signatureHeader: 'X-Partner-Signature' } },
    'partner-a': { provider: 'generic', options: { signatureHeader: 'X-Partner-A-Signature', signaturePrefix: 'sha256=' }, allowedSourceCidrs: ['198.51.100.0/24'] },
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

/** The logical id of `construct`'s resource in its own stack's template (root or nested). */
export function logicalIdOf(construct: IConstruct): string {
  const resource = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(resource).getLogicalId(resource);
}

export interface SynthesizedStage {
  readonly stack: WebhookStack;
  /** The root stack's template. */
  readonly template: Template;
  /** Root first, then each provider's nested stack. */
  readonly templates: readonly Template[];
  /** The template of the stack `construct` belongs to. */
  templateOf(construct: IConstruct): Template;
  /** A provider's nested stack. */
  providerStack(provider: string): ProviderStack;
  /**
   * `value` from the root template with each reference to a nested stack's output replaced by the
   * output's value in that stack (`{ 'Fn::GetAtt': [queue, 'Arn'] }`, in the nested stack's terms).
   */
  throughNestedOutputs(value: unknown): unknown;
  /**
   * `value` from a nested stack's template with each reference to one of its parameters replaced by
   * what the root stack passes (in the root stack's terms).
   */
  throughParameters(nested: NestedStack, value: unknown): unknown;
}

/** Builds the stack of `stage` from `input` (defaults for everything left out) and synthesizes it once. */
export function synthesizeStage(stage: Stage, input: HookrelayConfigInput = {}, props: Omit<WebhookStackProps, 'config'> = {}): SynthesizedStage {
  return synthesizeConfig(loadConfig(stage, input), props);
}

/** Builds and synthesizes the stack of a configuration as given (tests may build one past the schema). */
export function synthesizeConfig(config: HookrelayConfig, props: Omit<WebhookStackProps, 'config'> = {}): SynthesizedStage {
  const stack = new WebhookStack(testApp(), config.stackName, { ...props, config });
  const template = Template.fromStack(stack);
  const nested = new Map(stack.providerStacks.map((providerStack) => [providerStack as Stack, Template.fromStack(providerStack)]));
  const root = template.toJSON() as { Resources: Record<string, { Properties?: { Parameters?: Record<string, unknown> } }> };
  const nestedByLogicalId = new Map(stack.providerStacks.map((providerStack) => [stack.getLogicalId(providerStack.nestedStackResource as CfnElement), providerStack]));
  const mapDeep = (value: unknown, replace: (record: Record<string, unknown>) => unknown): unknown => {
    if (Array.isArray(value)) return value.map((item) => mapDeep(item, replace));
    if (value && typeof value === 'object') {
      const replaced = replace(value as Record<string, unknown>);
      if (replaced !== undefined) return replaced;
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapDeep(item, replace)]));
    }
    return value;
  };
  return {
    stack,
    template,
    templates: [template, ...nested.values()],
    templateOf: (construct) => (Stack.of(construct) === stack ? template : nested.get(Stack.of(construct))!),
    providerStack: (provider) => stack.providerStacks.find((providerStack) => providerStack.provider === provider)!,
    throughNestedOutputs: (value) =>
      mapDeep(value, (record) => {
        const getAtt = record['Fn::GetAtt'] as [string, string] | undefined;
        const providerStack = getAtt && nestedByLogicalId.get(getAtt[0]);
        if (!providerStack || !getAtt[1].startsWith('Outputs.')) return undefined;
        const outputs = nested.get(providerStack)!.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
        return outputs[getAtt[1].slice('Outputs.'.length)]!.Value;
      }),
    throughParameters: (nestedStack, value) => {
      const passed = root.Resources[stack.getLogicalId(nestedStack.nestedStackResource as CfnElement)]!.Properties?.Parameters ?? {};
      return mapDeep(value, (record) => {
        const ref = record['Ref'];
        return typeof ref === 'string' && Object.hasOwn(passed, ref) ? passed[ref] : undefined;
      });
    },
  };
}

/** The routes of a synthesized stage's configuration, by name. */
export function routeNamed(synthesized: SynthesizedStage, name: string): RouteConfig {
  return synthesized.stack.config.routes.find((route) => route.name === name)!;
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
