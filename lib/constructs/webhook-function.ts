import * as path from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { providerNames } from '../../lambdas/core/registry';
import { METRICS_NAMESPACE } from '../../lambdas/environment';
import { entriesBySize, LAMBDA_ENVIRONMENT_LIMIT_BYTES, worstCaseEnvironment } from '../aws-limits';
import { bundledProviders, handlerBuildOptions, HANDLER_NODE_OPTIONS, REPO_ROOT } from '../bundling';
import { DEFAULT_LOG_RETENTION, DEFAULTS } from '../config/defaults';
import { acknowledgeGuardFinding } from '../policy-checks';
import { acknowledgeLogGroupFindings } from './acknowledge';

/** One bundle per handler entry, provider set and stack, shared by every function that runs it. */
const bundles = new WeakMap<Stack, Map<string, Code>>();

/**
 * The bundled code of a handler entry (`lambdas/handlers/processor.ts`), built once per stack
 * however many functions run it — every provider's processor is the same code with another
 * environment. esbuild runs in-process with `handlerBuildOptions` (lib/bundling.ts), carrying the
 * modules of `providers` only (@default every registered provider); a stack left out of bundling
 * (`aws:cdk:bundling-stacks`, as in unit tests) gets a placeholder asset instead.
 */
function handlerCode(scope: Construct, entry: string, providers?: readonly string[]): Code {
  const stack = Stack.of(scope);
  let perStack = bundles.get(stack);
  if (!perStack) bundles.set(stack, (perStack = new Map()));
  // In registry order and each once (`bundledProviders`): one set of providers names one bundle, in
  // whatever order the routes list them. Every registered provider is the bundle without a list:
  // the same command, the same asset. A stack left out of bundling stages a placeholder whatever the
  // bundle would carry, so its providers are not looked up (tests build stacks of more providers
  // than the registry has).
  const carried = stack.bundlingRequired ? bundledProviders(providers) : providerNames;
  const subset = carried.length === providerNames.length ? undefined : carried;
  const command = subset === undefined ? [] : [`--providers=${subset.join(',')}`];
  const key = [entry, ...command].join(' ');
  let code = perStack.get(key);
  if (!code) {
    code = Code.fromAsset(REPO_ROOT, {
      // The hash of the bundle, not of the repository: an unchanged bundle is not uploaded again.
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: local bundling always succeeds (esbuild is a dependency of the synth).
        image: DockerImage.fromRegistry('dummy'),
        // Names the entry and the providers it carries, and so keeps CDK's asset cache, keyed on
        // these options, from handing one bundle's output to another.
        command: ['esbuild', entry, ...command],
        local: {
          tryBundle(outputDir: string): boolean {
            buildSync({ ...handlerBuildOptions({ entry, outfile: path.join(outputDir, 'index.js'), providers: subset }), logLevel: 'warning' });
            return true;
          },
        },
      },
    });
    perStack.set(key, code);
  }
  return code;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
/** The levels Lambda offers for its own lines. */
export type SystemLogLevelName = 'DEBUG' | 'INFO' | 'WARN';

export interface WebhookFunctionProps {
  /** Handler file exporting `handler`, relative to the repository root, e.g. `lambdas/handlers/verifier.ts`. */
  readonly entry: string;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` of log lines and the `service` dimension of metrics. */
  readonly serviceName: string;
  /** @default no description */
  readonly description?: string;
  /** Variables added to the Powertools defaults. @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** Memory in MB; Lambda allots CPU in proportion. @default 512 */
  readonly memorySize?: number;
  /** @default none (the account's unreserved pool) */
  readonly reservedConcurrentExecutions?: number;
  /** Retention of the function's log group. @default DEFAULT_LOG_RETENTION (RetentionDays.ONE_MONTH) */
  readonly logRetention?: RetentionDays;
  /** What happens to the log group when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * The application log level: Lambda's (`AWS_LAMBDA_LOG_LEVEL`, which Powertools Logger follows) and
   * `POWERTOOLS_LOG_LEVEL` (the same, for the handlers run outside Lambda). @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * Level of Lambda's own lines: at WARN, a warm invocation that succeeds writes none (no
   * `platform.start`, `platform.report`). @default 'WARN'
   */
  readonly systemLogLevel?: SystemLogLevelName;
  /** X-Ray active tracing. @default false */
  readonly tracing?: boolean;
  /**
   * The providers whose modules the bundle carries (`handlerCode`): for the verifier, its routes'
   * providers. Only a bundle containing the registry holds provider modules.
   * @default every registered provider
   */
  readonly bundledProviders?: readonly string[];
}

/**
 * A hookrelay Lambda function: Node.js 22 on arm64, running its entry's bundle (`handlerCode`:
 * esbuild, one minified CommonJS file with the AWS SDK inside, shared by every function of the
 * stack with the same entry), logging in Lambda's JSON format to its own log group through a role that
 * can write to that group and nothing else until grants are added. Synth fails if its environment could exceed
 * Lambda's 4 KB.
 *
 * The role and the log group are created next to the function (`<id>Role`, `<id>Logs`) because the
 * function needs them at construction.
 */
export class WebhookFunction extends LambdaFunction {
  /** The function's execution role: grant data access to this (or to the function). */
  public readonly executionRole: Role;
  /** Always set (`Function.timeout` without the `undefined`): alarms compare p99 duration with it. */
  public declare readonly timeout: Duration;
  /** `POWERTOOLS_SERVICE_NAME`, the `service` dimension of the function's metrics. */
  public readonly serviceName: string;

  public constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    const timeout = props.timeout ?? Duration.seconds(DEFAULTS.verifier.timeoutSeconds);
    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention, removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY });
    acknowledgeLogGroupFindings(logGroup, logRetention);
    // Our own role instead of the default one, whose AWS managed policy may create and write
    // to any log group in the account.
    const executionRole = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    logGroup.grantWrite(executionRole);
    const logLevel = props.logLevel ?? DEFAULTS.logging.level;

    super(scope, id, {
      code: handlerCode(scope, props.entry, props.bundledProviders),
      handler: 'index.handler',
      description: props.description,
      // The bundles target node22 (HANDLER_BUNDLING).
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULTS.verifier.memorySize,
      timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: executionRole,
      logGroup,
      // JSON: Lambda's own lines become JSON records that a level can filter, and the application
      // level applies to the handlers' JSON lines (Powertools writes JSON in either format, never
      // re-encoded). Lambda reads a line without a \`level\` as INFO: the metrics lines
      // (\`lambdas/observability/telemetry.ts\`) name theirs, so a stricter level keeps them.
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      systemLogLevelV2: SystemLogLevel[props.systemLogLevel ?? DEFAULTS.logging.systemLogLevel],
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: {
        NODE_OPTIONS: HANDLER_NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: logLevel,
        ...props.environment,
      },
    });
    this.node.addValidation({ validate: () => this.#environmentSizeProblems() });
    this.executionRole = executionRole;
    this.serviceName = props.serviceName;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the bundles are built (esbuild target node22) and tested for it; ' +
        'moving to a newer runtime is a deliberate change of this one construct.',
    });
    acknowledgeGuardFinding(
      this,
      'lambda_inside_vpc_check',
      'The functions call only AWS APIs (DynamoDB, SQS, SNS, S3, Secrets Manager) over TLS, authorised by IAM; in a VPC they would need a NAT ' +
        'gateway or an interface endpoint per service and zone, for no network boundary gained.',
    );
    if (props.tracing) {
      Validations.of(executionRole).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
      });
    }
  }

  /** The function's variables as deployed, each reference at its longest. */
  public worstCaseEnvironment(): ReturnType<typeof worstCaseEnvironment> {
    const cfn = this.node.defaultChild as CfnResource & { environment?: unknown };
    const environment = Stack.of(this).resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
    return worstCaseEnvironment(this, environment?.variables ?? {});
  }

  /**
   * Lambda refuses a function whose variables take more than 4 KB (measured as their JSON); the
   * message names the largest variables and, for a JSON variable, its largest entries.
   */
  #environmentSizeProblems(): string[] {
    const { bytes, byVariable, resolved } = this.worstCaseEnvironment();
    if (bytes <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return [];
    const largest = byVariable.slice(0, 3).map((variable) => `${variable.name} ${variable.bytes}`);
    // A JSON variable (HOOKRELAY_ROUTES) is broken down by entry: which routes to trim.
    const breakdowns = byVariable
      .map((variable) => ({ name: variable.name, entries: entriesBySize(resolved[variable.name]!) }))
      .filter((variable) => variable.entries.length > 0)
      .map((variable) => `${variable.name} by entry: ${variable.entries.map((entry) => `${entry.key} ${entry.bytes}`).join(', ')}`);
    return [
      `The environment of ${this.serviceName} (${this.node.path}) can take ${bytes} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}. ` +
        `Largest variables, in bytes: ${largest.join(', ')}.${breakdowns.map((line) => ` ${line}.`).join('')}`,
    ];
  }
}
