/**
 * `npx cdk synth -c stripeTopicArn=… -c githubTopicArn=… -c payloadBucketName=…` from this folder
 * (the values are hookrelay's stack outputs).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BillingSubscriberStack } from './billing-subscriber-stack';

const app = new App();
const context = (name: string): string => {
  const value: unknown = app.node.tryGetContext(name);
  if (typeof value !== 'string' || value === '') throw new Error(`Pass -c ${name}=<hookrelay stack output>`);
  return value;
};
new BillingSubscriberStack(app, 'billing-subscriber', {
  stripeTopicArn: context('stripeTopicArn'),
  githubTopicArn: context('githubTopicArn'),
  payloadBucketName: context('payloadBucketName'),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
