import type { ProviderName } from '../../../lambdas/core/registry';
import { genericSamples } from '../../samples/generic';
import { githubSamples } from '../../samples/github';
import type { SampleSet } from '../../samples/sample';
import { sendgridSamples } from '../../samples/sendgrid';
import { shopifySamples } from '../../samples/shopify';
import { slackSamples } from '../../samples/slack';
import { standardSamples } from '../../samples/standard';
import { stripeSamples } from '../../samples/stripe';
import { twilioSamples } from '../../samples/twilio';
import { genericSigner } from './generic';
import { githubSigner } from './github';
import { sendgridSigner } from './sendgrid';
import { shopifySigner } from './shopify';
import { slackSigner } from './slack';
import type { Signer } from './signer';
import { standardSigner } from './standard';
import { stripeSigner } from './stripe';
import { twilioSigner } from './twilio';

export interface ProviderSender {
  readonly signer: Signer;
  readonly samples: SampleSet;
}

/**
 * What `npm run send` needs per provider. Keyed by the core registry's names with `satisfies`, so
 * a provider added to `lambdas/core/registry.ts` does not type-check until it has an entry here.
 */
export const senders = {
  stripe: { signer: stripeSigner, samples: stripeSamples },
  github: { signer: githubSigner, samples: githubSamples },
  shopify: { signer: shopifySigner, samples: shopifySamples },
  slack: { signer: slackSigner, samples: slackSamples },
  twilio: { signer: twilioSigner, samples: twilioSamples },
  sendgrid: { signer: sendgridSigner, samples: sendgridSamples },
  standard: { signer: standardSigner, samples: standardSamples },
  generic: { signer: genericSigner, samples: genericSamples },
} satisfies Record<ProviderName, ProviderSender>;

export const senderNames = Object.keys(senders) as ProviderName[];

export function findSender(name: string): ProviderSender | undefined {
  return Object.hasOwn(senders, name) ? senders[name as ProviderName] : undefined;
}
