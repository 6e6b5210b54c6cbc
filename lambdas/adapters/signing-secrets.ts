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
 * array of strings, or a bare string holding one secret. Senders with a second credential (Meta's
 * verify token) add `"verifyTokens": ["…"]`. Whitespace around each secret is removed:
 * a secret pasted with a trailing newline would otherwise refuse every genuine delivery, and GitHub
 * never retries a 401.
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
  /** Told (with the positions of the entries, never their values) when secrets needed trimming. */
  readonly onTrimmed?: (secretId: string, entries: readonly number[]) => void;
}

const EMPTY_SECRET_REFRESH_SECONDS = 10;

/** A route's credentials, newest first. */
export interface RouteCredentials {
  readonly secrets: readonly string[];
  readonly verifyTokens: readonly string[];
}

interface CacheEntry {
  credentials: RouteCredentials;
  fetchedAt: number;
}

export interface ParsedSecretValue {
  /** The secrets, newest first, each trimmed; empty entries dropped. */
  readonly secrets: string[];
  /** The verify tokens, newest first, each trimmed. */
  readonly verifyTokens: string[];
  /** Positions (in `secrets`) of the entries that had surrounding whitespace. */
  readonly trimmed: number[];
}

/** Trimmed non-empty strings of `raw`, and the positions of those that needed trimming. */
function trimmedStrings(raw: readonly unknown[]): { values: string[]; trimmed: number[] } {
  const values: string[] = [];
  const trimmed: number[] = [];
  for (const item of raw) {
    if (typeof item !== 'string') continue;
    const value = item.trim();
    if (value === '') continue;
    if (value !== item) trimmed.push(values.length);
    values.push(value);
  }
  return { values, trimmed };
}

export function parseSecretValue(value: string): ParsedSecretValue {
  const text = value.trim();
  let raw: unknown[] = [value];
  let rawTokens: unknown[] = [];
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      const record = Array.isArray(parsed) ? undefined : (parsed as { secrets?: unknown; verifyTokens?: unknown } | null);
      const list = Array.isArray(parsed) ? parsed : record?.secrets;
      raw = Array.isArray(list) ? list : [];
      rawTokens = Array.isArray(record?.verifyTokens) ? record.verifyTokens : [];
    } catch {
      // Not JSON after all: a secret that happens to start with a bracket.
    }
  }
  const { values: secrets, trimmed } = trimmedStrings(raw);
  return { secrets, verifyTokens: trimmedStrings(rawTokens).values, trimmed };
}

export class SigningSecrets {
  readonly #client: SecretsManagerClient;
  readonly #options: SigningSecretsOptions;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<RouteCredentials>>();

  public constructor(client: SecretsManagerClient, options: SigningSecretsOptions) {
    this.#client = client;
    this.#options = options;
  }

  public async get(secretId: string): Promise<RouteCredentials> {
    const now = (this.#options.now ?? Date.now)();
    const cached = this.#cache.get(secretId);
    // An empty secret (the placeholder the stack creates) is re-read soon: the operator is about to set it.
    const refreshSeconds = cached?.credentials.secrets.length === 0 ? Math.min(EMPTY_SECRET_REFRESH_SECONDS, this.#options.refreshSeconds) : this.#options.refreshSeconds;
    if (cached && now - cached.fetchedAt < refreshSeconds * 1000) return cached.credentials;

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
        return cached.credentials;
      }
      throw new WebhookError('SECRETS_UNAVAILABLE', 'Signing secrets could not be loaded', {
        cause: error,
        details: { secretId },
      });
    }
  }

  async #fetch(secretId: string, now: number): Promise<RouteCredentials> {
    const { SecretString } = await this.#client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const { secrets, verifyTokens, trimmed } = parseSecretValue(SecretString ?? '');
    if (trimmed.length > 0) this.#options.onTrimmed?.(secretId, trimmed);
    const credentials = { secrets, verifyTokens };
    this.#cache.set(secretId, { credentials, fetchedAt: now });
    return credentials;
  }
}
