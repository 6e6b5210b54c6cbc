/**
 * `npm run send -- <route> [event-type]`: sends a sample webhook signed as its sender signs it, and
 * prints hookrelay's answer (usage: `npm run send -- --help`; the command: lib/send-command.ts).
 */
import { runSendCommand } from './lib/send-command';

runSendCommand(process.argv.slice(2), process.env).then((code) => process.exit(code));
