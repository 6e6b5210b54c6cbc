import { ARecord, HostedZone, RecordTarget, type IAliasRecordTarget } from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';

/** A custom domain for the ingress API, REST or HTTP. */
export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
  /** Zone in which to create the alias record. @default none */
  readonly hostedZone?: { readonly id: string; readonly name: string };
}

/**
 * The alias record of a custom domain in its hosted zone, when one is configured (`AliasRecord`,
 * beside `scope`'s domain name). `target` is the API's domain as Route 53 aliases it.
 */
export function addAliasRecord(scope: Construct, customDomain: CustomDomain, target: IAliasRecordTarget): ARecord | undefined {
  if (!customDomain.hostedZone) return undefined;
  return new ARecord(scope, 'AliasRecord', {
    zone: HostedZone.fromHostedZoneAttributes(scope, 'HostedZone', {
      hostedZoneId: customDomain.hostedZone.id,
      zoneName: customDomain.hostedZone.name,
    }),
    recordName: customDomain.domainName,
    target: RecordTarget.fromAlias(target),
  });
}
