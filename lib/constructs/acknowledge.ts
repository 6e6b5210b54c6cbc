import { Validations, type Acknowledgment } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding on the principal (role) a grant was added to: findings about a
 * grant are reported on the grantee's policy, but the justification belongs with the grant.
 */
export function acknowledgeOnPrincipal(grantee: IGrantable, acknowledgment: Acknowledgment): void {
  const principal = grantee.grantPrincipal;
  if (Construct.isConstruct(principal)) Validations.of(principal).acknowledge(acknowledgment);
}
