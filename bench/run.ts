/**
 * `npm run bench`: the benchmark suite (not part of `npm test`). Starts the AWS stand-ins once, in
 * a child process, runs each measurement in a worker process of its own (bench/worker.ts), prints
 * a table and writes bench/results.json. Everything is bounded and loopback-only.
 *
 *   1. verifier warm path vs the bare AWS calls it makes         bench/verifier-warm.ts
 *   2. verification CPU per provider vs the bare crypto + parse    bench/verify-cpu.ts
 *      and side by side with each sender's official SDK             bench/sdk-cpu.ts
 *   3. cold-start proxy of each Lambda bundle vs its SDK clients   bench/cold-start.ts
 *   4. local gateway under autocannon, then exactly-once check     bench/gateway-load.ts
 *   5. verifier memory after 1,000 vs 10,000 invocations           bench/memory.ts
 *   7. cost per million events, from the AWS requests counted        bench/cost.ts
 *   8. latency: accept path and request → published, vs bare calls    bench/latency.ts
 *   6. a forged request's verification CPU vs a genuine one's       bench/forged-cost.ts
 *
 * `npm run bench -- verifyCpu coldStart` runs only the named measurements.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, STAND_INS_ENV, spawnStandIns, type StandInProcess } from './aws';
import { formatTable, targetChecks, type BenchResults } from './report';
import { round } from './stats';
import type { MeasurementName } from './worker';

const ORDER: MeasurementName[] = ['verifierWarm', 'memory', 'cost', 'latency', 'verifyCpu', 'sdkCpu', 'forgedCost', 'coldStart', 'gatewayLoad'];
const NEEDS_STAND_INS = new Set<MeasurementName>(['verifierWarm', 'memory', 'cost', 'latency']);
/** Hard bound per measurement; a worker that exceeds it is killed and reported. */
const WORKER_TIMEOUT_MS = 5 * 60_000;

function runWorker(name: MeasurementName, env: NodeJS.ProcessEnv): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'worker.ts'), [name], {
      cwd: ROOT,
      env,
      execArgv: ['--expose-gc', '--import', 'tsx'],
      // stdout: the handlers' Powertools logs and EMF metrics (as on Lambda), discarded.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let settled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      if (!settled) reject(new Error(`${name} exceeded ${WORKER_TIMEOUT_MS / 1000} s`));
      settled = true;
    }, WORKER_TIMEOUT_MS);
    child.on('message', (message: { ok: boolean; result?: unknown; error?: string }) => {
      if (settled) return;
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(message.error));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!settled) reject(new Error(`${name} worker exited with code ${code} without a result`));
      settled = true;
    });
  });
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2) as MeasurementName[];
  for (const name of requested) if (!ORDER.includes(name)) throw new Error(`unknown measurement "${name}"; one of ${ORDER.join(', ')}`);
  const selected = requested.length > 0 ? ORDER.filter((name) => requested.includes(name)) : ORDER;

  const started = performance.now();
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
    loadAverageAtStart: os.loadavg().map((value) => round(value, 2)),
  };
  const results: BenchResults = {};
  const errors: Record<string, string> = {};

  let standIns: StandInProcess | undefined;
  const stopStandIns = async () => {
    await standIns?.stop();
    standIns = undefined;
  };
  process.once('SIGINT', () => void stopStandIns().then(() => process.exit(130)));
  try {
    for (const name of selected) {
      const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
      if (NEEDS_STAND_INS.has(name)) {
        standIns ??= await spawnStandIns();
        env[STAND_INS_ENV] = JSON.stringify(standIns.endpoints);
      } else {
        await stopStandIns(); // nothing else competes for the two cores
      }
      const t = performance.now();
      console.log(`▶ ${name}`);
      try {
        (results as Record<string, unknown>)[name] = await runWorker(name, env);
        console.log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      } catch (error) {
        errors[name] = error instanceof Error ? error.message : String(error);
        console.log(`  FAILED: ${errors[name]}`);
      }
    }
  } finally {
    await stopStandIns();
  }

  const machineLine = `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date} (load avg at start ${machine.loadAverageAtStart.join(' ')})`;
  console.log('');
  console.log(formatTable(results, machineLine, errors));
  const durationSeconds = round((performance.now() - started) / 1000, 1);
  const output = { machine, durationSeconds, targets: targetChecks(results), results, errors };
  // A partial run must not replace the full results the README quotes.
  const file = selected.length === ORDER.length ? 'results.json' : 'results.partial.json';
  writeFileSync(path.join(__dirname, file), `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nbench/${file} written; total ${durationSeconds} s.`);
  if (Object.keys(errors).length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
