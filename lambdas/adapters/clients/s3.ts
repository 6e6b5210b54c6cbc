import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig, type AwsClientSettings } from './settings';

// Local S3 stand-ins are addressed by path (`http://host/bucket/key`), AWS by virtual host.
export const createS3Client = (settings?: AwsClientSettings) =>
  new S3Client({ ...clientConfig(settings), forcePathStyle: Boolean(process.env['AWS_ENDPOINT_URL_S3']) });
