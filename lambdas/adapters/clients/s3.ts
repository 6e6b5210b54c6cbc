import type { S3Client } from '@aws-sdk/client-s3';
import { clientConfig, type AwsClientSettings } from './settings';

/**
 * The S3 client package, loaded on first use through a name esbuild does not follow, so it is not
 * in the verifier's bundle: on Lambda the runtime's own AWS SDK answers the `require` (the managed
 * Node.js runtimes ship SDK v3 on NODE_PATH), elsewhere node_modules does. Only the claim check
 * stores to S3 and most requests never claim-check, while S3's client, checksums and middleware
 * (190 KB minified) cost every cold start of the verifier ≈ 11 ms with the rest of the bundle
 * (`npm run bench -- coldStart`). The first claim check in a sandbox pays for loading it instead.
 */
export function s3Package(): typeof import('@aws-sdk/client-s3') {
  const name = '@aws-sdk/client-s3';
  return require(name) as typeof import('@aws-sdk/client-s3');
}

// Local S3 stand-ins are addressed by path (`http://host/bucket/key`), AWS by virtual host.
export const createS3Client = (settings?: AwsClientSettings): S3Client =>
  new (s3Package().S3Client)({ ...clientConfig(settings), forcePathStyle: Boolean(process.env['AWS_ENDPOINT_URL_S3']) });
