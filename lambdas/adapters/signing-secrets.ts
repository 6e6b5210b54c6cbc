import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WebhookError } from '../core/errors';

/**
 * Loads a provider's signing secrets from Secrets Manager and caches them across invocations.
 *
 * Why not Powertools `getSecret`: it caches, but once its cache expires a failed fetch throws.
 * hookrelay needs stale-if-error: while Secrets Manager is down, keep verifying with the last good
 * secrets for `maxStaleSeconds`, then fail with SECRETS_UNAVAILABLE (5xx: the sender retries).
 *
 * The secret value is JSON `{"secrets": ["<newest>", "<older>"]}` (several while rotating), a JSON
 * array of strings, or a bare string holding one secret.
 */
export interface SigningSecretsOptions {
  /** Re-read a cached secret after this long. @default 300 */
  readonly refreshSeconds: number;
  /** Serve a cached secret this long after a failed refresh. @default 3600 */
  readonly maxStaleSeconds: number;
  /** Milliseconds clock, injectable for tests. @default Date.now */
  readonly now?: () => number;
  /** Told when a stale secret is served because a refresh failed. */
  readonly onStaleServed?: (secretId: string, ageSeconds: number, error: unknown) => void;
}

const EMPTY_SECRET_REFRESH_SECONDS = 10;

interface CacheEntry {
  secrets: readonly string[];
  fetchedAt: number;
}

export function parseSecretValue(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // Not JSON after all: a secret that happens to start with a bracket.
      return [value];
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { secrets?: unknown }).secrets;
    if (!Array.isArray(list)) return [];
    return list.filter((item): item is string => typeof item === 'string' && item.length > 0);
  }
  return trimmed === '' ? [] : [value];
}

export class SigningSecrets {
  readonly #client: SecretsManagerClient;
  readonly #options: SigningSecretsOptions;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<readonly string[]>>();

  public constructor(client: SecretsManagerClient, options: SigningSecretsOptions) {
    this.#client = client;
    this.#options = options;
  }

  public async get(secretId: string): Promise<readonly string[]> {
    const now = (this.#options.now ?? Date.now)();
    const cached = this.#cache.get(secretId);
    // An empty secret (the placeholder the stack creates) is re-read soon: the operator is about to set it.
    const refreshSeconds = cached?.secrets.length === 0 ? Math.min(EMPTY_SECRET_REFRESH_SECONDS, this.#options.refreshSeconds) : this.#options.refreshSeconds;
    if (cached && now - cached.fetchedAt < refreshSeconds * 1000) return cached.secrets;

    let pending = this.#inFlight.get(secretId);
    if (!pending) {
      pending = this.#fetch(secretId, now).finally(() => this.#inFlight.delete(secretId));
      this.#inFlight.set(secretId, pending);
    }
    try {
      return await pending;
    } catch (error) {
      const ageSeconds = cached ? (now - cached.fetchedAt) / 1000 : Infinity;
      if (cached && ageSeconds < this.#options.maxStaleSeconds) {
        this.#options.onStaleServed?.(secretId, Math.round(ageSeconds), error);
        return cached.secrets;
      }
      throw new WebhookError('SECRETS_UNAVAILABLE', 'Signing secrets could not be loaded', {
        cause: error,
        details: { secretId },
      });
    }
  }

  async #fetch(secretId: string, now: number): Promise<readonly string[]> {
    const { SecretString } = await this.#client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const secrets = parseSecretValue(SecretString ?? '');
    this.#cache.set(secretId, { secrets, fetchedAt: now });
    return secrets;
  }
}
