/**
 * Where the local stand-ins of the AWS services listen, and the environment that points every SDK
 * client at them (`AWS_ENDPOINT_URL_*`, a region, dummy credentials). Shared by the local gateway,
 * the tools that talk to it and the tests; nothing deployed reads it.
 */
export interface StandInEndpoints {
  readonly dynamodb: string;
  /** fauxqs serves SQS, SNS and S3 on one port. */
  readonly sqs: string;
  readonly sns: string;
  readonly s3: string;
  readonly secretsManager: string;
}

export const LOCAL_REGION = 'us-east-1';

export function standInEnvironment(endpoints: StandInEndpoints): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
  };
}
