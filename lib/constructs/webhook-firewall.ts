import { CfnIPSet, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { retryAfterForCode, statusForCode } from '../../lambdas/http/responses';
import { DEFAULTS } from '../config/defaults';

/**
 * Rules of the AWS managed common rule set that are switched to COUNT: visible in WAF metrics,
 * never blocking, because they refuse genuine webhooks and a refused webhook may never be retried.
 *
 * - The body-inspecting rules: webhook bodies are signed by the sender and routinely trip them
 *   (GitHub pushes are larger than the 8 KB size rule; issue comments and e-mail events carry HTML
 *   and paths).
 * - `NoUserAgent_HEADER`: senders are servers, and not every one sends a User-Agent; the signature,
 *   not a header anyone can set, tells a sender from a stranger.
 */
export const COUNTED_COMMON_RULES = [
  'NoUserAgent_HEADER',
  'SizeRestrictions_BODY',
  'CrossSiteScripting_BODY',
  'GenericLFI_BODY',
  'GenericRFI_BODY',
  'EC2MetaDataSSRF_BODY',
] as const;

/**
 * The per-IP rate rule's answer: `RATE_LIMITED`, whose status in the code table is 429, the status
 * every retrying sender retries. WAF's default 403 reads as a refusal, and senders that do not retry
 * a 4xx other than 429 would drop the webhook. Status and `Retry-After` come from the one code table
 * (`lambdas/http/responses.ts`), as every other answer's do.
 */
const RATE_LIMITED_RESPONSE = {
  statusCode: statusForCode('RATE_LIMITED'),
  retryAfterSeconds: retryAfterForCode('RATE_LIMITED'),
  body: { error: 'Too many requests from this address; retry later', code: 'RATE_LIMITED' },
} as const;

export interface WebhookFirewallProps {
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /** Prefix of the WAF metric names. */
  readonly metricPrefix: string;
  /** Requests per source IP in any 5-minute window before the IP is answered 429. @default 10000 */
  readonly rateLimitPerFiveMinutes?: number;
  /**
   * Source CIDR blocks the per-IP rate limit never applies to: the providers' published sender
   * ranges (`allowedSourceCidrs`), from which one provider may deliver a burst. Their routes stay
   * throttled by API Gateway.
   * @default []
   */
  readonly exemptSourceCidrs?: readonly string[];
}

/**
 * An AWS WAF web ACL in front of the ingress API: a per-IP rate limit that answers 429 (providers'
 * own ranges exempt) and the AWS managed common rules, those that refuse genuine webhooks counted
 * only.
 */
export class WebhookFirewall extends Construct {
  public readonly webAcl: CfnWebACL;
  /** The exempt IPv4 and IPv6 blocks (WAF keeps each address family in its own IP set). */
  public readonly exemptIpSets: readonly CfnIPSet[];

  public constructor(scope: Construct, id: string, props: WebhookFirewallProps) {
    super(scope, id);
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.metricPrefix}-${name}`,
      sampledRequestsEnabled: true,
    });

    const exempt = [...new Set(props.exemptSourceCidrs ?? [])];
    const byFamily = { IPV4: exempt.filter((cidr) => !cidr.includes(':')), IPV6: exempt.filter((cidr) => cidr.includes(':')) };
    this.exemptIpSets = (['IPV4', 'IPV6'] as const)
      .filter((family) => byFamily[family].length > 0)
      .map(
        (family) =>
          new CfnIPSet(this, `Exempt${family}`, {
            scope: 'REGIONAL',
            ipAddressVersion: family,
            addresses: byFamily[family],
            // WAF allows letters, digits, spaces and + = : # @ / - , . in descriptions (no quotes or brackets).
            description: 'Provider sender ranges from allowedSourceCidrs, exempt from the per-IP rate limit',
          }),
      );
    const inExemptRanges = this.exemptIpSets.map((set) => ({ ipSetReferenceStatement: { arn: set.attrArn } }));
    const scopeDownStatement =
      inExemptRanges.length === 0
        ? undefined
        : { notStatement: { statement: inExemptRanges.length === 1 ? inExemptRanges[0]! : { orStatement: { statements: inExemptRanges } } } };

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      customResponseBodies: {
        'rate-limited': { contentType: 'APPLICATION_JSON', content: JSON.stringify(RATE_LIMITED_RESPONSE.body) },
      },
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: {
            block: {
              customResponse: {
                responseCode: RATE_LIMITED_RESPONSE.statusCode,
                customResponseBodyKey: 'rate-limited',
                ...(RATE_LIMITED_RESPONSE.retryAfterSeconds === undefined
                  ? {}
                  : { responseHeaders: [{ name: 'Retry-After', value: String(RATE_LIMITED_RESPONSE.retryAfterSeconds) }] }),
              },
            },
          },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.rateLimitPerFiveMinutes ?? DEFAULTS.waf.rateLimitPerFiveMinutes,
              evaluationWindowSec: 300,
              ...(scopeDownStatement ? { scopeDownStatement } : {}),
            },
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
              ruleActionOverrides: COUNTED_COMMON_RULES.map((name) => ({ name, actionToUse: { count: {} } })),
            },
          },
          visibilityConfig: visibility('aws-common-rule-set'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', { resourceArn: props.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
