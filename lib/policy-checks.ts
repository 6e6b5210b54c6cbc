import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnResource, Validations, type IPolicyValidationPlugin, type Stack } from 'aws-cdk-lib';
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
 * The two independent policy checks every synth runs (`bin/app.ts`), each failing it on a finding
 * that is not acknowledged next to its resource: cdk-nag's AwsSolutions rules, and AWS's
 * CloudFormation Guard rules (the Control Tower proactive controls, run offline by
 * `@cdklabs/cdk-validator-cfnguard`) limited to the rules that apply to the stack's resource types.
 */
export function policyChecks(stack: Stack): IPolicyValidationPlugin[] {
  const resourceTypes = new Set(stack.node.findAll().filter(CfnResource.isCfnResource).map((resource) => resource.cfnResourceType));
  return [
    new AwsSolutionsChecks(stack.node.root, { verbose: true }),
    new CfnGuardValidator({
      controlTowerRulesEnabled: false,
      rules: guardRulesFor(resourceTypes),
      // The JSON report of a large stack outgrows Node's default 1 MB buffer.
      maxBuffer: 64 * 1024 * 1024,
    }),
  ];
}

/** Acknowledges a CloudFormation Guard finding on `scope` (and what it contains), with the reason. */
export function acknowledgeGuardFinding(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${GUARD_PLUGIN}::${rule}`, reason });
}
