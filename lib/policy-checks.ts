import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  CfnResource,
  NestedStack,
  Validations,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  type Stack,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The plugin name CDK reports CloudFormation Guard findings under (`<plugin>::<rule>` acknowledges one). */
export const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/** AWS's Control Tower proactive controls as CloudFormation Guard rules, shipped with the plugin. */
const CONTROL_TOWER_RULES = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')), '..', 'rules', 'control-tower', 'cfn-guard');

function guardFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    return statSync(full).isDirectory() ? guardFiles(full) : name.endsWith('.guard') ? [full] : [];
  });
}

/**
 * The resource types a Guard rule file inspects: the types of its `is_cfn_hook(…, %TYPE)` clauses
 * (each rule checks the resources of that type, other types it names are references), else every
 * type it names.
 */
function inspectedTypes(rule: string): string[] {
  const named = (variable: string) => new RegExp(`let\\s+${variable}\\s*=\\s*"(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"`).exec(rule)?.[1];
  const hooked = [...rule.matchAll(/is_cfn_hook\(%INPUT_DOCUMENT,\s*%(\w+)\)/g)].map((match) => named(match[1]!));
  if (hooked.length > 0 && hooked.every((type) => type !== undefined)) return hooked as string[];
  return [...rule.matchAll(/"(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"/g)].map((match) => match[1]!);
}

/**
 * The Control Tower rule files that can find anything in a template with `resourceTypes`: a rule
 * for a type the stack does not have passes trivially. Running only these gives the same findings
 * (compared on the dev and every-option templates) in a sixth of the time: the 31 rules that
 * inspect the dev template's types take ≈ 1.7 s, all 237 ≈ 11 s (`cfn-guard validate` on this
 * machine). A rule that names no type is always run.
 */
export function guardRulesFor(resourceTypes: ReadonlySet<string>): string[] {
  return guardFiles(CONTROL_TOWER_RULES).filter((file) => {
    const inspected = inspectedTypes(readFileSync(file, 'utf8'));
    return inspected.length === 0 || inspected.some((type) => resourceTypes.has(type));
  });
}

/**
 * A template-reading plugin that also reads the templates of the nested stacks under `stack`. CDK
 * hands a policy plugin the templates of top-level stacks only; a nested stack's template is an
 * asset next to them, named by its `templateFile`, and CDK maps a finding in it back to its
 * construct (and so to its acknowledgements) by that name.
 */
export class WithNestedTemplates implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  readonly #plugin: IPolicyValidationPlugin;
  readonly #stack: Stack;

  public constructor(plugin: IPolicyValidationPlugin, stack: Stack) {
    this.#plugin = plugin;
    this.#stack = stack;
    this.name = plugin.name;
    this.version = plugin.version;
    this.ruleIds = plugin.ruleIds;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const outdir = path.dirname(context.templatePaths[0] ?? '.');
    const root = context.stackTemplates.find((template) => template.stackConstructPath === this.#stack.node.path);
    const nested = this.#stack.node
      .findAll()
      .filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct))
      .map((nestedStack) => ({
        stackConstructPath: nestedStack.node.path,
        templatePath: path.join(outdir, nestedStack.templateFile),
        accountId: root?.accountId,
        region: root?.region,
      }));
    return this.#plugin.validate({
      ...context,
      templatePaths: [...context.templatePaths, ...nested.map((template) => template.templatePath)],
      stackTemplates: [...context.stackTemplates, ...nested],
    });
  }
}

/**
 * The two independent policy checks every synth runs (`bin/app.ts`), each failing it on a finding
 * that is not acknowledged next to its resource: cdk-nag's AwsSolutions rules (which walk the
 * construct tree, nested stacks included), and AWS's CloudFormation Guard rules (the Control Tower
 * proactive controls, run offline by `@cdklabs/cdk-validator-cfnguard` on the root template and
 * every nested one) limited to the rules that apply to the stacks' resource types.
 */
export function policyChecks(stack: Stack): IPolicyValidationPlugin[] {
  const resourceTypes = new Set(stack.node.findAll().filter(CfnResource.isCfnResource).map((resource) => resource.cfnResourceType));
  return [
    new AwsSolutionsChecks(stack.node.root, { verbose: true }),
    new WithNestedTemplates(
      new CfnGuardValidator({
        controlTowerRulesEnabled: false,
        rules: guardRulesFor(resourceTypes),
        // The JSON report of a large stack outgrows Node's default 1 MB buffer.
        maxBuffer: 64 * 1024 * 1024,
      }),
      stack,
    ),
  ];
}

/** Acknowledges a CloudFormation Guard finding on `scope` (and what it contains), with the reason. */
export function acknowledgeGuardFinding(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${GUARD_PLUGIN}::${rule}`, reason });
}
