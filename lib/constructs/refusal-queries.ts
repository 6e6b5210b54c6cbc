import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { VERIFIER_LINES } from '../../lambdas/observability/log-lines';

/**
 * The verifier's line these queries read (`lambdas/observability/log-lines.ts`): one per refused
 * request (4xx), its metrics line, with this `message`, the `route`, the refusal `code`, `status`,
 * `bodyBytes`, `ms` and `function_request_id` — never the payload, so a refused request leaves
 * nothing else to search.
 */
export const VERIFIER_REFUSAL_MESSAGE = VERIFIER_LINES.refused;

/** The refusal line's keys the queries read, besides `message`. */
export const REFUSAL_QUERY_FIELDS = ['route', 'code', 'status', 'bodyBytes', 'ms', 'function_request_id'] as const;

export interface RefusalQueriesProps {
  /** The verifier's log group. */
  readonly logGroup: ILogGroup;
  /** Folder of the saved queries in the CloudWatch console: the stack's name keeps each deployment's apart. */
  readonly folder: string;
}

/** Names of the saved queries, under the folder. */
export const REFUSAL_QUERY_NAMES = {
  byRouteAndCode: 'refusals-by-route-and-code',
  overTime: 'refusals-by-code-over-time',
  recent: 'recent-refusals',
} as const;

/**
 * Saved CloudWatch Logs Insights queries over the verifier's refusals: counts by route and code, the
 * same over time for a chart, and the latest refusals one by one. (Three: each is a CloudFormation
 * resource, and a stack holds 500.)
 */
export class RefusalQueries extends Construct {
  public readonly queries: Readonly<Record<keyof typeof REFUSAL_QUERY_NAMES, QueryDefinition>>;

  public constructor(scope: Construct, id: string, props: RefusalQueriesProps) {
    super(scope, id);
    const define = (key: keyof typeof REFUSAL_QUERY_NAMES, queryString: QueryString) =>
      new QueryDefinition(this, REFUSAL_QUERY_NAMES[key], {
        queryDefinitionName: `${props.folder}/${REFUSAL_QUERY_NAMES[key]}`,
        queryString,
        logGroups: [props.logGroup],
      });
    const refused = `message = "${VERIFIER_REFUSAL_MESSAGE}"`;
    this.queries = {
      byRouteAndCode: define(
        'byRouteAndCode',
        new QueryString({
          fields: ['route', 'code'],
          filterStatements: [refused],
          statsStatements: ['count(*) as refusals by route, code'],
          sort: 'refusals desc',
        }),
      ),
      overTime: define('overTime', new QueryString({ filterStatements: [refused], statsStatements: ['count(*) as refusals by bin(5m), code'] })),
      recent: define(
        'recent',
        new QueryString({
          fields: ['@timestamp', ...REFUSAL_QUERY_FIELDS],
          filterStatements: [refused],
          sort: '@timestamp desc',
          limit: 100,
        }),
      ),
    };
  }
}
