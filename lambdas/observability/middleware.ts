import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Telemetry } from './telemetry';

/**
 * The shell every handler shares, as middy middleware: Powertools puts the Lambda context (request
 * id, function name, cold start) on every log line before the handler runs, and each invocation's
 * metrics are written once after it, whether it answered or threw.
 */
export function observability<TEvent, TResult>(telemetry: Telemetry): Array<MiddlewareObj<TEvent, TResult, Error, Context>> {
  const flush = async (): Promise<void> => telemetry.flush();
  return [injectLambdaContext(telemetry.logger), { after: flush, onError: flush }];
}
