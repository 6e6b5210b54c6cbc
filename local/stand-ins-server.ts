/**
 * Runs the AWS stand-ins as a process of their own and prints one JSON line with their endpoints.
 * The test suite starts it once (jest globalSetup): fauxqs is ESM-only and cannot load inside jest's
 * CommonJS module system. It exits when its parent closes stdin or sends SIGTERM.
 */
import { startStandIns } from './stand-ins';

async function main(): Promise<void> {
  const standIns = await startStandIns();
  process.stdout.write(`${JSON.stringify({ endpoints: standIns.endpoints })}\n`);
  const stop = async () => {
    await standIns.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`stand-ins failed to start: ${String(error)}\n`);
  process.exit(1);
});
