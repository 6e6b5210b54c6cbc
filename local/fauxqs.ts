import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * fauxqs (SQS, SNS and S3 stand-in), adjusted in two ways where its behaviour differs from what
 * hookrelay's guarantees depend on:
 *
 *  - Loopback only. `startFauxqs` binds 0.0.0.0 with no authentication, so anyone on the network
 *    could inject forged envelopes into a developer's pipeline. Its `buildApp` is served here on
 *    127.0.0.1 instead.
 *  - SQS's character rule. fauxqs 1.9.2 checks message bodies with a regular expression lacking the
 *    `u` flag, so it refuses every character outside the Basic Multilingual Plane (emoji), which
 *    SQS accepts (#x10000–#x10FFFF). Payloads travel byte for byte, so the stand-in is given SQS's
 *    documented rule:
 *    https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export interface LocalFauxqs {
  readonly port: number;
  stop(): Promise<void>;
}

/** The characters SQS accepts in a message body: #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF. */
const OUTSIDE_SQS_CHARACTERS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

interface FauxqsApp {
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
  readonly server: { address(): AddressInfo | string | null };
}

/** fauxqs's own module holding the body check (its package exports only the entry point). */
function fauxqsModuleFile(relative: string): string {
  for (const directory of require.resolve.paths('fauxqs') ?? []) {
    const file = path.join(directory, 'fauxqs', relative);
    if (existsSync(file)) return file;
  }
  throw new Error(`fauxqs is not installed (looked for ${relative})`);
}

export async function startLocalFauxqs(port = 0): Promise<LocalFauxqs> {
  const { buildApp } = (await import('fauxqs')) as unknown as { buildApp(options: { logger: boolean }): FauxqsApp };
  // The same module instance fauxqs's SendMessage and SendMessageBatch import: replace its test.
  const types = (await import(pathToFileURL(fauxqsModuleFile('dist/sqs/sqsTypes.js')).href)) as { INVALID_MESSAGE_BODY_CHAR: RegExp };
  types.INVALID_MESSAGE_BODY_CHAR.test = (body: string) => OUTSIDE_SQS_CHARACTERS.test(body) || !body.isWellFormed();

  const app = buildApp({ logger: false });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fauxqs is not listening on a TCP port');
  return { port: address.port, stop: () => app.close() };
}
