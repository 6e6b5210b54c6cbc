/** `generic-hmac` → `GenericHmac`: construct ids and output keys derived from route and provider names. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** What the stack outputs for each route: the URL to register with the sender, and where its secret is. */
export type RouteOutput = 'WebhookUrl' | 'SecretName';

/**
 * What the stack outputs for each provider: the topic to subscribe to, and its queues as one JSON
 * object `{"queueUrl","queueArn","dlqUrl","dlqArn"}` (what `npm run redrive` needs) — one output
 * instead of four keeps a deployment of every provider within CloudFormation's 200 outputs.
 */
export type ProviderOutput = 'TopicArn' | 'Queues';

/** The stack-wide outputs, by key; the `archive…` ones only while the archive is on. */
export const STACK_OUTPUT_KEYS = {
  healthUrl: 'HealthUrl',
  dashboardUrl: 'DashboardUrl',
  alarmTopicArn: 'AlarmTopicArn',
  payloadBucketName: 'PayloadBucketName',
  archiveBucketName: 'ArchiveBucketName',
  archiveWorkGroup: 'ArchiveWorkGroup',
  archiveDatabase: 'ArchiveDatabase',
  archiveDeadLetterQueueUrl: 'ArchiveDeadLetterQueueUrl',
} as const;

/**
 * Stack output key of one route's or provider's value, e.g. `StripeEuWebhookUrl`, `StripeTopicArn`.
 * The operator tools read outputs by these keys (`tools/lib/stack-outputs.ts`). Route names whose
 * keys would coincide (`x-1` and `x1`) are refused by the configuration.
 */
export function outputKey(name: string, thing: RouteOutput | ProviderOutput): string {
  return `${pascalCase(name)}${thing}`;
}

/** The value of a provider's `Queues` output. */
export interface ProviderQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
}
