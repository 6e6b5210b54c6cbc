/**
 * The contract between the CDK stack (which sets these environment variables) and the handlers
 * (which read them once, at cold start): this module names them, with `environment.ts`, the part
 * the processor loads without the route schemas. The stack
 * builds the variables with `verifierEnvironment` / `processorEnvironment`, the handlers read them
 * with `loadVerifierConfig` / `loadProcessorConfig`, and the two are each other's inverse.
 *
 * Verifier:
 *   HOOKRELAY_ROUTES              JSON { "<route>": RouteSettings }: only what cannot be derived and
 *                                 differs from the defaults; `{}` for a route with every default
 *   HOOKRELAY_QUEUE_URL_PREFIX    a route's queue URL is this prefix + its provider's name (routes of
 *                                 one provider share its queue), e.g.
 *                                 `https://sqs.eu-west-1.amazonaws.com/123456789012/hookrelay-dev-` + `stripe`
 *   HOOKRELAY_SECRET_NAME_PREFIX  a route's secret id is this prefix + the route name, e.g.
 *                                 `hookrelay-dev/` + `stripe-eu` (unless the route names an existing secret)
 *   HOOKRELAY_PUBLIC_BASE_URL     public base URL of every route that sets none itself, optional
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
 *
 * Deriving queue URLs and secret ids from two prefixes keeps the verifier's environment (Lambda
 * allows 4 KB in all) nearly constant in the number of routes: a route with every default costs
 * its name and `{}`.
 */
import * as z from 'zod/mini';
import {
  ConfigurationError,
  DEFAULT_IDEMPOTENCY_WINDOW_SECONDS,
  DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES,
  DEFAULT_SECRETS_MAX_STALE_SECONDS,
  DEFAULT_SECRETS_REFRESH_SECONDS,
  ENV,
  optional,
  positiveInt,
  required,
  type Env,
} from './environment';

export {
  ConfigurationError,
  DEFAULT_IDEMPOTENCY_WINDOW_SECONDS,
  DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES,
  DEFAULT_SECRETS_MAX_STALE_SECONDS,
  DEFAULT_SECRETS_REFRESH_SECONDS,
  ENV,
  loadProcessorConfig,
  METRICS_NAMESPACE,
  processorEnvironment,
  SERVICE_NAMES,
  type ProcessorRuntimeConfig,
} from './environment';

/**
 * What a route declares about itself, wherever routes are declared (the stack's configuration, the
 * local gateway's routes file) and carried (`HOOKRELAY_ROUTES`).
 */
export const routeDeclarationShape = {
  /** The provider module that verifies the route. @default the route's name */
  provider: z.optional(z.string().check(z.minLength(1))),
  /** Largest accepted body in bytes. @default the provider module's `defaultMaxBodyBytes` */
  maxBodyBytes: z.optional(z.number().check(z.int(), z.positive())),
  /** Timestamp tolerance in seconds. @default the provider module's own default */
  toleranceSeconds: z.optional(z.number().check(z.int(), z.nonnegative())),
  /**
   * The exact public URL (query included) that the sender signs, verified byte for byte.
   * @default the URL as received (local gateway), else rebuilt from the request
   */
  signedUrl: z.optional(z.string()),
  /** Provider-specific options, validated by the provider module. */
  options: z.optional(z.unknown()),
  /**
   * IPv4/IPv6 CIDR blocks the route accepts requests from; the verifier refuses any other source
   * 403 `FORBIDDEN`. Deployed, only an ingress that cannot enforce the list itself (HTTP API) hands
   * it to the verifier.
   * @default any source
   */
  allowedSourceCidrs: z.optional(z.array(z.union([z.cidrv4(), z.cidrv6()]))),
};

/**
 * A route as the verifier uses it: every value resolved (by `loadVerifierConfig`, from settings the
 * schema below has checked). A type only: nothing parses a resolved route.
 */
export interface RouteConfig extends z.infer<z.ZodMiniObject<typeof routeDeclarationShape>> {
  /** URL of the provider's SQS queue. */
  queueUrl: string;
  /** Secrets Manager secret id (name or ARN) holding the route's signing secret(s). */
  secretId: string;
  /** Public base URL the sender posts to (Twilio signs the full URL); the request path is appended. */
  publicUrl?: string | undefined;
}

/**
 * A route as `HOOKRELAY_ROUTES` carries it: what cannot be derived and differs from the defaults.
 * `provider` defaults to the route's name; `queueUrl` and `secretId` are derived from the prefixes
 * when absent (an existing secret, the local gateway and the benchmarks name theirs); `maxBodyBytes`
 * and `toleranceSeconds` default to the provider module's; `publicUrl` to `HOOKRELAY_PUBLIC_BASE_URL`.
 */
const routeSettingsSchema = z.strictObject({
  ...routeDeclarationShape,
  queueUrl: z.optional(z.string().check(z.minLength(1))),
  secretId: z.optional(z.string().check(z.minLength(1))),
  publicUrl: z.optional(z.string()),
});
type RouteSettings = z.infer<typeof routeSettingsSchema>;

/**
 * Physical names derived from the deployment's name prefix (the stack name): the stack creates
 * them with these names and the verifier derives them from the prefixes. Queues belong to a
 * provider (its routes share them); a secret belongs to a route.
 */
export function routeResourceNames(namePrefix: string, route: string, provider: string = route) {
  return {
    queueName: `${namePrefix}-${provider}`,
    deadLetterQueueName: `${namePrefix}-${provider}-dlq`,
    secretName: `${namePrefix}/${route}`,
  };
}

/** How the verifier derives what a route leaves out. */
export interface RouteNaming {
  /** Prefix of every route's queue URL: `<queue base URL>/<namePrefix>-`. */
  readonly queueUrlPrefix: string;
  /** Prefix of every created secret's name: `<namePrefix>/`. */
  readonly secretNamePrefix: string;
}

/**
 * The prefixes for the routes of `namePrefix`, with `queueBaseUrl` = `https://sqs.<region>.<domain>/<account>`.
 * `queueUrlPrefix + route` is the URL of the queue named `routeResourceNames(namePrefix, route).queueName`.
 */
export function routeNaming(namePrefix: string, queueBaseUrl: string): RouteNaming {
  // The names of the route called '' are exactly the prefixes every route name is appended to.
  const prefixes = routeResourceNames(namePrefix, '');
  return { queueUrlPrefix: `${queueBaseUrl}/${prefixes.queueName}`, secretNamePrefix: prefixes.secretName };
}

export interface VerifierRuntimeConfig {
  readonly routes: Readonly<Record<string, RouteConfig>>;
  readonly idempotencyTableName: string;
  readonly idempotencyWindowSeconds: number;
  readonly secretsRefreshSeconds: number;
  readonly secretsMaxStaleSeconds: number;
  readonly payloadBucketName: string | undefined;
  readonly largePayloadThresholdBytes: number;
  /** The prefixes the routes were derived from, when the environment had them. */
  readonly routeNaming?: RouteNaming;
  /** The public base URL of routes that set none, when the environment had one. */
  readonly publicBaseUrl?: string;
}

function parseRouteSettings(raw: string): Record<string, RouteSettings> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigurationError(`${ENV.routes} is not valid JSON`);
  }
  const routes = z.record(z.string(), routeSettingsSchema).safeParse(parsed);
  if (!routes.success) throw new ConfigurationError(`${ENV.routes} is invalid: ${z.prettifyError(routes.error)}`);
  return routes.data;
}

/** A route's settings with everything left out derived or defaulted. */
function resolveRoute(name: string, settings: RouteSettings, naming: Partial<RouteNaming>, publicBaseUrl: string | undefined): RouteConfig {
  const provider = settings.provider ?? name;
  const queueUrl = settings.queueUrl ?? (naming.queueUrlPrefix === undefined ? undefined : `${naming.queueUrlPrefix}${provider}`);
  if (queueUrl === undefined) throw new ConfigurationError(`Route "${name}" has no queueUrl and ${ENV.queueUrlPrefix} is not set`);
  const secretId = settings.secretId ?? (naming.secretNamePrefix === undefined ? undefined : `${naming.secretNamePrefix}${name}`);
  if (secretId === undefined) throw new ConfigurationError(`Route "${name}" has no secretId and ${ENV.secretNamePrefix} is not set`);
  const publicUrl = settings.publicUrl ?? publicBaseUrl;
  // `settings` holds only the schema's keys (a strict object), each present only when set.
  return { ...settings, queueUrl, secretId, ...(publicUrl === undefined ? {} : { publicUrl }) };
}

export function loadVerifierConfig(env: Env): VerifierRuntimeConfig {
  const settings = parseRouteSettings(required(env, ENV.routes));
  const queueUrlPrefix = optional(env, ENV.queueUrlPrefix);
  const secretNamePrefix = optional(env, ENV.secretNamePrefix);
  const publicBaseUrl = optional(env, ENV.publicBaseUrl);
  const naming = { queueUrlPrefix, secretNamePrefix };
  const routes: Record<string, RouteConfig> = {};
  for (const [name, route] of Object.entries(settings)) routes[name] = resolveRoute(name, route, naming, publicBaseUrl);
  return {
    routes,
    idempotencyTableName: required(env, ENV.idempotencyTableName),
    idempotencyWindowSeconds: positiveInt(env, ENV.idempotencyWindowSeconds, DEFAULT_IDEMPOTENCY_WINDOW_SECONDS),
    secretsRefreshSeconds: positiveInt(env, ENV.secretsRefreshSeconds, DEFAULT_SECRETS_REFRESH_SECONDS),
    secretsMaxStaleSeconds: positiveInt(env, ENV.secretsMaxStaleSeconds, DEFAULT_SECRETS_MAX_STALE_SECONDS),
    payloadBucketName: optional(env, ENV.payloadBucketName),
    largePayloadThresholdBytes: positiveInt(env, ENV.largePayloadThresholdBytes, DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES),
    ...(queueUrlPrefix !== undefined && secretNamePrefix !== undefined ? { routeNaming: { queueUrlPrefix, secretNamePrefix } } : {}),
    ...(publicBaseUrl !== undefined ? { publicBaseUrl } : {}),
  };
}

/**
 * The verifier's environment for `config`: the inverse of `loadVerifierConfig`. Each route keeps
 * only the settings that its name, the prefixes and the defaults do not already give, so that
 * `loadVerifierConfig(verifierEnvironment(config))` is `config` again. Values may be CDK token
 * strings (the stack passes its own); they are compared and concatenated as strings only.
 */
export function verifierEnvironment(config: VerifierRuntimeConfig): Record<string, string> {
  const naming = config.routeNaming;
  const routes: Record<string, RouteSettings> = {};
  for (const [name, route] of Object.entries(config.routes)) {
    const settings: { -readonly [Key in keyof RouteSettings]: RouteSettings[Key] } = {};
    if (route.provider !== undefined && route.provider !== name) settings.provider = route.provider;
    if (naming === undefined || route.queueUrl !== `${naming.queueUrlPrefix}${route.provider ?? name}`) settings.queueUrl = route.queueUrl;
    if (naming === undefined || route.secretId !== `${naming.secretNamePrefix}${name}`) settings.secretId = route.secretId;
    if (route.maxBodyBytes !== undefined) settings.maxBodyBytes = route.maxBodyBytes;
    if (route.toleranceSeconds !== undefined) settings.toleranceSeconds = route.toleranceSeconds;
    if (route.publicUrl === undefined && config.publicBaseUrl !== undefined) {
      throw new ConfigurationError(`Route "${name}" has no publicUrl, but ${ENV.publicBaseUrl} would give it one`);
    }
    if (route.publicUrl !== undefined && route.publicUrl !== config.publicBaseUrl) settings.publicUrl = route.publicUrl;
    if (route.signedUrl !== undefined) settings.signedUrl = route.signedUrl;
    if (route.options !== undefined) settings.options = route.options;
    if (route.allowedSourceCidrs !== undefined) settings.allowedSourceCidrs = route.allowedSourceCidrs;
    routes[name] = settings;
  }
  return {
    [ENV.routes]: JSON.stringify(routes),
    ...(naming !== undefined ? { [ENV.queueUrlPrefix]: naming.queueUrlPrefix, [ENV.secretNamePrefix]: naming.secretNamePrefix } : {}),
    ...(config.publicBaseUrl !== undefined ? { [ENV.publicBaseUrl]: config.publicBaseUrl } : {}),
    [ENV.idempotencyTableName]: config.idempotencyTableName,
    [ENV.idempotencyWindowSeconds]: String(config.idempotencyWindowSeconds),
    [ENV.secretsRefreshSeconds]: String(config.secretsRefreshSeconds),
    [ENV.secretsMaxStaleSeconds]: String(config.secretsMaxStaleSeconds),
    ...(config.payloadBucketName !== undefined ? { [ENV.payloadBucketName]: config.payloadBucketName } : {}),
    [ENV.largePayloadThresholdBytes]: String(config.largePayloadThresholdBytes),
  };
}

