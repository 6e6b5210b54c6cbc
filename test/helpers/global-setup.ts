import { spawnStandIns, type StandInProcess } from '../../local/spawn-stand-ins';
import { standInEnvironment } from '../../local/stand-ins';

/**
 * Starts the local AWS stand-ins (dynalite, fauxqs, Secrets Manager) once for the whole run, in a
 * child process, and points every SDK client in every test worker at them through
 * `AWS_ENDPOINT_URL_*` (workers inherit this process's environment).
 */
export default async function globalSetup(): Promise<void> {
  const standIns = await spawnStandIns();
  (globalThis as { __standIns?: StandInProcess }).__standIns = standIns;
  Object.assign(process.env, standInEnvironment(standIns.endpoints), { HOOKRELAY_STAND_INS: JSON.stringify(standIns.endpoints) });
  // Handlers log JSON and EMF metrics for CloudWatch; in tests that is noise unless asked for.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}
