/**
 * The `npm run send -- <route> [event-type]` command (tools/send.ts runs it): sends a realistic sample webhook, signed by the provider
 * module's own `sign` exactly as the sender signs it (each module's test checks `sign` against the
 * sender's official package), to the local gateway or a deployed webhook URL, and prints hookrelay's
 * answer. Every run has fresh ids and timestamps, so repeated sends are new events, not replays.
 * Options: see USAGE. Exit status: 0 on a 2xx answer, 1 otherwise, 2 on a usage error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { WebhookProvider } from '../../lambdas/core/provider';
import { allProviders, findProvider, providerNames } from '../../lambdas/core/registry';
import { listFromEnvironment, secretVariable } from '../../lambdas/routes';
import { localGatewayUrl } from './local-gateway';

const USAGE = `usage: npm run send -- <route> [event-type] [--provider P] [--url URL] [--file payload.json] [--secret S] [--json]

Sends a sample event, signed as its sender signs it, with fresh ids and timestamps.

  <route>         the route to post to: a provider's own (${providerNames.join(', ')}),
                  or a declared one (then say which provider with --provider)
  [event-type]    one of the provider's sample types (below); default: the first listed
  --provider P    the route's provider. Default: the route's name, else what the local gateway's
                  GET /health says the route is
  --url URL       where to POST. A URL whose path ends in /webhooks/<route> (the stack's
                  <Route>WebhookUrl output) is used as is; any other URL is a base URL and gets
                  /webhooks/<route> appended. Default: the local gateway, http://127.0.0.1:$PORT (3000)
  --file PATH     send this file as the payload, unchanged (ids carried in headers are still fresh).
                  [event-type] then is not checked: it names the type for providers that send it
                  in a header (github, shopify)
  --secret S      the signing secret. Default: $WEBHOOK_SECRET_<ROUTE> (the first of a
                  comma-separated list), else the provider's development secret. For public-key
                  senders (sendgrid) the private key: its PEM, or the path of a PEM file
  --options JSON  the route's provider options (a generic route's scheme). Default: none
  --json          print { status, replayed, body } as JSON instead of a summary
  -h, --help      this text

Exit status: 0 when hookrelay answers 2xx, 1 otherwise, 2 for a usage error.`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface SendCommand {
  readonly route: string;
  readonly provider: WebhookProvider<unknown>;
  readonly options: unknown;
  readonly eventType: string;
  readonly url: URL;
  readonly file: string | undefined;
  readonly secret: string;
  readonly json: boolean;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Where the command writes: the answer to `out`, progress and errors to `err`. */
export interface SendOutput {
  out(line: string): void;
  err(line: string): void;
}

const consoleOutput: SendOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

function sampleTypes({ samples }: WebhookProvider<unknown>): string[] {
  return [samples.defaultType, ...Object.keys(samples.types).filter((type) => type !== samples.defaultType)];
}

function helpText(): string {
  const width = Math.max(...providerNames.map((name) => name.length)) + 2;
  const rows = allProviders().map((provider) => `  ${provider.name.padEnd(width)}${sampleTypes(provider).join(', ')}`);
  return `${USAGE}\n\nSample event types (the first is the default):\n${rows.join('\n')}`;
}

/** The webhook URL for `route`: see --url in USAGE. */
function webhookUrl(route: string, given: string | undefined, env: Environment): URL {
  const text = given ?? localGatewayUrl(env);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url is not an absolute URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https: ${text}`);
  const routed = /\/webhooks\/([^/]+)\/?$/.exec(url.pathname);
  if (routed) {
    if (routed[1] !== route) throw new UsageError(`--url is the webhook URL of "${routed[1]}", not of "${route}"`);
    return url;
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/webhooks/${route}`;
  return url;
}

/**
 * --secret (a PEM file's path is read), else the first of WEBHOOK_SECRET_<ROUTE>, else the
 * development secret: what the local gateway accepts. For public-key senders the gateway holds the
 * public key, and the development private key signs in its place.
 */
function signingSecret(route: string, provider: WebhookProvider<unknown>, given: string | undefined, env: Environment): string {
  const { secret: development, signingSecret: developmentSigning = development } = provider.development;
  if (given !== undefined) {
    if (given === '') throw new UsageError('--secret is empty');
    return !given.includes('\n') && existsSync(given) ? readFileSync(given, 'utf8') : given;
  }
  const configured = listFromEnvironment(env, secretVariable(route))[0];
  return configured === undefined || configured === development ? developmentSigning : configured;
}

/** The route's provider from the local gateway's GET /health, for routes not named after one. */
async function providerFromGateway(route: string, url: URL): Promise<string | undefined> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(5_000) });
    const health = (await response.json()) as { routes?: Array<{ route: string; provider: string }> };
    return health.routes?.find((entry) => entry.route === route)?.provider;
  } catch {
    return undefined;
  }
}

async function parseCommandLine(args: string[], env: Environment): Promise<SendCommand | 'help'> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        provider: { type: 'string' },
        url: { type: 'string' },
        file: { type: 'string' },
        secret: { type: 'string' },
        options: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [routeArgument, typeArgument, ...extra] = positionals;
  if (!routeArgument) throw new UsageError(USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected argument(s): ${extra.join(' ')}\n\n${USAGE}`);

  const route = routeArgument.toLowerCase();
  const url = webhookUrl(route, values.url, env);
  const providerName = values.provider ?? (findProvider(route) ? route : await providerFromGateway(route, url));
  const provider = providerName === undefined ? undefined : findProvider(providerName);
  if (!provider) {
    throw new UsageError(
      values.provider === undefined && providerName === undefined
        ? `unknown route "${routeArgument}": name its provider with --provider (one of ${providerNames.join(', ')})`
        : `unknown provider "${providerName ?? routeArgument}"; valid providers: ${providerNames.join(', ')}`,
    );
  }
  let options: unknown;
  try {
    options = provider.parseOptions(values.options === undefined ? undefined : JSON.parse(values.options));
  } catch (error) {
    throw new UsageError(`--options: ${error instanceof Error ? error.message : String(error)}`);
  }

  // A sample must exist to be built; a file is the payload, so its type is whatever the user says.
  const eventType = typeArgument ?? provider.samples.defaultType;
  if (values.file === undefined && !Object.hasOwn(provider.samples.types, eventType)) {
    throw new UsageError(`unknown ${provider.name} event type "${eventType}"; valid types: ${sampleTypes(provider).join(', ')}`);
  }
  return {
    route,
    provider,
    options,
    eventType,
    url,
    file: values.file,
    secret: signingSecret(route, provider, values.secret, env),
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

/** `200 OK  event evt_…`, `200 OK  replayed  events a, b`, `200 OK  challenge …`, `200 OK  [accepted]`, `401 INVALID_SIGNATURE  <message>`. */
function summarise(status: number, statusText: string, replayed: boolean, text: string): string {
  const answer = parseJson(text);
  const fields = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : {};
  const parts = [`${status} ${typeof fields['code'] === 'string' ? fields['code'] : statusText}`.trim()];
  if (replayed) parts.push('replayed');
  const described = parts.length;
  const ids = Array.isArray(fields['eventIds']) ? fields['eventIds'] : undefined;
  if (ids) parts.push(ids.length === 0 ? 'no events' : `${ids.length === 1 ? 'event' : 'events'} ${ids.join(', ')}`);
  else if (typeof fields['eventId'] === 'string') parts.push(`event ${fields['eventId']}`);
  if (typeof fields['challenge'] === 'string') parts.push(`challenge ${fields['challenge']}`);
  if (typeof fields['error'] === 'string') parts.push(fields['error']);
  else if (typeof fields['message'] === 'string') parts.push(fields['message']); // API Gateway's own refusals
  // Anything else is the sender's own expected answer (Discord's `{"type":5}`, Adyen's `[accepted]`): shown as received.
  if (parts.length === described && text.trim() !== '') parts.push(text.trim().slice(0, 200));
  return parts.join('  ');
}

function unreachable(url: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  const local = /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url) ? ' (is the local gateway running? npm start)' : '';
  return `could not reach ${url}: ${reason}${local}`;
}

async function send(command: SendCommand, output: SendOutput): Promise<number> {
  const { provider } = command;
  const context = { url: command.url.toString(), nowSeconds: Math.floor(Date.now() / 1000) };
  const body = command.file === undefined ? provider.samples.types[command.eventType]!(context) : readPayload(command.file);
  let signed;
  try {
    signed = provider.sign(provider.samples.request(body, command.eventType, context), { secret: command.secret, nowSeconds: context.nowSeconds, options: command.options });
  } catch (error) {
    // A secret that cannot sign (a public key): the caller's to fix. The message never holds the secret.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const what = command.file === undefined ? `${command.route} ${command.eventType}` : `${command.route}, payload from ${command.file}`;
  output.err(`${signed.method} ${signed.url}  (${what})`);

  let response: Response;
  try {
    response = await fetch(signed.url, {
      method: signed.method,
      headers: signed.headers,
      ...(signed.method === 'GET' ? {} : { body: signed.body }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    output.err(unreachable(signed.url, error));
    return 1;
  }
  const text = await response.text();
  const replayed = response.headers.get('idempotent-replayed') === 'true';
  if (command.json) output.out(JSON.stringify({ status: response.status, replayed, body: parseJson(text) ?? text }, null, 2));
  else output.out(summarise(response.status, response.statusText, replayed, text));
  return response.ok ? 0 : 1;
}

/**
 * Runs the command with `args` (what follows `npm run send --`) and `env`; returns the exit status:
 * 0 when hookrelay answers 2xx, 1 otherwise, 2 for a usage error. No message holds a secret.
 */
export async function runSendCommand(args: string[], env: Environment, output: SendOutput = consoleOutput): Promise<number> {
  try {
    const command = await parseCommandLine(args, env);
    if (command === 'help') {
      output.out(helpText());
      return 0;
    }
    return await send(command, output);
  } catch (error) {
    // Usage errors (an unusable secret among them) are the caller's to fix.
    output.err(error instanceof Error ? error.message : String(error));
    return error instanceof UsageError ? 2 : 1;
  }
}
