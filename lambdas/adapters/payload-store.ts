import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { s3Package } from './clients/s3';

/**
 * Claim check: a payload that cannot travel inside its envelope (too large for SNS, or holding
 * characters SQS refuses) is stored in S3, as the exact bytes the sender signed, and the envelope
 * carries its location. The key is the SHA-256 of the content: a retried store writes the same
 * object, and two events can never share an object unless their payloads are byte for byte equal
 * (an id is not enough: unsigned ids are the sender's to choose).
 */
export async function storePayload(s3: S3Client, bucket: string, provider: string, payloadJson: string): Promise<string> {
  const body = Buffer.from(payloadJson, 'utf8');
  const key = `${provider}/${createHash('sha256').update(body).digest('hex')}.json`;
  const { PutObjectCommand } = s3Package();
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
  return `s3://${bucket}/${key}`;
}
