/**
 * `npx tsx test/lib/stack-counts.ts`: the figures `docs/configuration.md` quotes under "Stacks" and
 * "Limits to keep in mind" — each stack's resources, outputs and parameters, the root template's size
 * and the verifier's worst-case environment — for the deployments it names, synthesized in-process as
 * the tests do (bundling off, so the root template carries no asset metadata). `aws-limits.test.ts`
 * asserts the limits and the rules behind these figures; this prints the figures themselves.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { stacksOf, templateCounts } from '../../lib/aws-limits';
import { loadConfig } from '../../lib/config/load-config';
import { WebhookStack } from '../../lib/webhook-stack';
import { busyRoute, configWithProviders, stackWith, withPublishedAllowlists } from './scale';
import { testApp } from './synth';

/** The registry's providers with their own methods (`GET` too, for some); the larger deployments' routes answer `POST`. */
const ofRegistry = (input: Parameters<typeof loadConfig>[1]) => {
  const config = loadConfig('dev', input);
  return new WebhookStack(testApp(), config.stackName, { config });
};
const http = { ...loadConfig('dev', {}).api, type: 'http' } as const;
const deployments: ReadonlyArray<readonly [string, () => WebhookStack]> = [
  ["the registry's providers, REST API, archive on (the default)", () => ofRegistry({})],
  ['the same without the archive', () => ofRegistry({ archive: { enabled: false } })],
  ["the same with an HTTP API (api.type: 'http')", () => ofRegistry({ api: { type: 'http' } })],
  ['40 providers, REST API, archive on', () => stackWith(configWithProviders(40))],
  ['28 routes, a quarter with a tolerance, body limit, existing secret and signed URL', () => stackWith(configWithProviders(28, busyRoute))],
  ["28 routes on an HTTP API, Stripe's and GitHub's with their published allowlists", () => stackWith({ ...withPublishedAllowlists(), api: http })],
];

for (const [label, build] of deployments) {
  const stack = build();
  const { config } = stack;
  const assembly = (stack.node.root as App).synth({ skipValidation: true });
  const [root, ...nested] = stacksOf(stack).map(templateCounts);
  const rootBytes = Buffer.byteLength(readFileSync(path.join(assembly.directory, stack.templateFile)));
  const perProvider = [...new Set(nested.map((counts) => `${counts.resources} / ${counts.outputs} / ${counts.parameters}`))];
  console.log(
    `${label}: ${config.routes.length} routes; root ${root!.resources} / ${root!.outputs} / ${root!.parameters} (resources / outputs / parameters), ` +
      `each provider's stack ${perProvider.join(' or ')}; root template ${Math.round(rootBytes / 1024)} KB; ` +
      `verifier environment at most ${stack.verifier.worstCaseEnvironment().bytes} bytes; problems ${stack.node.validate().length}`,
  );
}
