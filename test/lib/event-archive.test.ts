import { Duration, RemovalPolicy, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  archiveLine,
  ARCHIVE_PARTITION_QUERIES,
  FIREHOSE_ERRORS_PREFIX,
  FIREHOSE_EVENTS_PREFIX,
  partitionOf,
  partitionPrefix,
} from '../../lambdas/core/archive-format';
import { AlarmFactory } from '../../lib/constructs/alarms';
import { EventArchive, partitionQuery, SAVED_QUERIES, SAVED_QUERY_NAMES } from '../../lib/constructs/event-archive';
import { REFUSAL_QUERY_NAMES, VERIFIER_REFUSAL_MESSAGE } from '../../lib/constructs/refusal-queries';
import { synthesizeStage, testApp } from './synth';

/**
 * A fresh jq 1.6 (jq-web, emscripten): one program per instance, because the build's runtime does
 * not survive a second run of its `main` reliably.
 */
function freshJq(): typeof import('jq-web') {
  let jq: typeof import('jq-web') | undefined;
  jest.isolateModules(() => {
    jq = require('jq-web') as typeof import('jq-web');
  });
  return jq!;
}

/** The archive alone in a bare stack (bundling off), with two provider topics and three routes. */
function archiveInBareStack(props: { removalPolicy?: RemovalPolicy; retention?: Duration } = {}) {
  const stack = new Stack(testApp(), 'ArchiveTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const stripe = new Topic(stack, 'StripeTopic');
  const github = new Topic(stack, 'GithubTopic');
  const alarmTopic = new Topic(stack, 'AlarmTopic');
  const archive = new EventArchive(stack, 'Archive', {
    topics: [
      { provider: 'stripe', topic: stripe },
      { provider: 'github', topic: github },
    ],
    routes: ['stripe', 'stripe-eu', 'github'],
    namePrefix: 'hookrelay-test',
    ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    ...(props.retention ? { retention: props.retention } : {}),
    alarms: new AlarmFactory({ namePrefix: 'hookrelay-test', action: new SnsAction(alarmTopic) }),
  });
  const template = Template.fromStack(stack);
  const id = (construct: { node: { defaultChild?: unknown } } | CfnElement) =>
    stack.getLogicalId(('node' in construct && construct.node.defaultChild ? construct.node.defaultChild : construct) as CfnElement);
  return { stack, archive, template, id, topics: { stripe, github, alarmTopic } };
}

const bare = archiveInBareStack();
const streamArn = { 'Fn::GetAtt': [bare.id(bare.archive.deliveryStream), 'Arn'] };

describe('Construct: EventArchive', () => {
  describe('SNS → Firehose', () => {
    it('subscribes every topic to the one stream with raw message delivery off, a subscription role, the DLQ and a filter policy that keeps replays out', () => {
      for (const topic of [bare.topics.stripe, bare.topics.github]) {
        bare.template.hasResourceProperties('AWS::SNS::Subscription', {
          TopicArn: { Ref: bare.id(topic) },
          Protocol: 'firehose',
          Endpoint: streamArn,
          RawMessageDelivery: false,
          SubscriptionRoleArn: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith(['Arn']) }),
          FilterPolicy: { replay: [{ exists: false }] },
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [bare.id(bare.archive.deadLetterQueue), 'Arn'] } },
        });
      }
      bare.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'firehose' }, 2);
    });

    it('lets SNS only describe the stream and put records into it, and lets SNS send undeliverable messages of these topics to the DLQ', () => {
      bare.template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sns.amazonaws.com' } })] },
      });
      bare.template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['firehose:DescribeDeliveryStream', 'firehose:ListTagsForDeliveryStream', 'firehose:PutRecord', 'firehose:PutRecordBatch'],
              Resource: streamArn,
            },
          ],
        },
      });
      bare.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': { Ref: bare.id(bare.topics.stripe) } } } }),
          ]),
        },
      });
    });

    it('encrypts the stream at rest with an AWS owned key', () => {
      bare.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      });
    });
  });

  describe('Firehose → S3', () => {
    it('writes GZIP objects partitioned by route and publish hour, with JQ partition keys and no Lambda', () => {
      bare.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          BucketARN: { 'Fn::GetAtt': [bare.id(bare.archive.bucket), 'Arn'] },
          Prefix: 'events/route=!{partitionKeyFromQuery:route}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/',
          ErrorOutputPrefix: FIREHOSE_ERRORS_PREFIX,
          CompressionFormat: 'GZIP',
          FileExtension: '.json.gz',
          BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 64 },
          DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [
              {
                Type: 'MetadataExtraction',
                Parameters: [
                  { ParameterName: 'MetadataExtractionQuery', ParameterValue: partitionQuery() },
                  { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
                ],
              },
            ],
          },
          CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
        }),
      });
    });

    it('partitions with the documented JQ expressions: the route from the source attribute (else the provider), day and hour from the publish time', () => {
      expect(partitionQuery()).toBe(
        '{route: (.MessageAttributes.source.Value // .MessageAttributes.provider.Value), day: (.Timestamp[0:10]), hour: (.Timestamp[11:13])}',
      );
      expect(Object.keys(ARCHIVE_PARTITION_QUERIES)).toEqual(['route', 'day', 'hour']);
      expect(FIREHOSE_EVENTS_PREFIX).toBe(partitionPrefix({ route: '!{partitionKeyFromQuery:route}', day: '!{partitionKeyFromQuery:day}', hour: '!{partitionKeyFromQuery:hour}' }));
    });

    it("evaluated by jq 1.6 (Firehose's engine, as the jq-web build of it), files every notification in the partition the local archive writes it to", async () => {
      // Prepare: SNS notifications as Firehose receives them, with and without a source attribute.
      const notifications = [
        { source: 'stripe-eu', provider: 'stripe', at: '2026-11-29T23:59:59.999Z' },
        { source: undefined, provider: 'github', at: '2026-11-30T00:00:00.000Z' },
      ].map(({ source, provider, at }) => ({
        Type: 'Notification' as const,
        MessageId: 'm',
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t',
        Message: '{"id":"e","provider":"x","type":"t","receivedAt":"2026-11-29T00:00:00.000Z","payload":{\n}}',
        Timestamp: at,
        MessageAttributes: { provider: { Type: 'String', Value: provider }, ...(source ? { source: { Type: 'String', Value: source } } : {}) },
      }));

      // Act: each record as Firehose hands it to the query, its exact line
      const partitions: unknown[] = [];
      for (const notification of notifications) partitions.push(JSON.parse(await freshJq().promised.raw(archiveLine(notification), partitionQuery())));

      // Assess
      expect(partitions).toEqual(notifications.map(partitionOf));
    });

    it('runs the partition query on jq 1.6, the engine Firehose is configured with (`pick`, new in 1.7, is unknown to it)', async () => {
      await expect(freshJq().promised.raw('{}', 'pick(.a)')).rejects.toThrow('compile error');
    });

    it("trusts only firehose.amazonaws.com for this account (external id) and lets it write under events/ and errors/ only, with no delete", () => {
      bare.template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'firehose.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': '123456789012' } } })],
        },
      });
      const bucketArn = { 'Fn::GetAtt': [bare.id(bare.archive.bucket), 'Arn'] };
      const objectsUnder = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });
      bare.template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: bucketArn },
            { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Resource: [objectsUnder('events/'), objectsUnder('errors/')] },
            Match.objectLike({ Action: 'logs:PutLogEvents' }),
          ]),
        },
      });
      const actions = JSON.stringify(bare.template.findResources('AWS::IAM::Policy'));
      expect(actions).not.toMatch(/s3:Delete|s3:\*/);
    });

    it('creates the stream only after its role may write, since Firehose checks the role at creation', () => {
      const stream = bare.template.findResources('AWS::KinesisFirehose::DeliveryStream');
      const dependsOn = Object.values(stream)[0]!['DependsOn'] as string[];
      const policies = Object.keys(bare.template.findResources('AWS::IAM::Policy', { Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'logs:PutLogEvents' })]) } } }));
      expect(dependsOn).toEqual(expect.arrayContaining(policies));
    });
  });

  describe('archive bucket', () => {
    it('blocks public access, requires TLS, encrypts with S3-managed keys and expires events after 90 days by default', () => {
      bare.template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Id: 'expire-events', Prefix: 'events/', ExpirationInDays: 90, Status: 'Enabled' }),
            Match.objectLike({ Id: 'expire-delivery-errors', Prefix: 'errors/', ExpirationInDays: 90 }),
            Match.objectLike({ Id: 'expire-query-results', Prefix: 'query-results/', ExpirationInDays: 7 }),
          ]),
        },
      });
      bare.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it.each([
      { case: 'retained (prod)', removalPolicy: RemovalPolicy.RETAIN, deletionPolicy: 'Retain', autoDelete: 0 },
      { case: 'destroyed and emptied with the stack (dev)', removalPolicy: RemovalPolicy.DESTROY, deletionPolicy: 'Delete', autoDelete: 1 },
    ])('is $case', ({ removalPolicy, deletionPolicy, autoDelete }) => {
      const { template } = archiveInBareStack({ removalPolicy });
      template.hasResource('AWS::S3::Bucket', { DeletionPolicy: deletionPolicy });
      template.resourceCountIs('Custom::S3AutoDeleteObjects', autoDelete);
    });

    it('expires events after the configured retention, and projects the table over the same days', () => {
      const { template } = archiveInBareStack({ retention: Duration.days(400) });
      template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-events', ExpirationInDays: 400 })]) } });
      template.hasResourceProperties('AWS::Glue::Table', { TableInput: { Parameters: Match.objectLike({ 'projection.day.range': 'NOW-400DAYS,NOW' }) } });
    });
  });

  describe('search', () => {
    const tableInput = () => (Object.values(bare.template.findResources('AWS::Glue::Table'))[0]!['Properties'] as { TableInput: Record<string, any> }).TableInput;

    it('declares a JSON SerDe table over the archive with partition projection (no crawler): every route, days within the retention, hours 00–23', () => {
      bare.template.resourceCountIs('AWS::Glue::Crawler', 0);
      bare.template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'hookrelay_test_archive' } });
      bare.template.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: 'hookrelay_test_archive',
        TableInput: Match.objectLike({
          Name: 'events',
          TableType: 'EXTERNAL_TABLE',
          PartitionKeys: [Match.objectLike({ Name: 'route' }), Match.objectLike({ Name: 'day' }), Match.objectLike({ Name: 'hour' })],
          Parameters: Match.objectLike({
            'projection.enabled': 'true',
            'projection.route.type': 'enum',
            'projection.route.values': 'stripe,stripe-eu,github',
            'projection.day.type': 'date',
            'projection.day.format': 'yyyy-MM-dd',
            'projection.day.range': 'NOW-90DAYS,NOW',
            'projection.hour.type': 'enum',
            'projection.hour.values': '00,01,02,03,04,05,06,07,08,09,10,11,12,13,14,15,16,17,18,19,20,21,22,23',
          }),
          StorageDescriptor: Match.objectLike({
            SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }),
          }),
        }),
      });
    });

    it('locates each projected partition exactly where Firehose (and the local archive) write it', () => {
      // Prepare
      const template = tableInput()['Parameters']['storage.location.template'] as { 'Fn::Join': [string, unknown[]] };
      const text = template['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<bucket>')).join('');

      // Act
      const located = text.replace('${route}', 'stripe-eu').replace('${day}', '2026-11-29').replace('${hour}', '03');

      // Assess
      expect(located).toBe(`s3://<bucket>/${partitionPrefix({ route: 'stripe-eu', day: '2026-11-29', hour: '03' })}`);
    });

    it("names SNS's notification fields as columns (message, published_at, attributes), the envelope kept as text", () => {
      const { StorageDescriptor } = tableInput();
      expect(StorageDescriptor.Columns.map((column: { Name: string }) => column.Name)).toEqual(['message_id', 'topic_arn', 'message', 'published_at', 'attributes']);
      expect(StorageDescriptor.SerdeInfo.Parameters).toEqual({
        'mapping.message_id': 'messageid',
        'mapping.topic_arn': 'topicarn',
        'mapping.published_at': 'timestamp',
        'mapping.attributes': 'messageattributes',
      });
    });

    it('creates an Athena workgroup that enforces S3-encrypted results in the archive bucket and cancels queries past 10 GiB scanned', () => {
      bare.template.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: 'hookrelay-test-archive',
        WorkGroupConfiguration: Match.objectLike({
          EnforceWorkGroupConfiguration: true,
          BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
          ResultConfiguration: Match.objectLike({
            EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
            OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: bare.id(bare.archive.bucket) }, '/query-results/']] },
          }),
        }),
      });
    });

    it.each(Object.entries(SAVED_QUERY_NAMES))('saves the %s query (%s) in the workgroup and database, parameterised and bounded by day', (key, name) => {
      bare.template.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: name,
        Database: 'hookrelay_test_archive',
        WorkGroup: { Ref: bare.id(bare.archive.workGroup) },
        QueryString: SAVED_QUERIES[key as keyof typeof SAVED_QUERIES]('events'),
      });
      expect(SAVED_QUERIES[key as keyof typeof SAVED_QUERIES]('events')).toMatch(/day BETWEEN \? AND \?/);
    });
  });

  describe('alarms', () => {
    it.each([
      { case: 'the archive DLQ holds a message', name: 'hookrelay-test-archive-dead-letters', metric: 'ApproximateNumberOfMessagesVisible', threshold: 1 },
      { case: "Firehose's oldest record waited past the buffer interval plus 15 minutes", name: 'hookrelay-test-archive-delivery-stale', metric: 'DeliveryToS3.DataFreshness', threshold: 1200 },
    ])('alarms when $case, notifying the alarm topic when it fires and recovers', ({ name, metric, threshold }) => {
      const topic = { Ref: bare.id(bare.topics.alarmTopic) };
      bare.template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: name, MetricName: metric, Threshold: threshold, AlarmActions: [topic], OKActions: [topic] });
    });
  });
});

describe('Stack: WebhookStack with the archive', () => {
  const on = synthesizeStage('dev');
  const off = synthesizeStage('dev', { archive: { enabled: false } });
  const prod = synthesizeStage('prod', { payloadRetentionDays: 120, archive: { retentionDays: 60 } });
  const payloadExpiry = (synthesized: typeof on) =>
    synthesized.template.toJSON()['Resources'][synthesized.stack.getLogicalId(synthesized.stack.payloads.bucket.node.defaultChild as CfnElement)]['Properties'][
      'LifecycleConfiguration'
    ]['Rules'][0]['ExpirationInDays'];

  it('archives every provider topic by default, and outputs the bucket, workgroup, database and DLQ', () => {
    expect(on.stack.archive).toBeDefined();
    on.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'firehose' }, on.stack.pipelines.length);
    const outputs = Object.keys(on.template.toJSON()['Outputs']);
    expect(outputs).toEqual(expect.arrayContaining(['ArchiveBucketName', 'ArchiveWorkGroup', 'ArchiveDatabase', 'ArchiveDeadLetterQueueUrl']));
  });

  it('keeps claim-checked payloads as long as the archive: the larger of payloadRetentionDays and archive.retentionDays', () => {
    expect(payloadExpiry(on)).toBe(90);
    expect(payloadExpiry(prod)).toBe(120);
  });

  it('has no archive when a stage turns it off: no stream, table, workgroup or outputs, and payloads expire after payloadRetentionDays', () => {
    expect(off.stack.archive).toBeUndefined();
    for (const type of ['AWS::KinesisFirehose::DeliveryStream', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup', 'AWS::Athena::NamedQuery']) off.template.resourceCountIs(type, 0);
    off.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'firehose' }, 0);
    expect(Object.keys(off.template.toJSON()['Outputs']).filter((key) => key.startsWith('Archive'))).toEqual([]);
    expect(payloadExpiry(off)).toBe(30);
  });

  it("saves Logs Insights queries over the verifier's refusals by route and code, with or without the archive", () => {
    for (const synthesized of [on, off]) {
      const verifierLogs = synthesized.stack.getLogicalId(synthesized.stack.verifier.logGroup.node.defaultChild as CfnElement);
      for (const name of Object.values(REFUSAL_QUERY_NAMES)) {
        synthesized.template.hasResourceProperties('AWS::Logs::QueryDefinition', {
          Name: `hookrelay-dev/${name}`,
          LogGroupNames: [{ Ref: verifierLogs }],
          QueryString: Match.stringLikeRegexp(`filter message = "${VERIFIER_REFUSAL_MESSAGE}"`),
        });
      }
    }
    on.template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      QueryString: Match.stringLikeRegexp('fields route, code\\n\\| filter message = "Webhook refused"\\n\\| stats count\\(\\*\\) as refusals by route, code'),
    });
  });
});
