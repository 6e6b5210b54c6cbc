/**
 * API Gateway's access log line for one request, as CloudWatch Logs ingests it: the stack's own
 * access-log format (lib/constructs/ingress-api.ts, http-ingress-api.ts) with each `$context`
 * variable replaced by the value API Gateway would write. The cost measurement counts its bytes.
 */
import { httpApiAccessLogFormat } from '../lib/constructs/http-ingress-api';
import { restApiAccessLogFormat } from '../lib/constructs/ingress-api';
import type { Ingress } from './pricing';

/** What API Gateway knows of one request when it writes the access log line. */
export interface AccessLogRequest {
  readonly requestId: string;
  readonly time: Date;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly httpMethod: string;
  /** `/webhooks/stripe`: the REST API's resource path, the HTTP API's path. */
  readonly path: string;
  readonly status: number;
  readonly responseLength: number;
  /** Milliseconds from request to response, as API Gateway measures it. */
  readonly responseLatencyMs: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
/** `$context.requestTime`: CLF format, `30/Nov/2026:14:03:07 +0000`. */
const clfTime = (t: Date) =>
  `${two(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())} +0000`;

/** The values API Gateway writes for the variables the formats use; `-` is how it writes an empty one. */
function contextValues(request: AccessLogRequest): Record<string, string> {
  const latency = String(Math.max(1, Math.round(request.responseLatencyMs)));
  return {
    '$context.requestId': request.requestId,
    '$context.requestTime': clfTime(request.time),
    '$context.identity.sourceIp': request.sourceIp,
    '$context.identity.userAgent': request.userAgent,
    '$context.httpMethod': request.httpMethod,
    '$context.resourcePath': request.path,
    '$context.path': request.path,
    '$context.routeKey': `${request.httpMethod} ${request.path}`,
    '$context.status': String(request.status),
    '$context.protocol': 'HTTP/1.1',
    '$context.responseLength': String(request.responseLength),
    '$context.responseLatency': latency,
    '$context.integrationStatus': String(request.status),
    '$context.integrationLatency': latency,
    '$context.integrationErrorMessage': '-',
    '$context.integration.error': '-',
    '$context.error.message': '-',
    '$context.error.responseType': '-',
    '$context.wafResponseCode': '-',
  };
}

/** The deployed access-log format of an ingress (the REST API's as deployed without WAF, the default). */
export function accessLogFormatOf(ingress: Ingress): string {
  return (ingress === 'rest' ? restApiAccessLogFormat({ firewall: false }) : httpApiAccessLogFormat()).toString();
}

/**
 * `format` with every `$context` variable replaced by its value for `request`. A variable this
 * file has no value for is an error, not a zero-byte field: the count would flatter the format.
 */
export function formatAccessLogLine(format: string, request: AccessLogRequest): string {
  const values = contextValues(request);
  return `${format.replace(/\$context\.[A-Za-z.]+/g, (variable) => {
    const value = values[variable];
    if (value === undefined) throw new Error(`No value for the access-log variable ${variable}`);
    return value;
  })}\n`;
}
