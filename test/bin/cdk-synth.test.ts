import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/**
 * `npx cdk synth` exactly as a user runs it (cdk.json's app, real esbuild bundling of every
 * function, cdk-nag failing the synth on any unacknowledged finding), offline, for both stages.
 */
describe('Command: npx cdk synth', () => {
  it.concurrent.each(['dev', 'prod'])('synthesizes stage %s with bundled functions and passes cdk-nag', async (stage) => {
    const outdir = mkdtempSync(path.join(tmpdir(), `hookrelay-synth-${stage}-`));
    try {
      // Act
      await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-c', `stage=${stage}`, '-o', outdir], {
        cwd: ROOT,
        env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
        maxBuffer: 16 * 1024 * 1024,
      });

      // Assess
      const template = JSON.parse(readFileSync(path.join(outdir, `hookrelay-${stage}.template.json`), 'utf8')) as {
        Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
      };
      const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path']);
      const webhookFunctions = functions.filter((fn) => statSync(path.join(outdir, fn.Metadata!['aws:asset:path']!, 'index.js')).size > 100_000);
      expect(webhookFunctions.length).toBeGreaterThanOrEqual(9); // the verifier and one processor per provider
      const types = new Set(Object.values(template.Resources).map((r) => r.Type));
      for (const type of ['AWS::ApiGateway::RestApi', 'AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::SecretsManager::Secret', 'AWS::S3::Bucket', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard']) {
        expect(types).toContain(type);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 180_000);
});
