import { CfnOutput, CfnParameter, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Limits AWS enforces only at deploy time, checked at synth instead, so a configuration that cannot
 * deploy fails `cdk synth` with a message that says what to change.
 */

/** Lambda: all environment variables of a function, measured as their JSON, at most 4 KB. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** CloudFormation: resources per stack. */
export const CLOUDFORMATION_MAX_RESOURCES = 500;
/** CloudFormation: outputs per stack. */
export const CLOUDFORMATION_MAX_OUTPUTS = 200;
/** CloudFormation: parameters per stack (a nested stack receives the root stack's values as parameters). */
export const CLOUDFORMATION_MAX_PARAMETERS = 200;

/**
 * Longest value a reference can resolve to, by pseudo parameter, resource type (`Ref`) or
 * `type.attribute` (`Fn::GetAtt`). Where AWS documents no rule for generated names, the service's
 * maximum name length is used; that is the worst case.
 */
const PSEUDO_PARAMETER_MAX_LENGTH: Readonly<Record<string, number>> = {
  'AWS::AccountId': 12,
  // Region codes are at most 15 characters today (us-isof-south-1); 20 leaves room.
  'AWS::Region': 20,
  // amazonaws.com.cn is 16; 20 leaves room.
  'AWS::URLSuffix': 20,
  'AWS::Partition': 16,
};
const ARN_HEAD = 'arn:'.length + PSEUDO_PARAMETER_MAX_LENGTH['AWS::Partition']! + ':sns:'.length + PSEUDO_PARAMETER_MAX_LENGTH['AWS::Region']! + 1 + 12 + 1;
const REFERENCE_MAX_LENGTH: Readonly<Record<string, number>> = {
  'AWS::DynamoDB::Table': 255,
  'AWS::S3::Bucket': 63,
  'AWS::SNS::Topic': ARN_HEAD + 256,
  'AWS::SQS::Queue': 'https://sqs.'.length + 20 + 1 + 20 + 1 + 12 + 1 + 80,
  'AWS::SQS::Queue.Arn': ARN_HEAD + 80,
  'AWS::SecretsManager::Secret': ARN_HEAD + 512 + 7,
  'AWS::KMS::Key.Arn': ARN_HEAD + 'key/'.length + 36,
};

/** A reference whose longest value is not known: the estimate refuses to guess. */
export class UnestimableValueError extends Error {
  public constructor(value: unknown) {
    super(`cannot estimate the longest value of ${JSON.stringify(value)}`);
    this.name = 'UnestimableValueError';
  }
}

/**
 * `value` (anything that may hold tokens) as its longest possible resolved string: each reference
 * becomes as many characters as the longest value it can take. In a nested stack, a reference to one
 * of its parameters is followed to the value its parent passes.
 */
export function worstCaseString(scope: IConstruct, value: unknown): string {
  const stack = Stack.of(scope);
  return longestValue(stack, stack.resolve(value));
}

function longestValue(stack: Stack, resolved: unknown): string {
  const typeOf = resourceTypes(stack);
  const longest = (part: unknown): string => {
    if (typeof part === 'string') return part;
    if (typeof part === 'number' || typeof part === 'boolean') return String(part);
    if (part && typeof part === 'object') {
      const record = part as Record<string, unknown>;
      if ('Ref' in record) {
        const target = String(record['Ref']);
        if (target === 'AWS::StackName' && !stack.nested) return stack.stackName;
        const length = PSEUDO_PARAMETER_MAX_LENGTH[target] ?? REFERENCE_MAX_LENGTH[typeOf.get(target) ?? ''];
        if (length !== undefined) return 'x'.repeat(length);
        const passed = valuePassedByParent(stack, target);
        if (passed !== undefined) return longestValue(stack.nestedStackParent!, passed);
      }
      if ('Fn::GetAtt' in record) {
        const [target, attribute] = record['Fn::GetAtt'] as [string, string];
        const length = REFERENCE_MAX_LENGTH[`${typeOf.get(target) ?? ''}.${attribute}`];
        if (length !== undefined) return 'x'.repeat(length);
      }
      if ('Fn::Join' in record) {
        const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
        return parts.map(longest).join(separator);
      }
    }
    throw new UnestimableValueError(part);
  };
  return longest(resolved);
}

/** The value (resolved in the parent) that a nested stack's parent passes to its parameter `name`. */
function valuePassedByParent(stack: Stack, name: string): unknown {
  const resource = stack.nestedStackResource as (CfnResource & { parameters?: unknown }) | undefined;
  if (!resource || !stack.nestedStackParent) return undefined;
  const parameters = stack.nestedStackParent.resolve(resource.parameters) as Record<string, unknown> | undefined;
  return parameters?.[name];
}

function resourceTypes(stack: Stack): Map<string, string> {
  const types = new Map<string, string>();
  for (const construct of stack.node.findAll()) {
    if (CfnResource.isCfnResource(construct) && Stack.of(construct) === stack) {
      types.set(stack.resolve(construct.logicalId) as string, construct.cfnResourceType);
    }
  }
  return types;
}

/** Worst-case size of a function's environment, as Lambda measures it: the JSON of all variables. */
export function worstCaseEnvironment(scope: IConstruct, variables: Readonly<Record<string, unknown>>) {
  const resolved = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, worstCaseString(scope, value)]));
  const bytes = Buffer.byteLength(JSON.stringify(resolved));
  const byVariable = Object.entries(resolved)
    .map(([name, value]) => ({ name, bytes: Buffer.byteLength(JSON.stringify({ [name]: value })) - 2 }))
    .sort((a, b) => b.bytes - a.bytes);
  return { bytes, byVariable, resolved };
}

/**
 * Bytes each entry of a JSON-object variable (such as `HOOKRELAY_ROUTES`) adds to the measured
 * environment, largest first: what to shorten when the environment does not fit.
 */
export function entriesBySize(json: string): { key: string; bytes: number }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  return Object.entries(parsed as Record<string, unknown>)
    .map(([key, value]) => ({ key, bytes: JSON.stringify(JSON.stringify({ [key]: value })).length - 4 }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** What one CloudFormation stack (a nested stack is one) declares, as CloudFormation counts it. */
export interface TemplateCounts {
  /** The stack's construct path (a nested stack's name is only known at deploy time). */
  readonly stack: string;
  readonly resources: number;
  readonly outputs: number;
  readonly parameters: number;
}

/**
 * The resources, outputs and parameters of `stack` alone — a nested stack is one resource of its
 * parent and counts its own. Outputs and parameters that carry references between a stack and its
 * nested stacks are created when the app is prepared for synthesis, so count after that (as
 * validation does).
 */
export function templateCounts(stack: Stack): TemplateCounts {
  const constructs = stack.node.findAll().filter((construct) => Stack.of(construct) === stack);
  return {
    stack: stack.node.path,
    resources: constructs.filter((construct) => CfnResource.isCfnResource(construct)).length,
    outputs: constructs.filter((construct) => construct instanceof CfnOutput).length,
    parameters: constructs.filter((construct) => construct instanceof CfnParameter).length,
  };
}

/** `root` and each of its nested stacks, at any depth. */
export function stacksOf(root: Stack): Stack[] {
  return [root, ...root.node.findAll().filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct))];
}

/**
 * Problems with the number of resources, outputs and parameters of `root` and of each of its nested
 * stacks (CloudFormation's limits apply to each stack), for `node.addValidation`.
 */
export function templateLimitProblems(root: Stack, hint: string): string[] {
  const problems: string[] = [];
  for (const counts of stacksOf(root).map(templateCounts)) {
    const exceeded = (what: string, count: number, limit: number) =>
      problems.push(`${counts.stack} has ${count} ${what}; CloudFormation allows ${limit} per stack. ${hint}`);
    if (counts.resources > CLOUDFORMATION_MAX_RESOURCES) exceeded('resources', counts.resources, CLOUDFORMATION_MAX_RESOURCES);
    if (counts.outputs > CLOUDFORMATION_MAX_OUTPUTS) exceeded('outputs', counts.outputs, CLOUDFORMATION_MAX_OUTPUTS);
    if (counts.parameters > CLOUDFORMATION_MAX_PARAMETERS) exceeded('parameters', counts.parameters, CLOUDFORMATION_MAX_PARAMETERS);
  }
  return problems;
}
