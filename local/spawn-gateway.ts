import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface SpawnedGateway {
  readonly url: string;
  /** What the gateway printed (the last `outputLimit` characters). */
  readonly output: () => string;
  stop(): Promise<void>;
}

export interface SpawnGatewayOptions {
  /** Keep only the end of the output (one line per request adds up under load). @default unlimited */
  readonly outputLimit?: number;
  /** @default 30000 */
  readonly startTimeoutMs?: number;
}

/**
 * Runs the local gateway exactly as `npm start` does (`tsx local/main.ts`), as its own process
 * with its own in-process stand-ins, and waits until GET /health answers. For end-to-end tests and
 * the load benchmark.
 */
export async function spawnGateway(env: Record<string, string> = {}, args: string[] = [], options: SpawnGatewayOptions = {}): Promise<SpawnedGateway> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'local/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...stripAwsEndpoints(process.env), ...env, PORT: String(port), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.outputLimit !== undefined && output.length > options.outputLimit) output = output.slice(-options.outputLimit);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** The spawned gateway starts its own stand-ins and logs as `npm start` does: it must not inherit the test run's endpoints or log settings. */
function stripAwsEndpoints(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('AWS_ENDPOINT_URL') && !entry[0].startsWith('POWERTOOLS_')),
  );
}
