import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAwsClients, type AwsClients } from '../lambdas/adapters/aws-clients';
import { methodsOf } from '../lambdas/core/provider';
import { findProvider } from '../lambdas/core/registry';
import { HEALTH_PATH, healthAnswer } from '../lambdas/http/health';
import { errorResponse } from '../lambdas/http/responses';
import { WebhookError, type WebhookErrorCode } from '../lambdas/core/errors';
import type { ResolvedRoute } from '../lambdas/routes';
import { createTelemetry } from '../lambdas/observability/telemetry';
import { createProcessorHandler } from '../lambdas/processor/handler';
import { DEFAULT_IDEMPOTENCY_WINDOW_SECONDS, SERVICE_NAMES, type RouteConfig } from '../lambdas/runtime-config';
import { createVerifierHandler } from '../lambdas/verifier/handler';
import { redriveDeadLetters } from '../lambdas/adapters/dead-letters';
import { toApiGatewayEvent } from './api-gateway-event';
import { startLocalArchive, type LocalArchive } from './local-archive';
import { provisionLocalResources, type LocalResources, type LocalRouteCredentials } from './local-resources';
import { startPublishedLog, type PublishedLog, type PublishedMessage } from './published-log';
import { lambdaContext, startQueuePoller, type QueuePoller } from './queue-poller';

/** A route of the local gateway: its declaration and its credentials. */
export type LocalRoute = Omit<ResolvedRoute, 'route'> & LocalRouteCredentials;

export interface LocalHookrelayOptions {
  /** Every route, by name (`/webhooks/<name>`). */
  readonly routes: Readonly<Record<string, LocalRoute>>;
  /** @default 3000; 0 picks a free port */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Resource name prefix. @default 'hookrelay' */
  readonly prefix?: string;
  /** @default 5 */
  readonly maxReceiveCount?: number;
  /** @default 5 */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 200000 */
  readonly largePayloadThresholdBytes?: number;
  /** Idempotency window. @default 7 days */
  readonly idempotencyWindowSeconds?: number;
  /**
   * SDK clients for the verifier, the processors and the event source (the queue pollers that stand
   * in for Lambda's SQS event source mapping); tests pass fault-injecting ones. @default real clients
   */
  readonly clients?: { readonly verifier?: AwsClients; readonly processor?: AwsClients; readonly eventSource?: AwsClients };
  /** The verifier's Lambda timeout: also how long an in-progress record outlives a crash. @default 10000 */
  readonly verifierTimeoutMs?: number;
  /**
   * The event archive, written to the S3 stand-in as Firehose writes it (`local-archive.ts`); false
   * turns it off. @default on, buffering 200 ms, in memory
   */
  readonly archive?: { readonly bufferIntervalMs?: number; readonly dataDirectory?: string } | false;
  /** One line per request (provider, status, code, event id, ms). @default silent */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /** Problems outside a request (a poller that cannot reach SQS…). @default silent */
  readonly onError?: (error: unknown) => void;
}

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly provider?: string;
  readonly status: number;
  readonly code?: string;
  readonly eventId?: string;
  readonly replayed: boolean;
  readonly ms: number;
}

export interface LocalHookrelay {
  readonly url: string;
  readonly port: number;
  /**
   * Resolves once nothing more can be published: every provider queue holds no message (visible, in
   * flight or delayed), no poller is handling a batch, and the published log has read every message.
   * "Exactly once" can be judged then: no redelivery is pending. Rejects after `timeoutMs`.
   */
  settled(timeoutMs?: number): Promise<void>;
  /** Route names. */
  readonly routes: readonly string[];
  readonly resources: LocalResources;
  readonly published: PublishedLog;
  /** The event archive, unless turned off. */
  readonly archive: LocalArchive | undefined;
  stop(): Promise<void>;
}

/** API Gateway refuses larger request bodies itself, before any Lambda runs. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * hookrelay on this machine: the same verifier and processor handlers as on Lambda, behind a
 * `node:http` server that speaks API Gateway's proxy event format, with queue pollers standing in
 * for Lambda's SQS event source mappings. AWS calls go through the real SDK clients to whatever
 * `AWS_ENDPOINT_URL_*` names (the stand-ins, see `stand-ins.ts`).
 */
export async function startLocalHookrelay(options: LocalHookrelayOptions): Promise<LocalHookrelay> {
  const prefix = options.prefix ?? 'hookrelay';
  const routeNames = Object.keys(options.routes);
  // The queue pollers and the published log hold their long polls on clients of their own. This one
  // carries `settled`, which asks the depth of every provider queue, observer queue and the
  // archive's queue at once, beside the archive's long poll and writes and a redrive: a socket for
  // each, or a depth query waits behind the others.
  const providerCount = new Set(Object.values(options.routes).map((route) => route.provider)).size;
  const adminClients = createAwsClients({ maxSockets: 2 * providerCount + 4 });
  const resources = await provisionLocalResources(adminClients, {
    prefix,
    routes: options.routes,
    maxReceiveCount: options.maxReceiveCount,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
  });
  const providers = Object.keys(resources.providers);
  const windowSeconds = options.idempotencyWindowSeconds ?? DEFAULT_IDEMPOTENCY_WINDOW_SECONDS;

  const routes: Record<string, RouteConfig> = {};
  for (const [name, { secrets: _secrets, verifyTokens: _tokens, ...declaration }] of Object.entries(options.routes)) {
    routes[name] = {
      ...declaration,
      queueUrl: resources.providers[declaration.provider]!.queueUrl,
      secretId: resources.routes[name]!.secretId,
    };
  }
  // The exact URL each request was sent to: what a sender that signs its URL signed.
  const receivedUrls = new WeakMap<object, string>();
  const verifier = createVerifierHandler({
    config: {
      routes,
      idempotencyTableName: resources.tableName,
      idempotencyWindowSeconds: windowSeconds,
      secretsRefreshSeconds: 300,
      secretsMaxStaleSeconds: 3600,
      payloadBucketName: resources.bucketName,
      largePayloadThresholdBytes: options.largePayloadThresholdBytes ?? 200_000,
    },
    clients: options.clients?.verifier ?? createAwsClients(),
    telemetry: createTelemetry(SERVICE_NAMES.verifier),
    receivedUrl: (event) => receivedUrls.get(event),
  });

  const pollers: QueuePoller[] = [];
  for (const provider of providers) {
    const { queueUrl } = resources.providers[provider]!;
    const handler = createProcessorHandler({
      config: {
        provider,
        topicArn: resources.providers[provider]!.topicArn,
        idempotencyTableName: resources.tableName,
        idempotencyWindowSeconds: windowSeconds,
      },
      clients: options.clients?.processor ?? createAwsClients(),
      telemetry: createTelemetry(SERVICE_NAMES.processor),
    });
    pollers.push(
      startQueuePoller({
        // A client per poller: every poller and every published-log reader holds a long poll open,
        // and one client's 50 sockets shared by all of them (28 providers: 56 long polls) left
        // each receive waiting up to a second for a socket: the pipeline drained 25 events/s.
        sqs: (options.clients?.eventSource ?? createAwsClients()).sqs,
        queueUrl,
        queueArn: resources.providers[provider]!.queueArn,
        handler,
        functionName: `${prefix}-processor-${provider}`,
        ...(options.onError ? { onError: options.onError } : {}),
      }),
    );
  }
  const published = startPublishedLog(
    createAwsClients().sqs,
    providers.map((provider) => resources.providers[provider]!.observerQueueUrl),
  );

  const archive =
    options.archive === false
      ? undefined
      : await startLocalArchive({
          clients: adminClients,
          prefix,
          topics: Object.fromEntries(providers.map((provider) => [provider, resources.providers[provider]!.topicArn])),
          ...(options.archive?.bufferIntervalMs !== undefined ? { bufferIntervalMs: options.archive.bufferIntervalMs } : {}),
          ...(options.archive?.dataDirectory !== undefined ? { dataDirectory: options.archive.dataDirectory } : {}),
          ...(options.onError ? { onError: options.onError } : {}),
        });

  async function isSettled(): Promise<boolean> {
    if (pollers.some((poller) => poller.busy) || archive?.busy) return false;
    const queues = [
      ...providers.map((provider) => resources.providers[provider]!.queueUrl),
      ...providers.map((provider) => resources.providers[provider]!.observerQueueUrl),
      ...(archive ? [archive.queueUrl] : []),
    ];
    const depths = await Promise.all(queues.map((queueUrl) => queueDepth(adminClients.sqs, queueUrl)));
    return depths.every((depth) => depth === 0) && !pollers.some((poller) => poller.busy) && !archive?.busy;
  }

  async function settled(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await isSettled())) {
      if (Date.now() > deadline) throw new Error(`the local gateway did not settle within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const followers = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error', code: 'INTERNAL_ERROR' });
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://local');
    } catch {
      // `POST http://[/webhooks/stripe`: a request target no URL parser accepts.
      return refuse(res, 'MALFORMED_REQUEST', 'The request target is not a valid URL');
    }

    if (url.pathname === HEALTH_PATH) {
      if (method !== 'GET') return refuse(res, 'METHOD_NOT_ALLOWED', 'Only GET is accepted', 'GET');
      return sendJson(
        res,
        200,
        healthAnswer(routeNames.map((route) => ({ route, provider: options.routes[route]!.provider, methods: methodsOf(findProvider(options.routes[route]!.provider)!) }))),
      );
    }
    if (url.pathname === '/_local/published') {
      const provider = url.searchParams.get('provider');
      const matches = (entry: PublishedMessage) => !provider || entry.attributes['provider'] === provider;
      if (url.searchParams.get('follow') !== null) {
        // `npm run tail`: newline-delimited JSON, one line per message as it is published.
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' });
        res.flushHeaders();
        const unsubscribe = published.subscribe((entry) => {
          if (matches(entry)) res.write(`${JSON.stringify(entry)}\n`);
        });
        followers.add(res);
        res.on('close', () => {
          unsubscribe();
          followers.delete(res);
        });
        return;
      }
      return sendJson(res, 200, published.list().filter(matches));
    }
    if (url.pathname === '/_local/resources') {
      // For the operator tools (`npm run replay -- --local`): where the stand-ins and resources are,
      // so they use the same SDK calls as against AWS.
      return sendJson(res, 200, {
        region: process.env['AWS_REGION'] ?? 'us-east-1',
        endpoints: {
          dynamodb: process.env['AWS_ENDPOINT_URL_DYNAMODB'],
          sqs: process.env['AWS_ENDPOINT_URL_SQS'],
          sns: process.env['AWS_ENDPOINT_URL_SNS'],
          s3: process.env['AWS_ENDPOINT_URL_S3'],
          secretsManager: process.env['AWS_ENDPOINT_URL_SECRETS_MANAGER'],
        },
        ...(archive ? { archive: { bucket: archive.bucketName } } : {}),
      });
    }
    if (url.pathname === '/_local/settled') {
      // For end-to-end tests of a spawned gateway: answers once nothing more can be published.
      const timeoutMs = Math.min(Number(url.searchParams.get('timeoutMs') ?? 20_000) || 20_000, 60_000);
      try {
        await settled(timeoutMs);
        return sendJson(res, 200, { settled: true });
      } catch {
        return sendJson(res, 503, { settled: false, error: `not settled within ${timeoutMs} ms` });
      }
    }
    if (url.pathname === '/_local/redrive') {
      // `npm run redrive -- --provider <name>` against the local gateway: the same code as on AWS.
      if (method !== 'POST') return refuse(res, 'METHOD_NOT_ALLOWED', 'Only POST is accepted', 'POST');
      const provider = url.searchParams.get('provider') ?? '';
      const target = resources.providers[provider];
      if (!target) return refuse(res, 'UNKNOWN_PROVIDER', `No provider "${provider}" (one of ${providers.join(', ')})`);
      const result = await redriveDeadLetters(adminClients.sqs, target);
      return sendJson(res, 200, { provider, ...result });
    }
    if (!url.pathname.startsWith('/webhooks/')) return refuse(res, 'NOT_FOUND', 'Not found');
    const provider = url.pathname.slice('/webhooks/'.length);
    // As deployed: a route answers POST, and GET only where its sender verifies endpoints with it.
    const declared = options.routes[provider];
    const allowed: readonly string[] = declared ? methodsOf(findProvider(declared.provider)!) : ['POST', 'GET'];
    if (!allowed.includes(method)) return refuse(res, 'METHOD_NOT_ALLOWED', `Only ${allowed.join(', ')} is accepted`, allowed.join(', '));

    const body = await readBody(req, API_GATEWAY_MAX_BODY_BYTES);
    if (body === undefined) {
      log({ method, path: url.pathname, provider, status: 413, code: 'PAYLOAD_TOO_LARGE', replayed: false, ms: performance.now() - started });
      return refuse(res, 'PAYLOAD_TOO_LARGE', 'Request body exceeds API Gateway’s 10 MB limit');
    }
    const event = toApiGatewayEvent({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
    receivedUrls.set(event, receivedUrl(req));
    const result = await verifier(event, lambdaContext('hookrelay-verifier', options.verifierTimeoutMs ?? 10_000));
    res.writeHead(result.statusCode, result.headers as Record<string, string>);
    res.end(result.body);

    const parsed = safeJson(result.body) as { code?: string; eventId?: string } | undefined;
    log({
      method,
      path: url.pathname,
      provider,
      status: result.statusCode,
      ...(parsed?.code ? { code: parsed.code } : {}),
      ...(parsed?.eventId ? { eventId: parsed.eventId } : {}),
      replayed: (result.headers?.['Idempotent-Replayed'] ?? '') === 'true',
      ms: performance.now() - started,
    });
  }

  function log(entry: RequestLogEntry): void {
    options.onRequest?.(entry);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    settled,
    routes: routeNames,
    resources,
    published,
    archive,
    async stop() {
      for (const follower of followers) follower.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(pollers.map((poller) => poller.stop()));
      await published.stop();
      await archive?.stop();
    },
  };
}

/** Messages in a queue: visible, in flight and delayed. */
async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return Number(Attributes['ApproximateNumberOfMessages'] ?? 0) + Number(Attributes['ApproximateNumberOfMessagesNotVisible'] ?? 0) + Number(Attributes['ApproximateNumberOfMessagesDelayed'] ?? 0);
}

/** The URL a request was sent to, byte for byte: an absolute-form target as is, else Host + target. */
function receivedUrl(req: IncomingMessage): string {
  const target = req.url ?? '/';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  return `http://${req.headers.host ?? '127.0.0.1'}${target}`;
}

/** Reads the body, or returns undefined as soon as it exceeds `limit` (the rest is discarded). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A refusal in the `{ error, code }` shape, its status from the one code → status table. */
function refuse(res: ServerResponse, code: WebhookErrorCode, message: string, allow?: string): void {
  const response = errorResponse(new WebhookError(code, message));
  if (allow) res.setHeader('Allow', allow);
  res.writeHead(response.statusCode, response.headers as Record<string, string>);
  res.end(response.body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
