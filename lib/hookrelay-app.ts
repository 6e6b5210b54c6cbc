import { Validations, type App } from 'aws-cdk-lib';
import { loadConfig } from './config/load-config';
import type { HookrelayConfigInput } from './config/schema';
import { policyChecks } from './policy-checks';
import { stageConfigs } from './config/webhooks';
import { WebhookStack, type WebhookStackProps } from './webhook-stack';

/**
 * Builds the hookrelay stack of the stage named by the `stage` context (`-c stage=dev|prod`,
 * default dev) into `app`, and makes synth fail on any finding of the two independent policy
 * checks (`policyChecks`: cdk-nag and CloudFormation Guard) that is not acknowledged (with its
 * reason, next to the resource it concerns). `configs` defaults to `lib/config/webhooks.ts`;
 * tests pass their own, and may pass stack properties (`providerMethods`).
 */
export function buildHookrelayApp(
  app: App,
  configs: Readonly<Record<string, HookrelayConfigInput>> = stageConfigs,
  stackProps: Omit<WebhookStackProps, 'config'> = {},
): WebhookStack {
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  // An unknown stage gets no entry, and loadConfig reports it with the stages it accepts.
  const input = Object.hasOwn(configs, stage) ? configs[stage]! : {};
  const config = loadConfig(stage, input);
  const stack = new WebhookStack(app, config.stackName, {
    ...stackProps,
    config,
    description: `hookrelay (${config.stage}): verified, deduplicated webhook ingestion`,
  });
  Validations.of(app).addPlugins(...policyChecks(stack));
  return stack;
}
