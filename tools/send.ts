/**
 * `npm run send -- <provider> [event-type]`: sends a realistic sample webhook, signed exactly as the
 * provider signs it, to the local gateway or a deployed webhook URL, and prints hookrelay's answer.
 * Every run has fresh ids and timestamps, so repeated sends are new events, not replays.
 *
 *   --url <url>        a base URL (`/webhooks/<provider>` is appended) or the full webhook URL
 *   --file <path>      send this payload as-is instead of a sample
 *   --secret <secret>  else WEBHOOK_SECRET_<PROVIDER> (first of the list), else the development secret
 *   --json             print { status, replayed, body } instead of a summary
 *
 * Exit status: 0 on a 2xx answer, 1 otherwise, 2 on a usage error.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ProviderName } from '../lambdas/core/registry';
import { DEVELOPMENT_SECRETS } from '../local/dev-secrets';
import { findSender, senderNames, senders, type ProviderSender } from './lib/signers/registry';
import { UnusableSecretError } from './lib/signers/signer';

const USAGE = `usage: npm run send -- <provider> [event-type] [--url URL] [--file payload.json] [--secret S] [--json]

Sends a sample event, signed as the provider signs it, with fresh ids and timestamps.

  <provider>      ${senderNames.join(', ')}
  [event-type]    one of the provider's sample types (below); default: the first listed
  --url URL       where to POST. A URL whose path ends in /webhooks/<provider> (the stack's
                  <Provider>WebhookUrl output) is used as is; any other URL is a base URL and gets
                  /webhooks/<provider> appended. Default: the local gateway, http://127.0.0.1:$PORT (3000)
  --file PATH     send this file as the payload, unchanged (ids carried in headers are still fresh).
                  [event-type] then is not checked: it names the type for providers that send it
                  in a header (github, shopify)
  --secret S      the signing secret. Default: $WEBHOOK_SECRET_<PROVIDER> (the first of a
                  comma-separated list), else the local gateway's development secret.
                  sendgrid: the path of a PEM private key, or the PEM itself as --secret="$(cat key.pem)"
                  (default: the development key)
  --json          print { status, replayed, body } as JSON instead of a summary
  -h, --help      this text

Exit status: 0 when hookrelay answers 2xx, 1 otherwise, 2 for a usage error.`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface SendCommand {
  readonly provider: ProviderName;
  readonly sender: ProviderSender;
  readonly eventType: string;
  readonly url: URL;
  readonly file: string | undefined;
  readonly secret: string;
  readonly json: boolean;
}

type Environment = Readonly<Record<string, string | undefined>>;

function sampleTypes({ samples }: ProviderSender): string[] {
  return [samples.defaultType, ...Object.keys(samples.types).filter((type) => type !== samples.defaultType)];
}

function helpText(): string {
  const width = Math.max(...senderNames.map((name) => name.length)) + 2;
  const rows = senderNames.map((name) => `  ${name.padEnd(width)}${sampleTypes(senders[name]).join(', ')}`);
  return `${USAGE}\n\nSample event types (the first is the default):\n${rows.join('\n')}`;
}

/** The webhook URL for `provider`: see --url in USAGE. */
function webhookUrl(provider: string, given: string | undefined, env: Environment): URL {
  const text = given ?? `http://127.0.0.1:${env['PORT'] || 3000}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url is not an absolute URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https: ${text}`);
  const routed = /\/webhooks\/([^/]+)\/?$/.exec(url.pathname);
  if (routed) {
    if (routed[1] !== provider) throw new UsageError(`--url is the webhook URL of "${routed[1]}", not of "${provider}"`);
    return url;
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/webhooks/${provider}`;
  return url;
}

/** --secret, else the first of WEBHOOK_SECRET_<PROVIDER>, else the development secret: what the local gateway accepts. */
function signingSecret(provider: ProviderName, given: string | undefined, env: Environment): string {
  if (given !== undefined) {
    if (given === '') throw new UsageError('--secret is empty');
    return given;
  }
  const fromEnvironment = (env[`WEBHOOK_SECRET_${provider.toUpperCase()}`] ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .find((secret) => secret !== '');
  return fromEnvironment ?? DEVELOPMENT_SECRETS[provider];
}

function parseCommandLine(args: string[], env: Environment): SendCommand | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        file: { type: 'string' },
        secret: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [providerArgument, typeArgument, ...extra] = positionals;
  if (!providerArgument) throw new UsageError(USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected argument(s): ${extra.join(' ')}\n\n${USAGE}`);

  const provider = providerArgument.toLowerCase();
  const sender = findSender(provider);
  if (!sender) throw new UsageError(`unknown provider "${providerArgument}"; valid providers: ${senderNames.join(', ')}`);
  const name = provider as ProviderName;

  // A sample must exist to be built; a file is the payload, so its type is whatever the user says.
  const eventType = typeArgument ?? sender.samples.defaultType;
  if (values.file === undefined && !Object.hasOwn(sender.samples.types, eventType)) {
    throw new UsageError(`unknown ${provider} event type "${eventType}"; valid types: ${sampleTypes(sender).join(', ')}`);
  }
  return {
    provider: name,
    sender,
    eventType,
    url: webhookUrl(provider, values.url, env),
    file: values.file,
    secret: signingSecret(name, values.secret, env),
    json: values.json ?? false,
  };
}

function readPayload(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `200 OK  event evt_…`, `200 OK  replayed  events a, b`, `200 OK  challenge …`, `401 INVALID_SIGNATURE  <message>`. */
function summarise(status: number, statusText: string, replayed: boolean, text: string): string {
  const answer = parseJson(text);
  const fields = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : {};
  const parts = [`${status} ${typeof fields['code'] === 'string' ? fields['code'] : statusText}`.trim()];
  if (replayed) parts.push('replayed');
  const ids = Array.isArray(fields['eventIds']) ? fields['eventIds'] : undefined;
  if (ids) parts.push(ids.length === 0 ? 'no events' : `${ids.length === 1 ? 'event' : 'events'} ${ids.join(', ')}`);
  else if (typeof fields['eventId'] === 'string') parts.push(`event ${fields['eventId']}`);
  if (typeof fields['challenge'] === 'string') parts.push(`challenge ${fields['challenge']}`);
  if (typeof fields['error'] === 'string') parts.push(fields['error']);
  else if (typeof fields['message'] === 'string') parts.push(fields['message']); // API Gateway's own refusals
  else if (answer === undefined && text.trim() !== '') parts.push(text.trim().slice(0, 200));
  return parts.join('  ');
}

function unreachable(url: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  const local = /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url) ? ' (is the local gateway running? npm start)' : '';
  return `could not reach ${url}: ${reason}${local}`;
}

async function send(command: SendCommand): Promise<number> {
  const now = new Date();
  const body = command.file === undefined ? command.sender.samples.types[command.eventType]!({ now }) : readPayload(command.file);
  const signed = await command.sender.signer.sign({
    body,
    secret: command.secret,
    url: command.url.toString(),
    now,
    eventType: command.eventType,
    deliveryId: randomUUID(),
  });
  const target = signed.url ?? command.url.toString();
  const what = command.file === undefined ? `${command.provider} ${command.eventType}` : `${command.provider}, payload from ${command.file}`;
  console.error(`POST ${target}  (${what})`);

  let response: Response;
  try {
    response = await fetch(target, {
      method: 'POST',
      headers: { ...signed.headers, 'Content-Type': signed.contentType },
      body: signed.body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    console.error(unreachable(target, error));
    return 1;
  }
  const text = await response.text();
  const replayed = response.headers.get('idempotent-replayed') === 'true';
  if (command.json) console.log(JSON.stringify({ status: response.status, replayed, body: parseJson(text) ?? text }, null, 2));
  else console.log(summarise(response.status, response.statusText, replayed, text));
  return response.ok ? 0 : 1;
}

async function main(): Promise<number> {
  const command = parseCommandLine(process.argv.slice(2), process.env);
  if (command === 'help') {
    console.log(helpText());
    return 0;
  }
  return send(command);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Usage errors and unusable secrets are the caller's to fix; neither message holds a secret.
    const usage = error instanceof UsageError || error instanceof UnusableSecretError;
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(usage ? 2 : 1);
  },
);
