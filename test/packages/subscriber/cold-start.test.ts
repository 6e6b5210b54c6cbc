import { execFileSync } from 'node:child_process';
import { bundleHandler, MINIMAL_HANDLERS, type BundleResult } from '../../../packages/subscriber/scripts/bundle';
import { envelopeOf, messageOf, sqsRawEvent } from '../../helpers/subscriber-events';

/**
 * What a minimal subscriber evaluates at init, observed in a fresh Node.js process on its esbuild
 * bundle: the S3 and DynamoDB clients are left external here so that loading them shows in
 * `require.cache`. Powertools idempotency is imported together with its DynamoDB persistence layer,
 * the only user of the DynamoDB client: that client's presence is idempotency's.
 */
const EXTERNAL = ['@aws-sdk/*'];
const WATCHED = ['@aws-sdk/client-s3', '@aws-sdk/client-dynamodb'];

/** Requires the bundle, optionally invokes it with `event`, and returns which watched packages were loaded. */
function loadedAfter(bundle: BundleResult, event?: unknown): string[] {
  const script = `
    const watched = ${JSON.stringify(WATCHED)};
    const { handler } = require(${JSON.stringify(bundle.file)});
    const loaded = () => watched.filter((name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')));
    (async () => {
      // Let anything scheduled at load run (a lazy import would have started by now).
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      ${event === undefined ? '' : `await handler(${JSON.stringify(event)}, {}).catch(() => undefined);`}
      process.stdout.write(JSON.stringify(loaded()));
    })();`;
  const output = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, IDEMPOTENCY_TABLE_NAME: 'cold-start', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return JSON.parse(output.toString()) as string[];
}

describe('Cold start of a minimal subscriber bundle', () => {
  const bundles: BundleResult[] = [];
  afterAll(() => bundles.forEach((bundle) => bundle.cleanup()));

  it('evaluates neither the S3 client, the DynamoDB client nor Powertools idempotency at init', async () => {
    const bundle = await bundleHandler(MINIMAL_HANDLERS.minimal, EXTERNAL);
    bundles.push(bundle);
    expect(loadedAfter(bundle)).toEqual([]);
  });

  it('loads the S3 client on the first claim-checked payload', async () => {
    const bundle = await bundleHandler(MINIMAL_HANDLERS.minimal, EXTERNAL);
    bundles.push(bundle);
    const claimChecked = sqsRawEvent([messageOf(envelopeOf({ payload: undefined, payloadLocation: 's3://cold-start-missing/stripe/x.json' }))]);
    expect(loadedAfter(bundle, claimChecked)).toEqual(['@aws-sdk/client-s3']);
  });

  it('with the idempotency option, loads Powertools idempotency and the DynamoDB client during init', async () => {
    const bundle = await bundleHandler(MINIMAL_HANDLERS.withIdempotency, EXTERNAL);
    bundles.push(bundle);
    expect(loadedAfter(bundle)).toEqual(['@aws-sdk/client-dynamodb']);
  });
});
