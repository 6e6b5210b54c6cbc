/**
 * One place for SDK client settings. Endpoints come from the SDK's own `AWS_ENDPOINT_URL_*`
 * variables (the local gateway sets them), so there is no endpoint code here.
 *
 * Timeouts are short because a webhook sender waits for us (Slack: 3 s): a hung call must fail
 * fast, release the idempotency record, and let the sender's retry go through.
 */
export interface AwsClientSettings {
  /** Per-attempt request timeout. @default 2000 ms */
  readonly requestTimeoutMs?: number;
  /** @default 1000 ms */
  readonly connectionTimeoutMs?: number;
  /** Attempts including the first (SDK standard retry mode). @default 3 */
  readonly maxAttempts?: number;
  /**
   * Concurrent connections per client. @default the SDK's (50). A Lambda handler makes a few
   * calls at a time. A client that holds long polls needs a socket for each beside its other
   * calls, or those calls wait up to a whole poll for one: the local gateway gives each queue
   * poller a client of its own and sizes the one it shares to the calls it makes at once.
   */
  readonly maxSockets?: number;
}

export function clientConfig(settings: AwsClientSettings = {}) {
  return {
    maxAttempts: settings.maxAttempts ?? 3,
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs ?? 2000,
      connectionTimeout: settings.connectionTimeoutMs ?? 1000,
      ...(settings.maxSockets === undefined ? {} : { httpAgent: { keepAlive: true, maxSockets: settings.maxSockets } }),
    },
  };
}

/**
 * Clients created on first use from the given factories. Each Lambda entry point names only the
 * factories it needs, so its bundle carries only those SDK clients (cold start).
 */
export function lazyClients<T extends object>(factories: { [K in keyof T]: () => T[K] }): T {
  const created: Partial<T> = {};
  const clients = {} as T;
  for (const key of Object.keys(factories) as Array<keyof T>) {
    Object.defineProperty(clients, key, {
      enumerable: true,
      get: () => (created[key] ??= factories[key]()),
    });
  }
  return clients;
}
