import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { providerNames } from '../../lambdas/core/registry';
import { SERVICE_NAMES } from '../../lambdas/environment';
import { providerModulesOfBundle } from '../helpers/bundle-contents';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }>;
}

interface ValidationReport {
  pluginReports: { pluginName: string; summary: { status: string }; violations: unknown[] }[];
}

/**
 * `npx cdk synth` exactly as a user runs it — cdk.json's app, the real CLI, esbuild bundling of
 * every function, both policy checks failing the synth on any unacknowledged finding — offline,
 * for the default stage. It checks only what a real synth shows: everything about the template
 * itself is tested on in-process synths (test/lib/), both stages, without bundling.
 */
describe('Command: npx cdk synth', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'hookrelay-synth-'));
  let template: Template;
  /** Each provider's nested stack template, written next to the root template. */
  let nested: Template[] = [];
  let report: ValidationReport | undefined;
  let output = '';

  beforeAll(async () => {
    // Act
    const { stdout, stderr } = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir], {
      cwd: ROOT,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });
    output = `${stdout}\n${stderr}`;
    template = JSON.parse(readFileSync(path.join(outdir, 'hookrelay-dev.template.json'), 'utf8')) as Template;
    nested = readdirSync(outdir)
      .filter((file) => file.endsWith('.nested.template.json'))
      .map((file) => JSON.parse(readFileSync(path.join(outdir, file), 'utf8')) as Template);
    const reportFile = path.join(outdir, 'validation-report.json');
    report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReport) : undefined;
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const everyResource = () => [template, ...nested].flatMap((stackTemplate) => Object.values(stackTemplate.Resources));
  const webhookFunctions = () =>
    everyResource().filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties['Handler'] === 'index.handler' && r.Properties['Runtime'] === 'nodejs22.x');

  it('passes both policy checks, cdk-nag and CloudFormation Guard, with no finding left', () => {
    expect(report?.pluginReports.map((plugin) => [plugin.pluginName, plugin.violations.length]).sort()).toEqual([
      ['AwsSolutions', 0],
      ['cdk-validator-cfnguard', 0],
    ]);
  });

  it("passes CDK's built-in validation against the CloudFormation resource schemas without a warning", () => {
    expect(output).not.toMatch(/Template validation found issues|CloudFormation Validate/);
  });

  it("writes one nested stack template per provider, referenced by the root stack", () => {
    expect(nested).toHaveLength(providerNames.length);
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudFormation::Stack')).toHaveLength(providerNames.length);
  });

  it('bundles two handlers, not one per function: the verifier, and one processor bundle every provider runs from its own stack', () => {
    const assetPaths = new Set(webhookFunctions().map((fn) => fn.Metadata!['aws:asset:path']!));
    expect(webhookFunctions()).toHaveLength(providerNames.length + 1);
    expect(assetPaths.size).toBe(2);
  });

  it("bundles every provider's module into the default deployment's verifier (one route per provider), none into the processors", () => {
    const isVerifier = (fn: Template['Resources'][string]) => fn.Properties['Environment']?.Variables?.['POWERTOOLS_SERVICE_NAME'] === SERVICE_NAMES.verifier;
    const [verifier, processor] = [webhookFunctions().find(isVerifier)!, webhookFunctions().find((fn) => !isVerifier(fn))!].map((fn) =>
      providerModulesOfBundle(path.join(outdir, fn.Metadata!['aws:asset:path']!)),
    );
    expect(verifier!.carried.filter((name) => (providerNames as readonly string[]).includes(name))).toEqual([...providerNames].sort());
    expect(verifier!.leftOut).toEqual([]);
    expect(processor!.carried).toEqual([]);
  });

  it('writes each bundle as one small minified file with a source map that names the sources without holding them', () => {
    for (const assetPath of new Set(webhookFunctions().map((fn) => fn.Metadata!['aws:asset:path']!))) {
      const bundle = path.join(outdir, assetPath, 'index.js');
      // The SDK clients and Powertools are inside (hundreds of KB); a whole node_modules would be megabytes.
      expect(statSync(bundle).size).toBeGreaterThan(100_000);
      expect(statSync(bundle).size).toBeLessThan(1_500_000);
      const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      expect(map.sources.some((source) => source.endsWith('.ts'))).toBe(true);
      expect(map.sourcesContent).toBeUndefined();
    }
  });

  it('synthesizes every kind of resource the stacks are made of', () => {
    const types = new Set(everyResource().map((r) => r.Type));
    for (const type of [
      'AWS::ApiGateway::RestApi',
      'AWS::ApiGateway::GatewayResponse',
      'AWS::DynamoDB::Table',
      'AWS::SQS::Queue',
      'AWS::SNS::Topic',
      'AWS::SNS::TopicPolicy',
      'AWS::SecretsManager::Secret',
      'AWS::S3::Bucket',
      'AWS::KMS::Key',
      'AWS::Lambda::EventSourceMapping',
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Dashboard',
      'AWS::KinesisFirehose::DeliveryStream',
      'AWS::Glue::Table',
      'AWS::Athena::WorkGroup',
      'AWS::Athena::NamedQuery',
      'AWS::Logs::QueryDefinition',
    ]) {
      expect(types).toContain(type);
    }
  });
});
