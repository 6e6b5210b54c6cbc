/**
 * Where the kit writes its few log lines (an unhandled type, a skipped duplicate or replay, a
 * failed record). A Powertools `Logger` fits; so does `console`. Fields name events, never payloads.
 */
export interface SubscriberLogger {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** One JSON line per entry on stdout/stderr, which Lambda ships to CloudWatch Logs as it is. */
export const jsonLineLogger: SubscriberLogger = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'INFO', message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: 'WARN', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', message, ...fields })),
};
