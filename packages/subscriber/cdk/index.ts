/** The CDK side of @hookrelay/subscriber: `import { HookrelaySubscription } from '@hookrelay/subscriber/cdk'`. */
export {
  ASSUMED_FUNCTION_TIMEOUT,
  DEFAULT_MAX_RECEIVE_COUNT,
  HookrelaySubscription,
  VISIBILITY_TIMEOUT_PER_FUNCTION_TIMEOUT,
  type HookrelaySubscriptionProps,
} from './hookrelay-subscription';
export { subscriptionFilterPolicy, type SubscriptionFilterOptions } from '../src/filter-policy';
