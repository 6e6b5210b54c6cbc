/**
 * Process-wide state a test swaps and must put back: what a stream receives (Powertools writes its
 * log and EMF lines to stdout, warnings to stderr) and environment variables (Powertools reads its
 * switches from them).
 */

export interface CapturedWrites {
  /** Everything written since the capture began, or since the last `clear`. */
  text(): string;
  /** Forgets what was captured so far (tests sharing one capture start from nothing). */
  clear(): void;
  /** Gives the stream its own `write` back. */
  restore(): void;
}

/** Records, instead of printing, everything written to `stream` until `restore`. */
export function captureWrites(stream: NodeJS.WriteStream): CapturedWrites {
  let chunks: string[] = [];
  const write = stream.write;
  stream.write = ((chunk: string | Uint8Array) => chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')) > 0) as typeof stream.write;
  return {
    text: () => chunks.join(''),
    clear: () => {
      chunks = [];
    },
    restore: () => {
      stream.write = write;
    },
  };
}

/**
 * Sets (a string) or removes (undefined) each variable of `changes`; the returned function puts
 * each back as it was, deleting the ones that were unset (assigning undefined to `process.env`
 * would store the string "undefined").
 */
export function setEnvironment(changes: Readonly<Record<string, string | undefined>>): () => void {
  const previous = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(changes);
  return () => apply(previous);
}
