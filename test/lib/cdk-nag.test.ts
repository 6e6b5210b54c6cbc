import * as path from 'node:path';
import { providerNames } from '../../lambdas/core/registry';
import { buildHookrelayApp } from '../../lib/hookrelay-app';
import type { HookrelayConfigInput } from '../../lib/config/schema';
import { GUARD_PLUGIN, guardRulesFor, policyChecks } from '../../lib/policy-checks';
import { registeredProviderMethods, type WebhookStackProps } from '../../lib/webhook-stack';
import { everyOption, testApp, validationReport, type PolicyFinding } from './synth';

interface PluginResult {
  /** `rule at construct path`, for a readable failure. */
  readonly unacknowledged: readonly string[];
  readonly acknowledged: readonly PolicyFinding[];
}

interface CheckResult {
  readonly nag: PluginResult;
  readonly guard: PluginResult;
  /** The CloudFormation Guard rules that ran, by id (`sqspr1` for CT.SQS.PR.1). */
  readonly guardRuleIds: readonly string[];
}

/**
 * Builds the app exactly as `bin/app.ts` does (cdk-nag and CloudFormation Guard included) for
 * `stage`, and reads CDK's validation report: synth throws when a finding is not acknowledged.
 */
function checkStage(stage: string, configs: Readonly<Record<string, HookrelayConfigInput>>, stackProps: Omit<WebhookStackProps, 'config'> = {}): CheckResult {
  const app = testApp({ stage });
  const stack = buildHookrelayApp(app, configs, stackProps);
  const guardRuleIds = (policyChecks(stack)[1] as { ruleIds?: string[] }).ruleIds ?? [];
  const report = validationReport(app);
  const resultOf = (pluginName: string): PluginResult => {
    const plugin = report.plugin(pluginName);
    return {
      unacknowledged: plugin.violations.flatMap((finding) =>
        (finding.violatingConstructs ?? finding.violatingResources ?? []).map((where) => `${finding.ruleName} at ${where.constructPath}`),
      ),
      acknowledged: plugin.suppressedViolations,
    };
  };
  return { nag: resultOf('AwsSolutions'), guard: resultOf(GUARD_PLUGIN), guardRuleIds };
}

/** The findings hookrelay acknowledges with either ingress, each with its reason in code next to its resource. */
const alwaysAcknowledged = [
  'AwsSolutions-APIG4',
  'AwsSolutions-IAM5[Resource::<ArchiveBucket49F1AC64.Arn>/errors/*]',
  'AwsSolutions-IAM5[Resource::<ArchiveBucket49F1AC64.Arn>/events/*]',
  'AwsSolutions-L1',
  'AwsSolutions-S1',
  'AwsSolutions-SMG4',
  'AwsSolutions-SQS3',
];
/** The findings of the REST API only: request models, Cognito, and its account-wide logging role. */
const restAcknowledged = [
  'AwsSolutions-APIG2',
  'AwsSolutions-COG4',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
];

/** The CloudFormation Guard findings hookrelay acknowledges, each with its reason next to its resource. */
const guardAlwaysAcknowledged = [
  'athena_workgroup_results_encrypted_at_rest_kms_check',
  'sqs_dlq_check',
  'cloudwatch_log_group_encrypted_check',
  'lambda_function_public_access_prohibited_check',
  'lambda_inside_vpc_check',
  's3_bucket_default_encryption_kms_check',
  's3_bucket_logging_enabled_check',
  's3_bucket_object_lock_enabled_check',
  's3_bucket_versioning_enabled_check',
  's3_event_notifications_enabled_check',
];

const checked = {
  dev: checkStage('dev', { dev: {} }),
  prod: checkStage('prod', { prod: {} }),
  // With GET methods on the generic routes, as a provider declaring GET gets them.
  'every option': checkStage('dev', { dev: everyOption }, {
    providerMethods: (provider) => (provider === 'generic' ? ['GET', 'POST'] : registeredProviderMethods(provider)),
  }),
  // The HTTP API with every option it takes (WAF is refused with it).
  'http, every option': checkStage('dev', { dev: { ...withoutWaf(everyOption), api: { type: 'http' } } }, {
    providerMethods: (provider) => (provider === 'generic' ? ['GET', 'POST'] : registeredProviderMethods(provider)),
  }),
};
type Checked = keyof typeof checked;

function withoutWaf({ waf: _waf, ...config }: HookrelayConfigInput): HookrelayConfigInput {
  return config;
}

describe('cdk-nag: AwsSolutions checks', () => {
  const results = Object.fromEntries(Object.entries(checked).map(([name, result]) => [name, result.nag])) as Record<Checked, PluginResult>;

  it.each(Object.keys(results))('leaves no finding unacknowledged (%s)', (name) => {
    expect(results[name as keyof typeof results].unacknowledged).toEqual([]);
  });

  it.each([
    { name: 'dev', extra: [...restAcknowledged, 'AwsSolutions-APIG3', 'AwsSolutions-IAM5[Resource::<PayloadsBucket1715615A.Arn>/*]'] },
    { name: 'prod', extra: [...restAcknowledged, 'AwsSolutions-APIG3', 'AwsSolutions-IAM5[Resource::<PayloadsBucket1715615A.Arn>/*]'] },
    {
      name: 'every option',
      extra: [...restAcknowledged, 'AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-IAM5[Resource::<PayloadsBucket1715615A.Arn>/*]'],
    },
    // No WAF finding (APIG3 is a REST stage rule) and no request-model, Cognito or logging-role finding.
    { name: 'http, every option', extra: ['AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-IAM5[Resource::<PayloadsBucket1715615A.Arn>/*]'] },
  ])('acknowledges only the documented findings ($name)', ({ name, extra }) => {
    const rules = new Set(results[name as keyof typeof results].acknowledged.map((finding) => finding.ruleName));
    expect([...rules].sort()).toEqual([...alwaysAcknowledged, ...extra].sort());
  });

  it('justifies every acknowledgement with a reason', () => {
    for (const result of Object.values(results)) {
      for (const finding of result.acknowledged) expect(finding.reason?.length ?? 0).toBeGreaterThan(40);
    }
  });

  it('fails synth on an unknown stage, listing the stages it accepts', () => {
    expect(() => buildHookrelayApp(testApp({ stage: 'staging' }))).toThrow(/stage: .*"dev"\|"prod"/);
  });
});

describe('CloudFormation Guard: Control Tower proactive controls', () => {
  const results = Object.fromEntries(Object.entries(checked).map(([name, result]) => [name, result.guard])) as Record<Checked, PluginResult>;

  it.each(Object.keys(results))('leaves no finding unacknowledged (%s)', (name) => {
    expect(results[name as Checked].unacknowledged).toEqual([]);
  });

  it.each([
    { name: 'dev', extra: ['api_gw_xray_enabled_check', 'cloudwatch_log_group_retention_period_check'] },
    { name: 'prod', extra: ['api_gw_xray_enabled_check'] },
    { name: 'every option', extra: ['cloudwatch_log_group_retention_period_check'] },
    // No X-Ray rule for an HTTP stage; its routes' authorization type instead.
    { name: 'http, every option', extra: ['api_gw_v2_authorization_type_configured_check', 'cloudwatch_log_group_retention_period_check'] },
  ])('acknowledges only the documented findings ($name)', ({ name, extra }) => {
    const rules = new Set(results[name as Checked].acknowledged.map((finding) => finding.ruleName));
    expect([...rules].sort()).toEqual([...guardAlwaysAcknowledged, ...extra].sort());
  });

  it.each(Object.keys(results))('runs, and passes without acknowledgement, the DLQ redrive rule and the key-grant rule (%s)', (name) => {
    const result = checked[name as Checked];
    expect(result.guardRuleIds).toEqual(expect.arrayContaining(['sqspr1', 'kmspr3']));
    const rules = result.guard.acknowledged.map((finding) => finding.ruleName);
    expect(rules).not.toContain('kms_create_grant_aws_service_check');
    // Every provider queue and DLQ passes; only the archive's SNS dead-letter queue, which no SQS queue redrives into, is acknowledged.
    const redriveAcknowledged = result.guard.acknowledged
      .filter((finding) => finding.ruleName === 'sqs_dlq_check')
      .flatMap((finding) => (finding.violatingResources ?? finding.violatingConstructs ?? []).map((where) => where.constructPath));
    expect(redriveAcknowledged).toEqual([expect.stringMatching(/\/Archive\/DeadLetterQueue\/Resource$/)]);
  });

  it('justifies every acknowledgement with a reason', () => {
    for (const result of Object.values(results)) {
      for (const finding of result.acknowledged) expect(finding.reason?.length ?? 0).toBeGreaterThan(40);
    }
  });

  it.each(Object.keys(results))("checks every provider's nested stack template, not only the root stack's (%s)", (name) => {
    // Assess: CDK hands the plugins the root template only; the processors live in nested templates
    const templates = new Set(
      results[name as Checked].acknowledged.flatMap((finding) => (finding.violatingConstructs ?? []).map((where) => where.cloudFormationResource?.templatePath ?? '')),
    );
    const nested = [...templates].filter((template) => template.endsWith('.nested.template.json'));
    expect(nested).toHaveLength(name.endsWith('every option') ? 5 : providerNames.length);
    const processorFindings = results[name as Checked].acknowledged.filter(
      (finding) => finding.ruleName === 'lambda_inside_vpc_check' && finding.violatingConstructs?.some((where) => /Pipeline\/Pipeline\/Processor\//.test(where.constructPath)),
    );
    expect(processorFindings.length).toBeGreaterThan(0);
  });

  it("runs every rule that inspects one of the stack's resource types, and none that cannot find anything", () => {
    // Act
    const rules = guardRulesFor(new Set(['AWS::SQS::Queue', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'])).map((file) => path.basename(file));

    // Assess: ct-cloudwatch-pr-3 inspects log groups; ct-eks-pr-2 names KMS keys but inspects EKS clusters
    expect(rules).toEqual(expect.arrayContaining(['ct-sqs-pr-1.guard', 'ct-kms-pr-3.guard', 'ct-cloudwatch-pr-3.guard']));
    expect(rules).not.toContain('ct-eks-pr-2.guard');
    expect(rules).not.toContain('ct-rds-pr-1.guard');
  });
});
