import { randomUUID } from 'node:crypto';
import { startLocalHookrelay, type LocalHookrelay, type LocalHookrelayOptions, type LocalRoute } from '../../local/hookrelay-local';
import type { PublishedMessage } from '../../local/published-log';
import { waitFor } from './wait';

export const TEST_SECRETS = {
  stripe: ['whsec_test_stripe_current', 'whsec_test_stripe_previous'],
  github: ['test-github-secret'],
} as const;

/** Default routes (each named after its provider) with the given secrets, plus `extra` routes as declared. */
export function routesWithSecrets(
  secrets: Readonly<Record<string, readonly string[]>>,
  extra: Readonly<Record<string, LocalRoute>> = {},
): Record<string, LocalRoute> {
  return { ...Object.fromEntries(Object.entries(secrets).map(([route, list]) => [route, { provider: route, secrets: list }])), ...extra };
}

/**
 * The local gateway in-process on a free port, with its own resource names so test files running in
 * parallel never share a queue or a table. Stand-ins come from jest's globalSetup. The event archive
 * is off unless a test turns it on (`archive: { … }`): the tests that do not read it need not wait
 * for its writes to settle.
 */
export function startTestGateway(overrides: Partial<LocalHookrelayOptions> = {}): Promise<LocalHookrelay> {
  return startLocalHookrelay({
    routes: routesWithSecrets(TEST_SECRETS),
    port: 0,
    prefix: `t${randomUUID().slice(0, 8)}`,
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: 3,
    archive: false,
    ...overrides,
  });
}

/**
 * Waits until an envelope with each of `ids` was published (by route `source`, when given), and
 * returns those messages in the order of `ids`. A timeout names the ids still missing.
 */
export function waitForPublished(
  gateway: Pick<LocalHookrelay, 'published'>,
  ids: readonly string[],
  options: { readonly source?: string; readonly timeoutMs?: number } = {},
): Promise<PublishedMessage[]> {
  const { source, timeoutMs } = options;
  const lookUp = () => {
    const published = gateway.published.list().filter((entry) => source === undefined || entry.attributes['source'] === source);
    return ids.map((id) => published.find((entry) => (entry.message as { id?: string }).id === id));
  };
  return waitFor(
    `the publication of ${ids.join(', ')}${source === undefined ? '' : ` on ${source}`}`,
    () => {
      const found = lookUp();
      return found.every((entry) => entry !== undefined) ? (found as PublishedMessage[]) : undefined;
    },
    {
      intervalMs: 10,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      context: () => `not published: ${ids.filter((_, index) => lookUp()[index] === undefined).join(', ')}`,
    },
  );
}
