import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** How a tool's process ended, and everything it printed. */
export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A tool while it runs: what it has printed so far, and a way to signal it (Ctrl-C is SIGINT). */
export interface RunningTool {
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

export interface RunToolOptions {
  /**
   * Runs beside the tool from its start — waits for a line, then sends requests or presses Ctrl-C.
   * The run ends once both the tool and this have finished; a rejection fails the run.
   * @default nothing
   */
  readonly alongside?: (tool: RunningTool) => Promise<void>;
  /** The tool is killed (SIGKILL) after this long, so a hung tool fails its test with its output. @default 25000 */
  readonly killAfterMs?: number;
}

/**
 * Runs `script` (a path from the repository root, through tsx) with `args` and `env` as a process of
 * its own, as `npm run …` runs it. Resolves on 'close', once its output streams have ended: 'exit' can
 * come before the last output is read (seen under load).
 */
export function runTool(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, options: RunToolOptions = {}): Promise<ToolRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 25_000);
  const closed = new Promise<ToolRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  }).finally(() => clearTimeout(killer));
  const running: RunningTool = { stdout: () => stdout, stderr: () => stderr, kill: (signal) => void child.kill(signal) };
  const beside = (options.alongside?.(running) ?? Promise.resolve()).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return Promise.all([closed, beside]).then(([run]) => run);
}
