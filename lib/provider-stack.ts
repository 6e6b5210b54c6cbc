import { NestedStack, type RemovalPolicy } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { AlarmFactory } from './constructs/alarms';
import { ProviderPipeline, type ProviderPipelineProps } from './constructs/provider-pipeline';
import { RouteSecret, type ExistingSecretReference } from './constructs/route-secret';
import { pascalCase } from './naming';

/** One route of the stack's provider, as far as the provider's stack is concerned. */
export interface ProviderStackRoute {
  readonly name: string;
  /** Use this secret instead of creating `<namePrefix>/<route>`. @default a created secret */
  readonly secret?: ExistingSecretReference;
}

export interface ProviderStackProps extends Omit<ProviderPipelineProps, 'removalPolicy'> {
  /** The provider's routes: each gets its secret and its signature-refusal alarm here. */
  readonly routes: readonly ProviderStackRoute[];
  /** Builds the alarms with the deployment's names and alarm action. */
  readonly alarms: AlarmFactory;
  /** What happens to the queues and created secrets when the deployment is deleted. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Everything of one provider, in a nested stack of its own: its pipeline (queue, DLQ, processor,
 * topic), the secret of each of its routes, and their alarms — about 20 resources for a provider with
 * one route, so every provider of the registry fits in one deployment while each CloudFormation
 * stack stays far below 500 resources and 200 outputs. The root stack keeps what is shared (API,
 * verifier, idempotency table, payload bucket, topic key, alarm topic, dashboard) and one route's
 * API resource and method(s) per route.
 */
export class ProviderStack extends NestedStack {
  public readonly provider: string;
  public readonly pipeline: ProviderPipeline;
  /** Each route's secret, by route name. */
  public readonly secrets: ReadonlyMap<string, RouteSecret>;
  /** The alarms of the pipeline and of each route. */
  public readonly alarms: readonly Alarm[];

  public constructor(scope: Construct, id: string, props: ProviderStackProps) {
    super(scope, id, { description: `hookrelay ${props.provider}: queue, DLQ, processor, topic, route secrets and alarms` });
    this.provider = props.provider;
    const { routes, alarms, ...pipelineProps } = props;
    this.pipeline = new ProviderPipeline(this, 'Pipeline', pipelineProps);
    const secrets = new Map<string, RouteSecret>();
    const stackAlarms = alarms.pipelineAlarms(this, this.pipeline);
    for (const route of routes) {
      secrets.set(
        route.name,
        new RouteSecret(this, `${pascalCase(route.name)}Secret`, {
          route: route.name,
          provider: props.provider,
          namePrefix: props.namePrefix,
          existing: route.secret,
          removalPolicy: props.removalPolicy,
        }),
      );
      stackAlarms.push(...alarms.routeAlarms(this, route.name));
    }
    this.secrets = secrets;
    this.alarms = stackAlarms;
  }
}
