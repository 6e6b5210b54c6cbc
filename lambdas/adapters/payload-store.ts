import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';

/**
 * Claim check: payloads too large for SNS (256 KiB) are stored in S3 and travel as a pointer.
 * The key is derived from provider and event id, so a retried store overwrites the same object
 * instead of leaving orphans.
 */
export async function storePayload(
  s3: S3Client,
  bucket: string,
  provider: string,
  eventId: string,
  payloadJson: string,
): Promise<string> {
  const key = `${provider}/${createHash('sha256').update(eventId).digest('hex')}.json`;
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: payloadJson, ContentType: 'application/json' }),
  );
  return `s3://${bucket}/${key}`;
}
