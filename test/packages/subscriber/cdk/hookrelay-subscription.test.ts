import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { HookrelaySubscription, type HookrelaySubscriptionProps } from '@hookrelay/subscriber/cdk';
import { AwsSolutionsChecks } from 'cdk-nag';
import { testApp, validationReport } from '../../../lib/synth';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:hookrelay-dev-StripePipelineTopic1234';

/** A bare stack with a function to subscribe (its own findings are the test's, acknowledged here). */
function build(props: Partial<HookrelaySubscriptionProps> = {}, functionTimeout?: Duration, { nag = false } = {}) {
  const app = testApp();
  const stack = new Stack(app, 'Subscriber', { env: { account: '123456789012', region: 'eu-west-1' } });
  const handler = new LambdaFunction(stack, 'Handler', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] })'),
    ...(functionTimeout ? { timeout: functionTimeout } : {}),
  });
  Validations.of(handler).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The test function, not the construct under test.',
    },
    { id: 'AwsSolutions::AwsSolutions-L1', reason: 'The test function, not the construct under test.' },
  );
  const subscription = new HookrelaySubscription(stack, 'Billing', { topic: TOPIC_ARN, handler, ...props });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, subscription, template: nag ? undefined! : Template.fromStack(stack) };
}

describe('Class: HookrelaySubscription', () => {
  it('subscribes the queue with raw message delivery, keeping replays out by default', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: TOPIC_ARN,
      RawMessageDelivery: true,
      FilterPolicy: { replay: [{ exists: false }] },
    });
  });

  it('filters on exact types, prefixes and sources; a message without a source attribute matches by provider', () => {
    const { template } = build({ eventTypes: ['invoice.paid', 'customer.subscription.*'], sources: ['stripe-eu'] });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      FilterPolicy: {
        eventType: ['invoice.paid', { prefix: 'customer.subscription.' }],
        replay: [{ exists: false }],
        $or: [{ source: ['stripe-eu'] }, { source: [{ exists: false }], provider: ['stripe-eu'] }],
      },
    });
  });

  it('with includeReplays and no filters, the subscription has no filter policy', () => {
    const { template } = build({ includeReplays: true });
    template.hasResourceProperties('AWS::SNS::Subscription', { FilterPolicy: Match.absent(), RawMessageDelivery: true });
  });

  it('refuses a type pattern a filter policy cannot express', () => {
    expect(() => build({ eventTypes: ['customer.*.created'] })).toThrow(/exact types and prefixes/);
  });

  it('creates encrypted queues that refuse non-TLS access; DLQ redrive with maxReceiveCount = 5', () => {
    const { template, subscription, stack } = build();
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: stack.resolve(subscription.deadLetterQueue.queueArn), maxReceiveCount: 5 },
      MessageRetentionPeriod: 4 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        }),
      },
      2,
    );
  });

  it('lets only the topic send to the queue', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'sns.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': TOPIC_ARN } } }),
        ]),
      }),
    });
  });

  it.each([
    { case: 'the function timeout × 6', props: {}, timeout: Duration.seconds(20), expected: 120 },
    { case: 'an assumed 30 s × 6 when the function leaves its timeout unset', props: {}, timeout: undefined, expected: 180 },
    { case: 'plus the batching window', props: { maxBatchingWindow: Duration.seconds(5) }, timeout: Duration.seconds(10), expected: 65 },
    { case: 'as given', props: { visibilityTimeout: Duration.minutes(2) }, timeout: Duration.seconds(10), expected: 120 },
  ])('visibility timeout: $case', ({ props, timeout, expected }) => {
    const { template } = build(props, timeout);
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: expected, RedrivePolicy: Match.anyValue() });
  });

  it('maps the queue to the function with partial batch responses', () => {
    const { template } = build({ batchSize: 25, maxBatchingWindow: Duration.seconds(2), maxConcurrency: 4 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it.each([
    {
      case: 'a bucket name',
      payloadBucket: 'hookrelay-dev-payloads',
      resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::hookrelay-dev-payloads/*']] } as unknown,
    },
    { case: 'a bucket ARN', payloadBucket: 'arn:aws:s3:::hookrelay-payloads', resource: 'arn:aws:s3:::hookrelay-payloads/*' as unknown },
  ])('grants s3:GetObject only, on the payload bucket’s objects only ($case)', ({ payloadBucket, resource }) => {
    const { template } = build({ payloadBucket });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => (policy as { Properties: { PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> } } }).Properties.PolicyDocument.Statement,
    );
    const s3 = statements.filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
    expect(s3.map((statement) => ({ Action: statement.Action, Resource: statement.Resource }))).toEqual([
      { Action: 's3:GetObject', Resource: resource },
    ]);
  });

  it('alarms when the DLQ holds a message, notifying the given actions', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const app = testApp();
    const withAction = new Stack(app, 'WithAction');
    const fn = new LambdaFunction(withAction, 'Fn', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('0') });
    const alarms = new Topic(withAction, 'Alarms');
    new HookrelaySubscription(withAction, 'Sub', { topic: TOPIC_ARN, handler: fn, alarmActions: [new SnsAction(alarms)] });
    Template.fromStack(withAction).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }] });
  });

  it('is clean under cdk-nag AwsSolutions, payload bucket grant included (its one finding acknowledged with a reason)', () => {
    // Prepare
    const { app } = build({ payloadBucket: 'hookrelay-dev-payloads', eventTypes: ['invoice.*'] }, undefined, { nag: true });

    // Act
    const { failure, plugin } = validationReport(app, () => Template.fromStack(app.node.findChild('Subscriber') as Stack));

    // Assess
    const nag = plugin('AwsSolutions');
    expect({ failure: failure === undefined ? undefined : String(failure), violations: nag.violations.map((v) => v.ruleName) }).toEqual({ failure: undefined, violations: [] });
    expect(nag.suppressedViolations.map((finding) => finding.ruleName).sort()).toEqual([
      // The test's function (the default execution role, a runtime older than the newest), not the construct.
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      // The construct's one acknowledged finding: GetObject on the payload bucket's objects.
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::hookrelay-dev-payloads/*]',
      'AwsSolutions-L1',
    ]);
  });
});
