type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The local gateway's base URL, where `npm start` listens: http://127.0.0.1:$PORT, port 3000 when
 * PORT is unset or empty. The operator tools' `--url` replaces it.
 */
export function localGatewayUrl(env: Environment = process.env): string {
  return `http://127.0.0.1:${env['PORT'] || 3000}`;
}
