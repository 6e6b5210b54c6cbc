import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildHookrelayApp } from '../../lib/hookrelay-app';
import type { HookrelayConfigInput } from '../../lib/config/schema';
import { everyOption, testApp } from './synth';

interface Finding {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs?: readonly { constructPath: string }[];
  readonly violatingResources?: readonly { constructPath: string }[];
  readonly reason?: string;
}

interface NagResult {
  /** `rule at construct path`, for a readable failure. */
  readonly unacknowledged: readonly string[];
  readonly acknowledged: readonly Finding[];
}

/**
 * Builds the app exactly as `bin/app.ts` does (AwsSolutions checks included) for `stage`, and
 * reads CDK's validation report: synth throws when a finding is not acknowledged.
 */
function checkStage(stage: string, configs: Readonly<Record<string, HookrelayConfigInput>>): NagResult {
  const app = testApp({ stage });
  buildHookrelayApp(app, configs);
  let failure: unknown;
  try {
    app.synth();
  } catch (error) {
    failure = error;
  }
  const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: Finding[]; suppressedViolations: Finding[] }[];
  };
  const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions');
  if (!nag) throw failure ?? new Error('The AwsSolutions checks did not run');
  return {
    unacknowledged: nag.violations.flatMap((finding) =>
      (finding.violatingConstructs ?? finding.violatingResources ?? []).map((where) => `${finding.ruleName} at ${where.constructPath}`),
    ),
    acknowledged: nag.suppressedViolations,
  };
}

/** The findings hookrelay acknowledges, each with its reason in code next to its resource. */
const alwaysAcknowledged = [
  'AwsSolutions-APIG2',
  'AwsSolutions-APIG4',
  'AwsSolutions-COG4',
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
  'AwsSolutions-L1',
  'AwsSolutions-S1',
  'AwsSolutions-SMG4',
];

describe('cdk-nag: AwsSolutions checks', () => {
  const results = {
    dev: checkStage('dev', { dev: {} }),
    prod: checkStage('prod', { prod: {} }),
    'every option': checkStage('dev', { dev: everyOption }),
  };

  it.each(Object.keys(results))('leaves no finding unacknowledged (%s)', (name) => {
    expect(results[name as keyof typeof results].unacknowledged).toEqual([]);
  });

  it.each([
    { name: 'dev', extra: ['AwsSolutions-APIG3', 'AwsSolutions-IAM5[Resource::<PayloadsBucket1715615A.Arn>/*]'] },
    { name: 'prod', extra: ['AwsSolutions-APIG3', 'AwsSolutions-IAM5[Resource::<PayloadsBucket1715615A.Arn>/*]'] },
    {
      name: 'every option',
      extra: [
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::<PayloadsBucket1715615A.Arn>/*]',
      ],
    },
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
