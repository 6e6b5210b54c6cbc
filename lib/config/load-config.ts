import { configSchema, type HookrelayConfig, type HookrelayConfigInput } from './schema';

/** A configuration that cannot be deployed; the message lists every problem, one per line. */
export class ConfigError extends Error {
  public readonly problems: readonly string[];

  public constructor(stage: string, problems: readonly string[]) {
    super(`Invalid hookrelay configuration for stage "${stage}":\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Validates the configuration of one stage and applies every default. Fails with all problems at
 * once (zod collects every issue; provider options are checked by each provider's `parseOptions`),
 * so a broken configuration takes one synth to fix, not one per mistake.
 */
export function loadConfig(stage: string, input: HookrelayConfigInput): HookrelayConfig {
  const result = configSchema.safeParse({ ...input, stage });
  if (result.success) return result.data;
  throw new ConfigError(
    stage,
    result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`),
  );
}
