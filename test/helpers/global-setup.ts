import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { standInEnvironment, type StandInEndpoints } from '../../local/stand-ins';

/**
 * Starts the local AWS stand-ins (dynalite, fauxqs, Secrets Manager) once for the whole run, in a
 * child process, and points every SDK client in every test worker at them through
 * `AWS_ENDPOINT_URL_*` (workers inherit this process's environment).
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'local/stand-ins-server.ts')], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  (globalThis as { __standIns?: ChildProcess }).__standIns = child;

  const endpoints = await new Promise<StandInEndpoints>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('AWS stand-ins did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`AWS stand-ins exited with code ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { endpoints: StandInEndpoints }).endpoints);
    });
  });
  Object.assign(process.env, standInEnvironment(endpoints), { HOOKRELAY_STAND_INS: JSON.stringify(endpoints) });
  // Handlers log JSON and EMF metrics for CloudWatch; in tests that is noise unless asked for.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}
