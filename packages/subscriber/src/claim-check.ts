import { S3_LOCATION } from './envelope';
import { InvalidEnvelopeError, PayloadUnavailableError } from './errors';

/**
 * The part of an S3 client the kit calls. `@aws-sdk/client-s3`'s `S3Client` fits; it is typed
 * structurally so projects that never see a claim-checked payload need no S3 types.
 */
export interface S3ClientLike {
  send(command: unknown): Promise<unknown>;
}

/**
 * Reads claim-checked payloads (`payloadLocation: s3://bucket/key`). `@aws-sdk/client-s3` is
 * imported on the first claim check, not at init: a subscriber that never receives a large payload
 * never evaluates it (cold start), and a bundler keeps it out of the init path.
 */
export class ClaimCheck {
  readonly #configuredClient: S3ClientLike | undefined;
  #sdk: Promise<{ client: S3ClientLike; getObject: (bucket: string, key: string) => unknown }> | undefined;

  public constructor(s3Client?: S3ClientLike) {
    this.#configuredClient = s3Client;
  }

  /** The object's text. Throws PayloadUnavailableError (retried) when S3 cannot deliver it. */
  public async read(location: string): Promise<string> {
    const { bucket, key } = parseS3Location(location);
    const sdk = await (this.#sdk ??= this.#loadSdk());
    let body: { transformToString(encoding?: string): Promise<string> } | undefined;
    try {
      ({ Body: body } = (await sdk.client.send(sdk.getObject(bucket, key))) as { Body?: typeof body });
    } catch (cause) {
      const reason = (cause as { name?: string }).name ?? 'Error';
      throw new PayloadUnavailableError(`Claim-checked payload ${location} could not be read (${reason})`, { cause });
    }
    if (!body) throw new PayloadUnavailableError(`Claim-checked payload ${location} has no body`);
    return body.transformToString('utf8');
  }

  async #loadSdk() {
    const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
    // Local S3 stand-ins (`AWS_ENDPOINT_URL_S3`) address buckets by path; AWS by virtual host.
    const client: S3ClientLike = this.#configuredClient ?? new S3Client({ forcePathStyle: Boolean(process.env['AWS_ENDPOINT_URL_S3']) });
    return { client, getObject: (Bucket: string, Key: string) => new GetObjectCommand({ Bucket, Key }) };
  }
}

export function parseS3Location(location: string): { bucket: string; key: string } {
  const match = S3_LOCATION.exec(location);
  if (!match) throw new InvalidEnvelopeError('payloadLocation is not an s3://bucket/key URL');
  return { bucket: match[1]!, key: match[2]! };
}
