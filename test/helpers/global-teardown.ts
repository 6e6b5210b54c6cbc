import type { StandInProcess } from '../../local/spawn-stand-ins';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __standIns?: StandInProcess }).__standIns?.stop();
}
