import { ArnFormat, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import { Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { routeResourceNames } from '../../lambdas/runtime-config';

/**
 * An existing Secrets Manager secret holding a route's `{"secrets":[...],"verifyTokens":[...]}`, and
 * the customer-managed KMS key it is encrypted with, if any.
 */
export type ExistingSecretReference = ({ readonly name: string } | { readonly arn: string }) & { readonly kmsKeyArn?: string };

/**
 * What a created secret holds until the operator puts the sender's credentials in: no signing
 * secret and no second credential (`verifyTokens`: e.g. Meta's verify token, for senders that check
 * an endpoint with one). Until then the verifier answers 503 and the sender retries.
 */
export const INITIAL_SECRET_VALUE = { secrets: [], verifyTokens: [] } as const;

/**
 * What the verifier passes to GetSecretValue for a route, and what the stack outputs: the configured
 * secret's ARN or name, else the name of the secret the stack creates, `<namePrefix>/<route>` — which
 * the verifier derives from the name prefix (HOOKRELAY_SECRET_NAME_PREFIX), like the queue URLs.
 */
export function routeSecretId(namePrefix: string, route: string, existing?: ExistingSecretReference): string {
  if (existing === undefined) return routeResourceNames(namePrefix, route).secretName;
  return 'arn' in existing ? existing.arn : existing.name;
}

export interface RouteSecretProps {
  /** The route whose credentials the secret holds. */
  readonly route: string;
  /** The route's provider, named in the created secret's description. */
  readonly provider: string;
  /**
   * Prefix of the created secret's physical name, `<namePrefix>/<route>`, from which the verifier
   * derives it: the deployment's stack name.
   */
  readonly namePrefix: string;
  /** Use this secret instead of creating one. @default a new secret holding `INITIAL_SECRET_VALUE` */
  readonly existing?: ExistingSecretReference;
  /** What happens to a created secret when the stack is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One route's credentials in Secrets Manager: a secret the stack creates, named
 * `<namePrefix>/<route>`, or an existing one referenced by name or ARN. Routes of one provider
 * each have their own (two Stripe accounts sign with two secrets).
 */
export class RouteSecret extends Construct {
  public readonly secret: ISecret;
  /** What the verifier passes to GetSecretValue, and the stack outputs (`routeSecretId`). */
  public readonly secretId: string;
  /** Whether the stack created the secret (rather than referencing an existing one). */
  public readonly created: boolean;

  /** The created or configured ARN; for a secret referenced by name, its ARN with the `-??????` suffix pattern. */
  readonly #arnForPolicies: string;
  /** The customer-managed key of an existing secret, when it names one. */
  readonly #kmsKeyArn: string | undefined;

  public constructor(scope: Construct, id: string, props: RouteSecretProps) {
    super(scope, id);
    this.#kmsKeyArn = props.existing?.kmsKeyArn;
    const existing = props.existing;
    this.secretId = routeSecretId(props.namePrefix, props.route, existing);
    this.created = existing === undefined;
    if (existing && 'arn' in existing) {
      this.secret = Secret.fromSecretCompleteArn(this, 'Secret', existing.arn);
      this.#arnForPolicies = existing.arn;
      return;
    }
    if (existing) {
      this.secret = Secret.fromSecretNameV2(this, 'Secret', existing.name);
      // Secrets Manager appends six random characters to a secret's ARN; by name, only the
      // pattern is known.
      this.#arnForPolicies = Stack.of(this).formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${existing.name}-??????`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      return;
    }
    const secret = new Secret(this, 'Secret', {
      secretName: this.secretId,
      description:
        `hookrelay: signing secrets of route ${props.route} (${props.provider}), newest first: ` +
        '{"secrets":["<newest>","<older>"],"verifyTokens":[]}',
      // A placeholder, not a secret: the operator puts the sender's credentials in after
      // deployment. Until then the verifier answers 503 and the sender retries.
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(INITIAL_SECRET_VALUE)),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Signing secrets are issued by the sender (Stripe, GitHub, …) and can only be rotated there; ' +
        'the {"secrets":[newest, older]} list gives zero-downtime manual rotation.',
    });
    this.secret = secret;
    this.#arnForPolicies = secret.secretArn;
  }

  /**
   * Lets `grantee` read these routes' credentials: `secretsmanager:GetSecretValue` on these secrets
   * only (one statement for all of them, so the policy stays small however many routes there are),
   * and, for an existing secret encrypted with a customer-managed key, `kms:Decrypt` on that key
   * only through Secrets Manager in this region. Created secrets use the AWS managed key, which
   * needs no grant.
   */
  public static grantRead(grantee: IGrantable, secrets: readonly RouteSecret[]): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [...new Set(secrets.map((secret) => secret.#arnForPolicies))],
    });
    const withKeys = secrets.filter((secret) => secret.#kmsKeyArn !== undefined);
    if (withKeys.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [...new Set(withKeys.map((secret) => secret.#kmsKeyArn!))],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(withKeys[0]!).region}.amazonaws.com` } },
        }),
      );
    }
    return grant;
  }
}
