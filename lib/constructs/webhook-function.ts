import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: handler entries, `package-lock.json` and the esbuild project live here. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Namespace of every Powertools metric hookrelay emits (`lambdas/observability/telemetry.ts`). */
export const METRICS_NAMESPACE = 'hookrelay';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

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
  /** Retention of the function's log group. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** What happens to the log group when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** `POWERTOOLS_LOG_LEVEL`. @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** X-Ray active tracing. @default false */
  readonly tracing?: boolean;
}

/**
 * A hookrelay Lambda function: Node.js 22 on arm64, bundled by esbuild into one minified CommonJS
 * file with the AWS SDK inside, logging to its own log group through a role that can write to
 * that group and nothing else until grants are added.
 *
 * The role and the log group are created next to the function (`<id>Role`, `<id>Logs`) because the
 * function needs them at construction.
 */
export class WebhookFunction extends NodejsFunction {
  /** The function's execution role: grant data access to this (or to the function). */
  public readonly executionRole: Role;
  /** The configured timeout (alarms compare p99 duration with it). */
  public readonly timeoutDuration: Duration;
  /** `POWERTOOLS_SERVICE_NAME`, the `service` dimension of the function's metrics. */
  public readonly serviceName: string;

  public constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    const timeout = props.timeout ?? Duration.seconds(10);
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // Our own role instead of the default one, whose AWS managed policy may create and write
    // to any log group in the account.
    const executionRole = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    logGroup.grantWrite(executionRole);

    super(scope, id, {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      // Set explicitly: without a runtime (and without the feature flag) NodejsFunction falls back
      // to an old Node.js version.
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: executionRole,
      logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      bundling: {
        // CommonJS: a bundled CJS file loaded 7–15 ms faster at cold start than the same bundle
        // as ESM (measured with the SDK bundled; see ../shared/TOOLCHAIN.md).
        format: OutputFormat.CJS,
        target: 'node22',
        minify: true,
        // Stack traces map to the TypeScript sources; the sources themselves are left out of the
        // map, which keeps the asset (and the map Node parses with --enable-source-maps) small.
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK instead of loading the runtime's copy from node_modules: the
        // bundled SDK measured ≈ 85 ms of cold start against ≈ 121 ms, and pins the SDK version
        // to package-lock.json.
        externalModules: [],
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        ...props.environment,
      },
    });
    this.executionRole = executionRole;
    this.timeoutDuration = timeout;
    this.serviceName = props.serviceName;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the bundles are built (esbuild target node22) and tested for it; ' +
        'moving to a newer runtime is a deliberate change of this one construct.',
    });
    if (props.tracing) {
      Validations.of(executionRole).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
      });
    }
  }
}
