import * as z from 'zod/mini';

/**
 * The contract between the CDK stack (which sets these environment variables) and the handlers
 * (which read them once, at cold start). The local gateway sets the same variables.
 *
 * Verifier:
 *   HOOKRELAY_ROUTES              JSON: { "<route>": RouteConfig }
 *   IDEMPOTENCY_TABLE_NAME        DynamoDB table (partition key `id`, string; TTL attribute `expiration`)
 *   IDEMPOTENCY_WINDOW_SECONDS    how long a delivered event id is remembered   @default 604800 (7 days)
 *   SECRETS_REFRESH_SECONDS       how often cached secrets are re-read          @default 300
 *   SECRETS_MAX_STALE_SECONDS     how long cached secrets serve while Secrets Manager fails @default 3600
 *   PAYLOAD_BUCKET_NAME           S3 bucket for payloads over the threshold (claim check), optional
 *   LARGE_PAYLOAD_THRESHOLD_BYTES payloads larger than this travel through S3    @default 200000
 *
 * Processor (one function per provider):
 *   PROVIDER                      provider name
 *   TOPIC_ARN                     the provider's SNS topic
 *   IDEMPOTENCY_TABLE_NAME, IDEMPOTENCY_WINDOW_SECONDS   as above (its own records)
 */
export const routeConfigSchema = z.object({
  /** The provider module that verifies the route. @default the route's name */
  provider: z.optional(z.string().check(z.minLength(1))),
  /** URL of the provider's SQS queue. */
  queueUrl: z.string().check(z.minLength(1)),
  /** Secrets Manager secret id (name or ARN) holding the route's signing secret(s). */
  secretId: z.string().check(z.minLength(1)),
  /** Largest accepted body in bytes. @default the provider module's `defaultMaxBodyBytes` */
  maxBodyBytes: z.optional(z.number().check(z.int(), z.positive())),
  /** Timestamp tolerance in seconds. @default the provider module's own default */
  toleranceSeconds: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** Public base URL the sender posts to (Twilio signs the full URL); `{provider}` path appended. */
  publicUrl: z.optional(z.string()),
  /**
   * The exact public URL (query included) the sender signs, verified byte for byte (Twilio).
   * @default rebuilt from the request
   */
  signedUrl: z.optional(z.string()),
  /** Provider-specific options, validated by the provider module. */
  options: z.optional(z.unknown()),
});
export type RouteConfig = z.infer<typeof routeConfigSchema>;

export const DEFAULT_IDEMPOTENCY_WINDOW_SECONDS = 7 * 24 * 3600;
export const DEFAULT_SECRETS_REFRESH_SECONDS = 300;
export const DEFAULT_SECRETS_MAX_STALE_SECONDS = 3600;
export const DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES = 200_000;

export interface VerifierRuntimeConfig {
  readonly routes: Readonly<Record<string, RouteConfig>>;
  readonly idempotencyTableName: string;
  readonly idempotencyWindowSeconds: number;
  readonly secretsRefreshSeconds: number;
  readonly secretsMaxStaleSeconds: number;
  readonly payloadBucketName: string | undefined;
  readonly largePayloadThresholdBytes: number;
}

export interface ProcessorRuntimeConfig {
  readonly provider: string;
  readonly topicArn: string;
  readonly idempotencyTableName: string;
  readonly idempotencyWindowSeconds: number;
}

export class ConfigurationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigurationError(`Environment variable ${name} is required`);
  return value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigurationError(`${name} must be a positive integer`);
  return value;
}

export function loadVerifierConfig(env: Env): VerifierRuntimeConfig {
  let parsedRoutes: unknown;
  try {
    parsedRoutes = JSON.parse(required(env, 'HOOKRELAY_ROUTES'));
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError('HOOKRELAY_ROUTES is not valid JSON');
  }
  const routes = z.record(z.string(), routeConfigSchema).safeParse(parsedRoutes);
  if (!routes.success) throw new ConfigurationError(`HOOKRELAY_ROUTES is invalid: ${z.prettifyError(routes.error)}`);
  return {
    routes: routes.data,
    idempotencyTableName: required(env, 'IDEMPOTENCY_TABLE_NAME'),
    idempotencyWindowSeconds: positiveInt(env, 'IDEMPOTENCY_WINDOW_SECONDS', DEFAULT_IDEMPOTENCY_WINDOW_SECONDS),
    secretsRefreshSeconds: positiveInt(env, 'SECRETS_REFRESH_SECONDS', DEFAULT_SECRETS_REFRESH_SECONDS),
    secretsMaxStaleSeconds: positiveInt(env, 'SECRETS_MAX_STALE_SECONDS', DEFAULT_SECRETS_MAX_STALE_SECONDS),
    payloadBucketName: env['PAYLOAD_BUCKET_NAME'] || undefined,
    largePayloadThresholdBytes: positiveInt(env, 'LARGE_PAYLOAD_THRESHOLD_BYTES', DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES),
  };
}

export function loadProcessorConfig(env: Env): ProcessorRuntimeConfig {
  return {
    provider: required(env, 'PROVIDER'),
    topicArn: required(env, 'TOPIC_ARN'),
    idempotencyTableName: required(env, 'IDEMPOTENCY_TABLE_NAME'),
    idempotencyWindowSeconds: positiveInt(env, 'IDEMPOTENCY_WINDOW_SECONDS', DEFAULT_IDEMPOTENCY_WINDOW_SECONDS),
  };
}
