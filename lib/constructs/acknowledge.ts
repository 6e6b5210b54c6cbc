import { Validations, type Acknowledgment } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeGuardFinding } from '../policy-checks';

/**
 * Acknowledges a cdk-nag finding on the principal (role) a grant was added to: findings about a
 * grant are reported on the grantee's policy, but the justification belongs with the grant.
 */
export function acknowledgeOnPrincipal(grantee: IGrantable, acknowledgment: Acknowledgment): void {
  const principal = grantee.grantPrincipal;
  if (Construct.isConstruct(principal)) Validations.of(principal).acknowledge(acknowledgment);
}

/**
 * The CloudFormation Guard findings every hookrelay log group gets, acknowledged on it: service
 * encryption rather than a customer-managed key, and — below one year — the configured retention.
 */
export function acknowledgeLogGroupFindings(logGroup: IConstruct, retention: RetentionDays): void {
  acknowledgeGuardFinding(
    logGroup,
    'cloudwatch_log_group_encrypted_check',
    'CloudWatch Logs encrypts these at rest with service keys; they hold provider, event ids, codes, sizes and timings — never payloads, ' +
      'signatures or secrets — so a customer-managed key would add a key policy to maintain and no protection of secret data.',
  );
  if (retention !== RetentionDays.INFINITE && retention < RetentionDays.ONE_YEAR) {
    acknowledgeGuardFinding(
      logGroup,
      'cloudwatch_log_group_retention_period_check',
      'Retention is configured per stage (logging.retentionDays: 30 days in dev, 365 in prod by default); a shorter retention here was chosen in the configuration.',
    );
  }
}
