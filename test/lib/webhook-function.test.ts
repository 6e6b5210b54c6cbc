import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Duration, RemovalPolicy, Stack, type CfnElement } from 'aws-cdk-lib';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { WebhookFunction, type WebhookFunctionProps } from '../../lib/constructs/webhook-function';
import { testApp } from './synth';

const entry = 'lambdas/handlers/processor.ts';

function templateOf(props: Partial<WebhookFunctionProps> = {}): Template {
  const stack = new Stack(testApp(), 'Test');
  new WebhookFunction(stack, 'Fn', { entry, serviceName: 'hookrelay-test', ...props });
  return Template.fromStack(stack);
}

describe('Construct: WebhookFunction', () => {
  describe('defaults', () => {
    const template = templateOf();

    it('runs Node.js 22 on arm64 with a 10 s timeout and 512 MB', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Timeout: 10,
        MemorySize: 512,
        Handler: 'index.handler',
      });
    });

    it('sets the Powertools environment and enables source maps', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'hookrelay-test',
            POWERTOOLS_METRICS_NAMESPACE: 'hookrelay',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
    });

    it('logs to its own log group, kept one month and deleted with the stack', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^FnLogs') } },
      });
      template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
    });

    it('has a role that may write to its log group and nothing else, without managed policies', () => {
      template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnLogs'), 'Arn'] },
            },
          ],
        },
      });
    });

    it("logs in Lambda's JSON format at the INFO application level, and drops Lambda's own lines below WARN (no START/END/REPORT)", () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
      });
    });

    it('has tracing off and no reserved concurrency', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        TracingConfig: Match.absent(),
        ReservedConcurrentExecutions: Match.absent(),
      });
    });
  });

  it('applies the given timeout, memory, concurrency, log settings and tracing', () => {
    // Act
    const template = templateOf({
      timeout: Duration.seconds(20),
      memorySize: 1024,
      reservedConcurrentExecutions: 50,
      logRetention: RetentionDays.ONE_YEAR,
      logRemovalPolicy: RemovalPolicy.RETAIN,
      logLevel: 'DEBUG',
      systemLogLevel: 'INFO',
      tracing: true,
      environment: { EXTRA: 'value' },
    });

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 20,
      MemorySize: 1024,
      ReservedConcurrentExecutions: 50,
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'DEBUG', EXTRA: 'value' }) },
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'INFO' },
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        ]),
      },
    });
  });

  it('stages one asset per entry in a stack, shared by every function that runs it: bundled once, not once per function', () => {
    // Prepare
    const stack = new Stack(testApp(), 'Shared');

    // Act
    const processors = ['StripeProcessor', 'GithubProcessor', 'SlackProcessor'].map((id) => new WebhookFunction(stack, id, { entry, serviceName: 'p' }));
    new WebhookFunction(stack, 'Verifier', { entry: 'lambdas/handlers/verifier.ts', serviceName: 'v' });

    // Assess: an Asset construct is one staging (one esbuild run when bundling is on)
    const assets = stack.node.findAll().filter((construct) => construct instanceof Asset);
    expect(assets.map((asset) => asset.node.path)).toEqual(['Shared/StripeProcessor/Code', 'Shared/Verifier/Code']);
    const s3Keys = processors.map((fn) => Template.fromStack(stack).toJSON()['Resources'][stack.getLogicalId(fn.node.defaultChild as CfnElement)]['Properties']['Code']['S3Key']);
    expect(new Set(s3Keys).size).toBe(1);
  });

  describe('bundling (esbuild runs)', () => {
    let bundle: string;
    let sourceMap: { sources: string[]; sourcesContent?: unknown };

    beforeAll(() => {
      // Prepare: an app that bundles, unlike the other tests
      const app = new App({ builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'Bundled');
      new WebhookFunction(stack, 'Fn', { entry, serviceName: 'hookrelay-test' });

      // Act
      const assembly = app.synth();

      // Assess (in the tests below)
      const code = Template.fromStack(stack).findResources('AWS::Lambda::Function');
      const s3Key = (Object.values(code)[0]!['Properties'] as { Code: { S3Key: string } }).Code.S3Key;
      const assetDir = path.join(assembly.directory, `asset.${s3Key.replace(/\.zip$/, '')}`);
      bundle = readFileSync(path.join(assetDir, 'index.js'), 'utf8');
      sourceMap = JSON.parse(readFileSync(path.join(assetDir, 'index.js.map'), 'utf8')) as typeof sourceMap;
    }, 60_000);

    // Booleans, not toMatch: a failed match would print the whole megabyte bundle.
    it('emits one minified CommonJS file', () => {
      expect(/module\.exports\s*=/.test(bundle)).toBe(true);
      expect(/^export\s/m.test(bundle)).toBe(false);
      expect(bundle.split('\n').length).toBeLessThan(100);
    });

    it('bundles the AWS SDK clients instead of loading the runtime copy', () => {
      expect(/require\("@aws-sdk\/client-/.test(bundle)).toBe(false);
      expect(bundle.includes('DynamoDBClient')).toBe(true);
    });

    it('writes a source map that names the TypeScript sources without embedding them', () => {
      expect(/\/\/# sourceMappingURL=index\.js\.map\s*$/.test(bundle)).toBe(true);
      expect(sourceMap.sources.some((source) => source.endsWith('lambdas/handlers/processor.ts'))).toBe(true);
      expect(sourceMap.sourcesContent).toBeUndefined();
    });
  });
});
