/**
 * Runs one measurement in a process of its own (a clean heap and JIT, `--expose-gc` for the
 * memory figure) and hands its result to bench/run.ts over IPC. Progress goes to stderr; stdout
 * carries the handlers' own Powertools logs and metrics and is discarded by run.ts.
 */
import { useStandInsFromEnvironment } from './aws';
import { runColdStart } from './cold-start';
import { runCost } from './cost';
import { runForgedCost } from './forged-cost';
import { runGatewayLoad } from './gateway-load';
import { runLatency } from './latency';
import { runMemory } from './memory';
import { runSdkCpu } from './sdk-cpu';
import { runVerifierWarm } from './verifier-warm';
import { runVerifyCpu } from './verify-cpu';

export const MEASUREMENTS = {
  verifierWarm: () => {
    useStandInsFromEnvironment();
    useVerifierFunctionEnvironment();
    return runVerifierWarm({ log });
  },
  verifyCpu: async () => runVerifyCpu({ log }),
  sdkCpu: () => runSdkCpu({ log }),
  forgedCost: async () => runForgedCost({ log }),
  coldStart: () => runColdStart({ log }),
  gatewayLoad: () => runGatewayLoad({ log }),
  cost: () => {
    useStandInsFromEnvironment();
    useVerifierFunctionEnvironment();
    return runCost({ log });
  },
  latency: () => {
    useStandInsFromEnvironment();
    useVerifierFunctionEnvironment();
    return runLatency({ log });
  },
  memory: () => {
    useStandInsFromEnvironment();
    useVerifierFunctionEnvironment();
    return runMemory({ log });
  },
} as const;
export type MeasurementName = keyof typeof MEASUREMENTS;

/** The verifier's environment as WebhookFunction (lib/constructs/webhook-function.ts) sets it. */
function useVerifierFunctionEnvironment(): void {
  process.env['POWERTOOLS_SERVICE_NAME'] = 'hookrelay-verifier';
  process.env['POWERTOOLS_METRICS_NAMESPACE'] = 'hookrelay';
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
  delete process.env['POWERTOOLS_METRICS_DISABLED'];
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const name = process.argv[2] as MeasurementName;
  const measure = MEASUREMENTS[name];
  if (!measure) throw new Error(`unknown measurement "${name}"; one of ${Object.keys(MEASUREMENTS).join(', ')}`);
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const result = await measure();
  await new Promise<void>((resolve, reject) => process.send!({ ok: true, result }, (error: Error | null) => (error ? reject(error) : resolve())));
}

if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (process.send) process.send({ ok: false, error: message }, () => process.exit(1));
      else {
        process.stderr.write(`${message}\n`);
        process.exit(1);
      }
    });
}
