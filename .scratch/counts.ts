import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack, type App } from 'aws-cdk-lib';
import { stacksOf, templateCounts } from '../lib/aws-limits';
import { loadConfig } from '../lib/config/load-config';
import { WebhookStack } from '../lib/webhook-stack';
import { testApp } from '../test/lib/synth';
for (const [label, overrides] of [['rest', {}], ['http', { api: { type: 'http' } }], ['rest, no archive', { archive: { enabled: false } }]] as const) {
  const config = loadConfig('dev', overrides as never);
  const stack = new WebhookStack(testApp(), 'hookrelay-dev', { config });
  const assembly = (stack.node.root as App).synth();
  const counts = stacksOf(stack).map(templateCounts);
  const bytes = Buffer.byteLength(readFileSync(path.join(assembly.directory, stack.templateFile)));
  const { bytes: env } = stack.verifier.worstCaseEnvironment();
  console.log(label, 'root', counts[0], 'nested', [...new Set(counts.slice(1).map((c) => `${c.resources}/${c.outputs}/${c.parameters}`))], 'rootKB', Math.round(bytes / 1024), 'envBytes', env, 'problems', stack.node.validate().length);
}
