import type { HookrelayConfigInput, Stage } from './schema';

/**
 * The configuration of each stage: the place to enable providers, set their options and tune
 * limits. Anything left out takes the default documented in `./schema.ts` and in
 * `docs/configuration.md`; `-c stage=dev|prod` picks the entry.
 *
 * Example:
 *   prod: {
 *     enabledProviders: ['stripe', 'github'],
 *     providers: { stripe: { throttling: { rateLimit: 200, burstLimit: 400 } } },
 *     alarms: { email: 'oncall@example.com' },
 *     waf: { enabled: true },
 *   }
 */
export const stageConfigs: Readonly<Record<Stage, HookrelayConfigInput>> = {
  dev: {},
  prod: {},
};
