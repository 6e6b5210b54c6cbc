import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { StandInEndpoints } from './stand-ins';

const ROOT = path.resolve(__dirname, '..');

/**
 * The AWS stand-ins in a process of their own (`stand-ins-server.ts`), for the test suite and the
 * benchmarks: fauxqs is ESM-only and cannot load inside jest's CommonJS module system, and a
 * benchmark should measure its own process's client work, not the stand-ins'.
 */
export interface StandInProcess {
  readonly endpoints: StandInEndpoints;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts local/stand-ins-server.ts as a child process and reads its one JSON line of endpoints. */
export async function spawnStandIns(): Promise<StandInProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'local/stand-ins-server.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const endpoints = await new Promise<StandInEndpoints>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('AWS stand-ins did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`AWS stand-ins exited with code ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { endpoints: StandInEndpoints }).endpoints);
    });
  });
  for (const url of Object.values(endpoints)) {
    if (new URL(url).hostname !== '127.0.0.1') throw new Error(`stand-in endpoint is not loopback: ${url}`);
  }
  return {
    endpoints,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end(); // the server stops when its stdin closes
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
