import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WebhookError } from '../../lambdas/core/errors';
import { errorResponse } from '../../lambdas/http/responses';
import { COUNTED_COMMON_RULES, WebhookFirewall, type WebhookFirewallProps } from '../../lib/constructs/webhook-firewall';
import { testApp } from './synth';

const STAGE_ARN = 'arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/dev';

function templateOf(props: Partial<WebhookFirewallProps> = {}): Template {
  const stack = new Stack(testApp(), 'Test');
  new WebhookFirewall(stack, 'Firewall', { stageArn: STAGE_ARN, metricPrefix: 'hookrelay-dev', ...props });
  return Template.fromStack(stack);
}

type Rule = { Name: string; Action?: Record<string, any>; Statement: Record<string, any> };
const rulesOf = (template: Template): Rule[] =>
  (Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]!['Properties'] as { Rules: Rule[] }).Rules;
const rateRuleOf = (template: Template): Rule => rulesOf(template).find((rule) => rule.Name === 'rate-limit-per-ip')!;

describe('Construct: WebhookFirewall', () => {
  it('counts, never blocks, requests without a User-Agent: senders need not send one, the signature authenticates them', () => {
    // Act
    const rules = rulesOf(templateOf());

    // Assess
    const common = rules.find((rule) => rule.Name === 'aws-common-rule-set')!;
    expect(common.Statement['ManagedRuleGroupStatement'].RuleActionOverrides).toContainEqual({ Name: 'NoUserAgent_HEADER', ActionToUse: { Count: {} } });
    expect(COUNTED_COMMON_RULES).toEqual(expect.arrayContaining(['NoUserAgent_HEADER', 'SizeRestrictions_BODY', 'CrossSiteScripting_BODY']));
  });

  it('answers the per-IP rate limit with 429, Retry-After and the { error, code } body — a 403 reads as a refusal that senders may not retry', () => {
    // Act
    const template = templateOf();

    // Assess
    expect(rateRuleOf(template).Action).toEqual({
      Block: {
        CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'rate-limited', ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }] },
      },
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      CustomResponseBodies: {
        'rate-limited': { ContentType: 'APPLICATION_JSON', Content: Match.serializedJson({ error: Match.anyValue(), code: 'RATE_LIMITED' }) },
      },
    });
  });

  it('answers the rate limit with the status and Retry-After the verifier gives RATE_LIMITED (the one code table)', () => {
    // Act
    const template = templateOf();

    // Assess
    const verifiers = errorResponse(new WebhookError('RATE_LIMITED', 'the verifier refusing with the same code'));
    const response = rateRuleOf(template).Action!['Block'].CustomResponse as { ResponseCode: number; ResponseHeaders: { Name: string; Value: string }[] };
    const body = JSON.parse(
      (Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]!['Properties'].CustomResponseBodies['rate-limited'] as { Content: string }).Content,
    ) as { code: string };
    expect(body.code).toBe('RATE_LIMITED');
    expect({ status: response.ResponseCode, headers: response.ResponseHeaders }).toEqual({
      status: verifiers.statusCode,
      headers: [{ Name: 'Retry-After', Value: verifiers.headers?.['Retry-After'] }],
    });
  });

  it("exempts the providers' allowlisted ranges from the per-IP rate limit, one IP set per address family", () => {
    // Act
    const template = templateOf({
      rateLimitPerFiveMinutes: 2_000,
      exemptSourceCidrs: ['192.30.252.0/22', '185.199.108.0/22', '2600:1f18::/32', '192.30.252.0/22'],
    });

    // Assess
    const sets = template.findResources('AWS::WAFv2::IPSet');
    expect(Object.values(sets).map((set) => set['Properties'])).toEqual([
      expect.objectContaining({ Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['192.30.252.0/22', '185.199.108.0/22'] }),
      expect.objectContaining({ Scope: 'REGIONAL', IPAddressVersion: 'IPV6', Addresses: ['2600:1f18::/32'] }),
    ]);
    const [v4, v6] = Object.keys(sets);
    expect(rateRuleOf(template).Statement).toEqual({
      RateBasedStatement: {
        AggregateKeyType: 'IP',
        Limit: 2_000,
        EvaluationWindowSec: 300,
        ScopeDownStatement: {
          NotStatement: {
            Statement: {
              OrStatement: {
                Statements: [
                  { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [v4, 'Arn'] } } },
                  { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [v6, 'Arn'] } } },
                ],
              },
            },
          },
        },
      },
    });
  });

  it("describes its IP sets only with the characters WAF accepts (cfn-lint E3031 found a typographic apostrophe and brackets)", () => {
    // Act
    const sets = templateOf({ exemptSourceCidrs: ['3.18.12.63/32', '2600:1f18::/32'] }).findResources('AWS::WAFv2::IPSet');

    // Assess: the pattern of AWS::WAFv2::IPSet Description in the CloudFormation resource schema
    for (const set of Object.values(sets)) {
      expect((set['Properties'] as { Description: string }).Description).toMatch(/^[a-zA-Z0-9=:#@/\-,.][a-zA-Z0-9+=:#@/\-,.\s]+[a-zA-Z0-9+=:#@/\-,.]{1,256}$/);
    }
  });

  it('limits every source address when no provider has an allowlist', () => {
    // Act
    const template = templateOf();

    // Assess
    template.resourceCountIs('AWS::WAFv2::IPSet', 0);
    expect(rateRuleOf(template).Statement['RateBasedStatement'].ScopeDownStatement).toBeUndefined();
  });

  it('uses a single IP set reference, without OR, when the allowlists hold one address family', () => {
    // Act
    const template = templateOf({ exemptSourceCidrs: ['3.18.12.63/32'] });

    // Assess
    const [v4] = Object.keys(template.findResources('AWS::WAFv2::IPSet'));
    expect(rateRuleOf(template).Statement['RateBasedStatement'].ScopeDownStatement).toEqual({
      NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [v4, 'Arn'] } } } },
    });
  });
});
