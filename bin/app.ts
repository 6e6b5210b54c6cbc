import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/config/load-config';
import { buildHookrelayApp } from '../lib/hookrelay-app';

// `npx cdk synth` (stage dev) or `npx cdk synth -c stage=prod`; the CLI synthesizes on exit.
try {
  buildHookrelayApp(new App());
} catch (error) {
  // A configuration mistake is the operator's to fix: print the list of problems, not a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
