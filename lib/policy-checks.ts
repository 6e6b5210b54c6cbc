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
 * The Control Tower rule files that can find anything in a template with `resourceTypes`: each
 * rule names the resource types it inspects, and a rule for types the stack does not have passes
 * trivially. Running only these gives the same findings in a fraction of the time (all 237 rules:
 * ≈ 10 s on the dev template; the 40-odd that apply: ≈ 1.8 s, `cfn-guard validate` on this
 * machine). A rule that names no type is always run.
 */
export function guardRulesFor(resourceTypes: ReadonlySet<string>): string[] {
  return guardFiles(CONTROL_TOWER_RULES).filter((file) => {
    const inspected = [...readFileSync(file, 'utf8').matchAll(/"(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"/g)].map((match) => match[1]!);
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
