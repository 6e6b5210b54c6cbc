/**
 * `npm start`: the local gateway. Starts the AWS stand-ins in-process, provisions what the stack
 * provisions, and serves the real handlers on http://127.0.0.1:$PORT.
 *
 *   PORT                          listen port (default 3000)
 *   WEBHOOK_SECRET_<ROUTE>        signing secret(s), comma-separated for rotation (default: dev secrets)
 *   WEBHOOK_VERIFY_TOKEN_<ROUTE>  a second credential, for senders that have one (Meta's verify token)
 *   WEBHOOK_SIGNED_URL_<ROUTE>    the exact public URL a sender signs (Twilio) when it is not the URL
 *                                 requests arrive at, e.g. a tunnel's (default: the URL as received)
 *   --routes <file>               more routes (JSON), e.g. a second Stripe account (local/local-routes.ts)
 *   --data <dir>                  keep idempotency records and the event archive (<dir>/archive) across restarts
 *   --subscriber <module>         run a subscriber's Lambda handler against the topics (see local-subscriber.ts)
 *   --subscriber-filter <p:t>     what it receives: `stripe:invoice.*`, `github:push`, `github` (repeatable)
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { methodsOf } from '../lambdas/core/provider';
import { findProvider } from '../lambdas/core/registry';
import { RouteDeclarationError } from '../lambdas/routes';
import { startLocalHookrelay, type RequestLogEntry } from './hookrelay-local';
import { localRoutes, readRouteDeclarations } from './local-routes';
import { describeLocalSubscriber, formatDelivery, startLocalSubscriber } from './local-subscriber';
import { standInEnvironment, startStandIns } from './stand-ins';

// The SDK's notice that its 2027 releases need Node 22 says nothing about this run (the lockfile
// pins today's SDK): keep the banner readable. Set to anything but "true" to see it.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const colour = process.stdout.isTTY && !process.env['NO_COLOR'];
const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);

function formatRequest(entry: RequestLogEntry): string {
  const status = entry.status < 300 ? paint(32, String(entry.status)) : entry.status < 500 ? paint(33, String(entry.status)) : paint(31, String(entry.status));
  const parts = [
    new Date().toISOString().slice(11, 23),
    status,
    entry.method,
    entry.path,
    entry.code ?? (entry.replayed ? 'REPLAYED' : ''),
    entry.eventId ? `event=${entry.eventId}` : '',
    `${entry.ms.toFixed(1)}ms`,
  ];
  return parts.filter(Boolean).join(' ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      routes: { type: 'string' },
      subscriber: { type: 'string' },
      'subscriber-filter': { type: 'string', multiple: true },
    },
    allowPositionals: false,
  });
  // An empty PORT is an unset one, as for the operator tools (tools/lib/local-gateway.ts).
  const port = Number(values.port ?? (process.env['PORT'] || 3000));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${values.port ?? process.env['PORT']}`);

  // Routes first: a mistake in them is reported before anything starts.
  const { routes, usingDevelopmentSecret } = localRoutes(readRouteDeclarations(values.routes), process.env);
  const dataDirectory = values.data ? path.resolve(values.data) : undefined;
  if (dataDirectory) mkdirSync(dataDirectory, { recursive: true });
  const standIns = await startStandIns(dataDirectory ? { dataDirectory } : {});
  Object.assign(process.env, standInEnvironment(standIns.endpoints));
  // The gateway prints one line per request; the handlers' own JSON logs and EMF metrics are for Lambda.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
  process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';

  const gateway = await startLocalHookrelay({
    routes,
    port,
    ...(dataDirectory ? { archive: { dataDirectory: path.join(dataDirectory, 'archive') } } : {}),
    onRequest: (entry) => console.log(formatRequest(entry)),
    onError: (error) => console.error(paint(31, `local gateway: ${error instanceof Error ? error.message : String(error)}`)),
  });

  if (values['subscriber-filter'] && !values.subscriber) throw new Error('--subscriber-filter needs --subscriber <handler module>');
  // npm runs scripts from the package folder; a relative path is the caller's (INIT_CWD).
  const subscriberModule = values.subscriber && path.resolve(process.env['INIT_CWD'] ?? process.cwd(), values.subscriber);
  const subscriber = subscriberModule
    ? await startLocalSubscriber({
        modulePath: subscriberModule,
        filters: values['subscriber-filter'] ?? [],
        topics: Object.fromEntries(Object.entries(gateway.resources.providers).map(([provider, resources]) => [provider, resources.topicArn])),
        onDelivery: (entry) => console.log(`${new Date().toISOString().slice(11, 23)} ${entry.ok ? formatDelivery(entry) : paint(31, formatDelivery(entry))}`),
        onError: (error) => console.error(paint(31, `subscriber: ${error instanceof Error ? error.message : String(error)}`)),
      })
    : undefined;

  console.log(paint(1, `hookrelay local gateway listening on ${gateway.url}`));
  console.log(`  health     GET  ${gateway.url}/health`);
  console.log(`  published  GET  ${gateway.url}/_local/published`);
  const width = Math.max(...gateway.routes.map((route) => route.length));
  for (const route of gateway.routes) {
    const provider = routes[route]!.provider;
    console.log(`  webhook    POST ${gateway.url}/webhooks/${route}${provider === route ? '' : `  (${provider})`}`);
    // Senders that verify the endpoint with a GET (Meta, Okta): that route answers GET too.
    if (methodsOf(findProvider(provider)!).includes('GET')) console.log(`  handshake  GET  ${gateway.url}/webhooks/${route}`);
  }
  if (usingDevelopmentSecret.length > 0) {
    console.log(paint(2, '  development secrets (set WEBHOOK_SECRET_<ROUTE> to use your own):'));
    for (const route of usingDevelopmentSecret) console.log(paint(2, `    ${route.padEnd(width)} ${routes[route]!.secrets[0]}`));
  }
  if (gateway.archive) {
    const restored = gateway.archive.restored > 0 ? `, ${gateway.archive.restored} object(s) restored` : '';
    console.log(`  archive    s3://${gateway.archive.bucketName}/events/ (npm run replay -- --local …${restored})`);
  }
  console.log(dataDirectory ? `  data kept in ${dataDirectory}` : '  data in memory (use --data <dir> to keep it)');
  if (subscriber && subscriberModule) for (const line of describeLocalSubscriber(subscriber, path.relative(process.cwd(), subscriberModule))) console.log(line);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await subscriber?.stop();
    await gateway.stop();
    await standIns.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(error instanceof RouteDeclarationError ? 2 : 1);
});
