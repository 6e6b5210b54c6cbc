import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/**
 * Rules of the AWS managed common rule set that inspect the request body. Webhook bodies are
 * signed by the sender and routinely trip them (GitHub pushes are larger than the 8 KB size rule;
 * issue comments and e-mail events carry HTML and paths), and a blocked webhook may never be
 * retried. They are switched to COUNT: visible in WAF metrics, never blocking.
 */
export const BODY_INSPECTING_RULES = [
  'SizeRestrictions_BODY',
  'CrossSiteScripting_BODY',
  'GenericLFI_BODY',
  'GenericRFI_BODY',
  'EC2MetaDataSSRF_BODY',
] as const;

export interface WebhookFirewallProps {
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /** Prefix of the WAF metric names. */
  readonly metricPrefix: string;
  /** Requests per source IP in any 5-minute window before the IP is blocked. @default 10000 */
  readonly rateLimitPerFiveMinutes?: number;
}

/** An AWS WAF web ACL in front of the ingress API: managed common rules and a per-IP rate limit. */
export class WebhookFirewall extends Construct {
  public readonly webAcl: CfnWebACL;

  public constructor(scope: Construct, id: string, props: WebhookFirewallProps) {
    super(scope, id);
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.metricPrefix}-${name}`,
      sampledRequestsEnabled: true,
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: { aggregateKeyType: 'IP', limit: props.rateLimitPerFiveMinutes ?? 10_000, evaluationWindowSec: 300 },
          },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
        {
          name: 'aws-common-rule-set',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              ruleActionOverrides: BODY_INSPECTING_RULES.map((name) => ({ name, actionToUse: { count: {} } })),
            },
          },
          visibilityConfig: visibility('aws-common-rule-set'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', { resourceArn: props.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
