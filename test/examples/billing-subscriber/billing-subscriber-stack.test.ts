import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BillingSubscriberStack } from '../../../examples/billing-subscriber/cdk/billing-subscriber-stack';
import { parseSubscriberFilters } from '../../../local/local-subscriber';
import { testApp, validationReport } from '../../lib/synth';

const STRIPE_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hookrelay-dev-StripePipelineTopic1';
const GITHUB_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hookrelay-dev-GithubPipelineTopic1';

/** The example's app as `cdk synth` builds it, AwsSolutions checks included; bundling off (no esbuild run). */
function synth() {
  const app = testApp();
  const stack = new BillingSubscriberStack(app, 'billing-subscriber', {
    stripeTopicArn: STRIPE_TOPIC,
    githubTopicArn: GITHUB_TOPIC,
    payloadBucketName: 'hookrelay-dev-payloads',
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const report = validationReport(app, () => Template.fromStack(stack));
  return { template: report.result, failure: report.failure, nag: report.plugin('AwsSolutions') };
}

describe('Example: billing subscriber stack', () => {
  const { template, failure, nag } = synth();

  it('synthesizes clean under cdk-nag AwsSolutions', () => {
    expect({ failure: failure === undefined ? undefined : String(failure), violations: nag.violations.map((v) => v.ruleName) }).toEqual({
      failure: undefined,
      violations: [],
    });
    // The one acknowledged finding: GetObject on the payload bucket's objects (granted once for both subscriptions).
    expect(nag.suppressedViolations.map((finding) => finding.ruleName)).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::hookrelay-dev-payloads/*]',
    ]);
  });

  it.each([
    { topic: STRIPE_TOPIC, eventType: ['invoice.paid'] },
    { topic: GITHUB_TOPIC, eventType: ['push'] },
  ])('subscribes a queue to $topic for $eventType, raw delivery, replays kept out', ({ topic, eventType }) => {
    template!.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: topic,
      RawMessageDelivery: true,
      FilterPolicy: { eventType, replay: [{ exists: false }] },
    });
  });

  it("is run locally, as its README shows, with the filter policies of the stack's subscriptions", () => {
    // Prepare
    const readme = readFileSync(path.resolve(__dirname, '../../../examples/billing-subscriber/README.md'), 'utf8');
    const filters = [...readme.matchAll(/--subscriber-filter (\S+)/g)].map((match) => match[1]!);
    const topics: Record<string, string> = { stripe: STRIPE_TOPIC, github: GITHUB_TOPIC };

    // Act
    const selections = parseSubscriberFilters(filters, Object.keys(topics));

    // Assess
    expect(Object.keys(selections).sort()).toEqual(['github', 'stripe']);
    for (const [provider, { filterPolicy }] of Object.entries(selections)) {
      template!.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: topics[provider], FilterPolicy: filterPolicy });
    }
  });

  it('feeds one function from both queues, reporting partial batch failures, with its idempotency table', () => {
    template!.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] }, 2);
    template!.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    template!.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: Match.anyValue() }) },
    });
    template!.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });
});
