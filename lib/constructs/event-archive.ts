import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { Metric, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { LogGroup, LogStream, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { type CfnSubscription, type ITopic, Subscription, SubscriptionProtocol } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ARCHIVE_ERRORS_PREFIX,
  ARCHIVE_EVENTS_PREFIX,
  ARCHIVE_FILE_EXTENSION,
  ARCHIVE_PARTITION_QUERIES,
  FIREHOSE_ERRORS_PREFIX,
  FIREHOSE_EVENTS_PREFIX,
  QUERY_RESULTS_PREFIX,
} from '../../lambdas/core/archive-format';
import { subscriptionFilterPolicy } from '../../packages/subscriber/src/filter-policy';
import { DEFAULT_LOG_RETENTION, DEFAULTS } from '../config/defaults';
import { pascalCase, STACK_OUTPUT_KEYS } from '../naming';
import { acknowledgeGuardFinding } from '../policy-checks';
import { acknowledgeLogGroupFindings } from './acknowledge';
import type { AlarmFactory } from './alarms';
import { DEAD_LETTER_RETENTION, MAX_QUEUE_MESSAGE_BYTES } from './provider-pipeline';

/** Firehose's smallest buffer with dynamic partitioning: objects are written at the interval, or at 64 MiB per partition. */
const BUFFER_SIZE_MIB = 64;
/** The archive table's name within its database. */
const TABLE_NAME = 'events';
/** Hours of the day, as the archive's keys write them: the `hour` partition's values. */
const HOURS = Array.from({ length: 24 }, (_, hour) => String(hour).padStart(2, '0'));

export interface ArchivedTopic {
  /** The provider whose envelopes the topic carries. */
  readonly provider: string;
  readonly topic: ITopic;
}

export interface EventArchiveProps {
  /** Every provider topic: each delivers its envelopes to the archive. */
  readonly topics: readonly ArchivedTopic[];
  /** Every route name: the values of the table's `route` partition. */
  readonly routes: readonly string[];
  /** Prefix of the workgroup and database names. @default the stack name */
  readonly namePrefix?: string;
  /** How long archived events are kept. @default Duration.days(90) */
  readonly retention?: Duration;
  /** How long Firehose buffers before writing an object (60 s–900 s). @default Duration.seconds(300) */
  readonly bufferInterval?: Duration;
  /** Bytes one Athena query may scan before it is cancelled. @default 10 GiB */
  readonly queryBytesScannedLimit?: number;
  /** How long Athena query results are kept. @default Duration.days(7) */
  readonly queryResultRetention?: Duration;
  /** What happens to the bucket, queue and log group when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
  /** Retention of Firehose's delivery error log. @default DEFAULT_LOG_RETENTION (RetentionDays.ONE_MONTH) */
  readonly logRetention?: RetentionDays;
  /** Builds the archive's alarms, named, notified and shown on the dashboard like every other alarm. */
  readonly alarms: AlarmFactory;
}

/** Names of the saved Athena queries, as they appear in the workgroup. */
export const SAVED_QUERY_NAMES = {
  eventsByType: 'events-by-type',
  eventById: 'event-by-id',
  countsPerProviderPerHour: 'counts-per-provider-per-hour',
} as const;

/**
 * Every envelope published to the provider topics, kept independently of subscribers and searchable
 * with SQL:
 *
 * - each topic delivers to one Kinesis Data Firehose stream (an SNS subscription with a role, raw
 *   message delivery off — see `lambdas/core/archive-format.ts` — and a filter policy that keeps
 *   replays out, so a replay is never archived as a new event; undeliverable messages go to a DLQ);
 * - Firehose writes GZIP objects partitioned by route and publish hour (dynamic partitioning with
 *   inline JQ, no Lambda) to a private, TLS-only, S3-encrypted bucket that expires them;
 * - a Glue table over them with partition projection (no crawler), an Athena workgroup that
 *   encrypts its results and cancels queries past a byte limit, and saved queries.
 */
export class EventArchive extends Construct {
  public readonly bucket: Bucket;
  public readonly deliveryStream: CfnDeliveryStream;
  /** What SNS could not deliver to Firehose (after SNS's own retries). */
  public readonly deadLetterQueue: Queue;
  public readonly subscriptions: readonly Subscription[];
  public readonly database: CfnDatabase;
  public readonly table: CfnTable;
  public readonly workGroup: CfnWorkGroup;
  public readonly savedQueries: Readonly<Record<keyof typeof SAVED_QUERY_NAMES, CfnNamedQuery>>;
  public readonly alarms: readonly Alarm[];

  /** The Glue database's name. */
  readonly #databaseName: string;
  /** How long events are kept. */
  readonly #retention: Duration;

  public constructor(scope: Construct, id: string, props: EventArchiveProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const namePrefix = props.namePrefix ?? stack.stackName;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.#retention = props.retention ?? Duration.days(DEFAULTS.archive.retentionDays);
    const bufferInterval = props.bufferInterval ?? Duration.seconds(DEFAULTS.archive.bufferIntervalSeconds);

    this.bucket = this.#bucket(removalPolicy, props.queryResultRetention ?? Duration.days(DEFAULTS.archive.queryResultRetentionDays));
    this.deliveryStream = this.#deliveryStream(bufferInterval, removalPolicy, props.logRetention ?? DEFAULT_LOG_RETENTION);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_QUEUE_MESSAGE_BYTES,
      retentionPeriod: DEAD_LETTER_RETENTION,
      removalPolicy,
    });
    // SNS, not an SQS redrive policy, moves messages into this queue: neither check recognises it as a DLQ.
    const snsDeadLetterQueue =
      "The dead-letter queue of the archive's SNS subscriptions: SNS moves undeliverable messages into it, no SQS queue redrives here, " +
      'so there is no source queue for a redrive allow policy to name, and a DLQ of its own would only move the same messages twice.';
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: snsDeadLetterQueue });
    acknowledgeGuardFinding(this.deadLetterQueue, 'sqs_dlq_check', snsDeadLetterQueue);
    this.subscriptions = this.#subscribe(props.topics);

    this.#databaseName = `${namePrefix.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_archive`;
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.#databaseName, description: `${namePrefix}: archived hookrelay envelopes` },
    });
    this.table = this.#table(props.routes);
    this.workGroup = this.#workGroup(namePrefix, props.queryBytesScannedLimit ?? DEFAULTS.archive.queryBytesScannedLimit);
    this.savedQueries = this.#savedQueries();
    this.alarms = this.#alarms(props.alarms, bufferInterval);
  }

  /** Stack outputs the operator tools read (`npm run replay` finds the bucket by `STACK_OUTPUT_KEYS.archiveBucketName`). */
  public outputs(): Record<string, { value: string; description: string }> {
    return {
      [STACK_OUTPUT_KEYS.archiveBucketName]: {
        value: this.bucket.bucketName,
        description: 'Archived envelopes (events/route=…/day=…/hour=…/): npm run replay reads them',
      },
      [STACK_OUTPUT_KEYS.archiveWorkGroup]: { value: this.workGroup.ref, description: 'Athena workgroup with the saved archive queries' },
      [STACK_OUTPUT_KEYS.archiveDatabase]: { value: this.#databaseName, description: 'Glue database of the archive table (events)' },
      [STACK_OUTPUT_KEYS.archiveDeadLetterQueueUrl]: { value: this.deadLetterQueue.queueUrl, description: 'Envelopes SNS could not deliver to the archive' },
    };
  }

  #bucket(removalPolicy: RemovalPolicy, queryResultRetention: Duration): Bucket {
    const bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'expire-events', prefix: ARCHIVE_EVENTS_PREFIX, expiration: this.#retention },
        { id: 'expire-delivery-errors', prefix: ARCHIVE_ERRORS_PREFIX, expiration: this.#retention },
        { id: 'expire-query-results', prefix: QUERY_RESULTS_PREFIX, expiration: queryResultRetention },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    const accessLogsReason =
      'Written only by Firehose and Athena through roles of this stack, read by operators through IAM; ' +
      'enable CloudTrail S3 data events for an audit trail instead of a second, log-holding bucket.';
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions::AwsSolutions-S1', reason: accessLogsReason });
    const guardFindings: Record<string, string> = {
      s3_bucket_logging_enabled_check: accessLogsReason,
      s3_bucket_default_encryption_kms_check:
        'S3-managed encryption on purpose: the replay tool and Athena users need s3:GetObject on the archive and no grant on a KMS key.',
      s3_bucket_versioning_enabled_check:
        'Firehose writes each object once under a unique key and the lifecycle expires it; versions would only keep expired events longer.',
      s3_event_notifications_enabled_check: 'Nothing reacts to archive objects: Athena and the replay tool read them on demand.',
      s3_bucket_object_lock_enabled_check: 'Archived events must expire at the configured retention and be deletable with the stack in dev; object lock would prevent both.',
    };
    for (const [rule, reason] of Object.entries(guardFindings)) acknowledgeGuardFinding(bucket, rule, reason);
    return bucket;
  }

  #deliveryStream(bufferInterval: Duration, removalPolicy: RemovalPolicy, logRetention: RetentionDays): CfnDeliveryStream {
    const stack = Stack.of(this);
    const logGroup = new LogGroup(this, 'DeliveryLogs', { retention: logRetention, removalPolicy });
    acknowledgeLogGroupFindings(logGroup, logRetention);
    const logStream = new LogStream(this, 'DeliveryLogStream', { logGroup, removalPolicy });

    // The role Firehose writes with: objects under the archive's two prefixes, and its error log.
    // `sts:ExternalId` = the account, as Firehose's documentation recommends against a confused deputy.
    const role = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': stack.account } } }),
      description: 'Firehose writes archived hookrelay envelopes to the archive bucket',
    });
    const objects = [this.bucket.arnForObjects(`${ARCHIVE_EVENTS_PREFIX}*`), this.bucket.arnForObjects(`${ARCHIVE_ERRORS_PREFIX}*`)];
    const policy = new Policy(this, 'DeliveryPolicy', {
      roles: [role],
      statements: [
        new PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [this.bucket.bucketArn] }),
        new PolicyStatement({ actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], resources: objects }),
        new PolicyStatement({
          actions: ['logs:PutLogEvents'],
          resources: [
            stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: `${logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      ],
    });
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    for (const prefix of [ARCHIVE_EVENTS_PREFIX, ARCHIVE_ERRORS_PREFIX]) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: 'Firehose names each object itself (partition, stream, time, random id); the grant covers one prefix of the archive bucket, with no delete.',
      });
    }

    const stream = new CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: FIREHOSE_EVENTS_PREFIX,
        errorOutputPrefix: FIREHOSE_ERRORS_PREFIX,
        compressionFormat: 'GZIP',
        fileExtension: ARCHIVE_FILE_EXTENSION,
        bufferingHints: { intervalInSeconds: bufferInterval.toSeconds(), sizeInMBs: BUFFER_SIZE_MIB },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: partitionQuery() },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
        cloudWatchLoggingOptions: { enabled: true, logGroupName: logGroup.logGroupName, logStreamName: logStream.logStreamName },
      },
    });
    // Firehose checks its role when the stream is created: the policy must exist first.
    stream.node.addDependency(policy);
    return stream;
  }

  #subscribe(topics: readonly ArchivedTopic[]): Subscription[] {
    const role = new Role(this, 'SubscriptionRole', {
      assumedBy: new ServicePrincipal('sns.amazonaws.com'),
      description: 'SNS delivers hookrelay envelopes to the archive stream',
    });
    // What SNS's documentation asks for, on this stream only; `firehose:ListDeliveryStreams` is left
    // out because it cannot be limited to one stream, and delivery does not use it.
    const policy = new Policy(this, 'SubscriptionPolicy', {
      roles: [role],
      statements: [
        new PolicyStatement({
          actions: ['firehose:DescribeDeliveryStream', 'firehose:ListTagsForDeliveryStream', 'firehose:PutRecord', 'firehose:PutRecordBatch'],
          resources: [this.deliveryStream.attrArn],
        }),
      ],
    });
    // Replays (attribute `replay`) are kept out exactly as hookrelay's subscriber construct keeps them out.
    const filterPolicy = subscriptionFilterPolicy({});
    return topics.map(({ provider, topic }) => {
      const subscription = new Subscription(this, `${pascalCase(provider)}Subscription`, {
        topic,
        protocol: SubscriptionProtocol.FIREHOSE,
        endpoint: this.deliveryStream.attrArn,
        subscriptionRoleArn: role.roleArn,
        deadLetterQueue: this.deadLetterQueue,
      });
      const cfn = subscription.node.defaultChild as CfnSubscription;
      // Deliberately off: the record is SNS's one-line JSON notification (see archive-format.ts).
      cfn.rawMessageDelivery = false;
      if (filterPolicy) cfn.filterPolicy = filterPolicy;
      subscription.node.addDependency(policy);
      return subscription;
    });
  }

  #table(routes: readonly string[]): CfnTable {
    const stack = Stack.of(this);
    const location = `s3://${this.bucket.bucketName}/${ARCHIVE_EVENTS_PREFIX}`;
    const attribute = 'struct<type:string,value:string>';
    const table = new CfnTable(this, 'EventsTable', {
      catalogId: stack.account,
      databaseName: this.#databaseName,
      tableInput: {
        name: TABLE_NAME,
        description: 'One row per archived envelope: SNS notifications as Firehose wrote them, partitioned by route and publish hour (UTC)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [
          { name: 'route', type: 'string', comment: 'the route the event arrived on' },
          { name: 'day', type: 'string', comment: 'publish day, yyyy-MM-dd (UTC)' },
          { name: 'hour', type: 'string', comment: 'publish hour, 00-23 (UTC)' },
        ],
        // Partition projection: Athena computes the partitions from these rules, so no crawler runs
        // and no partition is ever registered.
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.route.type': 'enum',
          'projection.route.values': routes.join(','),
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy-MM-dd',
          'projection.day.range': `NOW-${Math.round(this.#retention.toDays())}DAYS,NOW`,
          'projection.day.interval': '1',
          'projection.day.interval.unit': 'DAYS',
          'projection.hour.type': 'enum',
          'projection.hour.values': HOURS.join(','),
          'storage.location.template': `${location}route=\${route}/day=\${day}/hour=\${hour}/`,
        },
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // The SerDe reads keys case-insensitively (lower case): these name SNS's fields as columns.
            parameters: {
              'mapping.message_id': 'messageid',
              'mapping.topic_arn': 'topicarn',
              'mapping.published_at': 'timestamp',
              'mapping.attributes': 'messageattributes',
            },
          },
          columns: [
            { name: 'message_id', type: 'string', comment: 'SNS message id' },
            { name: 'topic_arn', type: 'string', comment: 'the provider topic' },
            { name: 'message', type: 'string', comment: 'the envelope exactly as published (JSON text): json_extract_scalar(message, \'$.id\')' },
            { name: 'published_at', type: 'string', comment: 'SNS publish time, ISO-8601 UTC' },
            { name: 'attributes', type: `struct<provider:${attribute},source:${attribute},eventtype:${attribute}>`, comment: 'message attributes: attributes.eventtype.value' },
          ],
        },
      },
    });
    table.node.addDependency(this.database);
    return table;
  }

  #workGroup(namePrefix: string, bytesScannedLimit: number): CfnWorkGroup {
    const stack = Stack.of(this);
    const workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${namePrefix.slice(0, 120)}-archive`,
      description: 'hookrelay archive: saved queries over archived envelopes',
      state: 'ENABLED',
      // The workgroup holds nothing but saved queries and history: delete it with the stack.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: bytesScannedLimit,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/${QUERY_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: stack.account,
        },
      },
    });
    acknowledgeGuardFinding(
      workGroup,
      'athena_workgroup_results_encrypted_at_rest_kms_check',
      'Results are encrypted with S3-managed keys (enforced by the workgroup), like the archive they come from: readers need no grant on a KMS key.',
    );
    return workGroup;
  }

  #savedQueries(): Record<keyof typeof SAVED_QUERY_NAMES, CfnNamedQuery> {
    const query = (key: keyof typeof SAVED_QUERY_NAMES, description: string, queryString: string) => {
      const named = new CfnNamedQuery(this, `${pascalCase(SAVED_QUERY_NAMES[key])}Query`, {
        name: SAVED_QUERY_NAMES[key],
        description,
        database: this.#databaseName,
        workGroup: this.workGroup.ref,
        queryString,
      });
      named.node.addDependency(this.table);
      return named;
    };
    return {
      eventsByType: query('eventsByType', 'Events of one type (LIKE pattern) published between two times', SAVED_QUERIES.eventsByType(TABLE_NAME)),
      eventById: query('eventById', 'One event by its id, with the exact envelope', SAVED_QUERIES.eventById(TABLE_NAME)),
      countsPerProviderPerHour: query('countsPerProviderPerHour', 'Distinct events published per provider and hour (UTC)', SAVED_QUERIES.countsPerProviderPerHour(TABLE_NAME)),
    };
  }

  #alarms(alarms: AlarmFactory, bufferInterval: Duration): Alarm[] {
    return [
      alarms.deadLetterAlarm(this, 'DeadLetterAlarm', {
        name: 'archive-dead-letters',
        description: `SNS could not deliver envelopes to the archive stream; they wait in the archive DLQ (${STACK_OUTPUT_KEYS.archiveDeadLetterQueueUrl}).`,
        queue: this.deadLetterQueue,
      }),
      alarms.alarm(this, 'DeliveryStaleAlarm', {
        name: 'archive-delivery-stale',
        description: 'The oldest record in the archive stream has waited past its buffer interval plus 15 minutes: Firehose cannot write to S3.',
        metric: new Metric({
          namespace: 'AWS/Firehose',
          metricName: 'DeliveryToS3.DataFreshness',
          dimensionsMap: { DeliveryStreamName: this.deliveryStream.ref },
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: bufferInterval.toSeconds() + 900,
      }),
    ];
  }
}

/** The inline JQ query Firehose partitions by: `{route: (…), day: (…), hour: (…)}`. */
export function partitionQuery(): string {
  return `{${Object.entries(ARCHIVE_PARTITION_QUERIES)
    .map(([key, expression]) => `${key}: (${expression})`)
    .join(', ')}}`;
}

/**
 * The saved queries' SQL. `?` marks an execution parameter (the Athena console asks for each; the CLI
 * takes `--execution-parameters`, strings in single quotes). `day` (yyyy-MM-dd, UTC) selects the
 * partitions scanned — what a query costs — and should always be bounded.
 */
export const SAVED_QUERIES = {
  eventsByType: (table: string) => `-- Events of one type published between two times, oldest first.
-- Parameters: event type, a LIKE pattern ('invoice.paid', 'invoice.%'); first and last day scanned
-- ('2026-11-29', UTC); from and until, ISO-8601 ('2026-11-29T03:00:00Z').
SELECT json_extract_scalar(message, '$.id') AS event_id,
       route,
       attributes.eventtype.value AS event_type,
       json_extract_scalar(message, '$.receivedAt') AS received_at,
       published_at,
       json_extract_scalar(message, '$.payloadLocation') AS payload_location,
       message AS envelope
FROM ${table}
WHERE attributes.eventtype.value LIKE ?
  AND day BETWEEN ? AND ?
  AND from_iso8601_timestamp(published_at) >= from_iso8601_timestamp(?)
  AND from_iso8601_timestamp(published_at) < from_iso8601_timestamp(?)
ORDER BY published_at`,
  eventById: (table: string) => `-- One event by its id: every archived copy (delivery to the archive is at least once).
-- Parameters: event id; first and last day scanned ('2026-11-29', UTC).
SELECT route,
       attributes.eventtype.value AS event_type,
       json_extract_scalar(message, '$.receivedAt') AS received_at,
       published_at,
       message AS envelope,
       "$path" AS archive_object
FROM ${table}
WHERE json_extract_scalar(message, '$.id') = ?
  AND day BETWEEN ? AND ?
ORDER BY published_at`,
  countsPerProviderPerHour: (table: string) => `-- Distinct events published per provider and hour (UTC); archived copies of one event count once.
-- Parameters: first and last day scanned ('2026-11-29', UTC).
SELECT attributes.provider.value AS provider,
       day,
       hour,
       count(DISTINCT route || '#' || json_extract_scalar(message, '$.id')) AS events
FROM ${table}
WHERE day BETWEEN ? AND ?
GROUP BY 1, 2, 3
ORDER BY day, hour, provider`,
} as const;
