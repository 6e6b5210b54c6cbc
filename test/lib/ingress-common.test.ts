import { httpApiAccessLogFormat } from '../../lib/constructs/http-ingress-api';
import { ACCESS_LOG_FIELDS, publicUrl } from '../../lib/constructs/ingress-common';
import { restApiAccessLogFormat } from '../../lib/constructs/ingress-api';

describe('Module: ingress-common', () => {
  describe('Constant: ACCESS_LOG_FIELDS', () => {
    it.each([
      { case: 'REST API', format: restApiAccessLogFormat({ firewall: false }), own: { resourcePath: '$context.resourcePath' } },
      { case: 'REST API with WAF', format: restApiAccessLogFormat({ firewall: true }), own: { resourcePath: '$context.resourcePath', wafStatus: '$context.wafResponseCode' } },
      { case: 'HTTP API', format: httpApiAccessLogFormat(), own: { path: '$context.path' } },
    ])('is every field of the $case access log but its own path (and WAF) fields', ({ format, own }) => {
      // Act
      const fields = JSON.parse(format.toString()) as Record<string, string>;

      // Assess
      expect(fields).toEqual({ ...ACCESS_LOG_FIELDS, ...own });
    });
  });

  describe('Function: publicUrl', () => {
    const executeApiUrl = (path: string) => `https://abc123.execute-api.eu-west-1.amazonaws.com/dev${path}`;

    it.each([
      { case: 'no custom domain: the execute-api URL', customDomain: undefined, expected: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev/webhooks/stripe' },
      {
        case: 'a custom domain: the path at its root',
        customDomain: { domainName: 'hooks.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d' },
        expected: 'https://hooks.example.com/webhooks/stripe',
      },
    ])('$case', ({ customDomain, expected }) => {
      // Act
      const url = publicUrl('/webhooks/stripe', customDomain, executeApiUrl);

      // Assess
      expect(url).toEqual(expected);
    });
  });
});
