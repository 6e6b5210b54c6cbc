import { randomInt } from 'node:crypto';
import { compactJson, randomId, unixSeconds, type SampleContext, type SampleSet } from './sample';

const TEAM = 'T0HOOKRELAY';
const APP = 'A0HOOKRELAY';
const CHANNEL = 'C0HOOKRELAY';
const USER = 'U0ZOEMARTIN';

/** `ts` of a Slack message: seconds and six digits, unique per message in a channel. */
function messageTs(now: Date): string {
  return `${unixSeconds(now)}.${String(randomInt(1_000_000)).padStart(6, '0')}`;
}

/** An Events API `event_callback` wrapping `event`, with a new `Ev…` id (the event id hookrelay dedupes on). */
function eventCallback(event: Record<string, unknown>, { now }: SampleContext): string {
  return compactJson({
    token: 'hookrelayVerificationTokenUnused',
    team_id: TEAM,
    context_team_id: TEAM,
    api_app_id: APP,
    event: { ...event, event_ts: messageTs(now) },
    type: 'event_callback',
    event_id: randomId('Ev', 9).toUpperCase(),
    event_time: unixSeconds(now),
    authorizations: [{ enterprise_id: null, team_id: TEAM, user_id: 'U0HOOKRELAYBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: randomId('4-', 40),
  });
}

export const slackSamples: SampleSet = {
  defaultType: 'message',
  types: {
    message: (c) =>
      eventCallback({ type: 'message', channel: CHANNEL, channel_type: 'channel', user: USER, text: 'Déploiement terminé ✅', ts: messageTs(c.now) }, c),
    app_mention: (c) =>
      eventCallback({ type: 'app_mention', channel: CHANNEL, user: USER, text: '<@U0HOOKRELAYBOT> status?', ts: messageTs(c.now) }, c),
    reaction_added: (c) =>
      eventCallback({ type: 'reaction_added', user: USER, reaction: 'tada', item: { type: 'message', channel: CHANNEL, ts: messageTs(c.now) } }, c),
    member_joined_channel: (c) => eventCallback({ type: 'member_joined_channel', user: USER, channel: CHANNEL, channel_type: 'C', team: TEAM }, c),
    app_home_opened: (c) => eventCallback({ type: 'app_home_opened', user: USER, channel: 'D0HOOKRELAY', tab: 'home' }, c),
    // Sent when the Request URL is saved: answered with its challenge, never enqueued.
    url_verification: () => compactJson({ token: 'hookrelayVerificationTokenUnused', challenge: randomId('', 48), type: 'url_verification' }),
  },
};
