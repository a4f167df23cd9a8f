/** Where the server and CLI report what happened; the default discards everything. */
export interface Logger {
  info(message: string, detail?: unknown): void
  warn(message: string, detail?: unknown): void
  error(message: string, detail?: unknown): void
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }

/**
 * A log line with credentials masked: `token=` (and `access_token=`, `api_key=`, `key=`) values in
 * URLs, and bearer tokens. Logs are read by more people than the API is.
 */
export const maskSecrets = (text: string): string =>
  text
    .replace(/([?&;](?:access_token|api_key|apikey|key|token)=)[^&#\s"']+/gi, '$1***')
    .replace(/(\bBearer\s+)[^\s"',]+/gi, '$1***')

/** A logger writing one line per entry to a stream (stderr for the server); credentials are masked. */
export function streamLogger(write: (line: string) => void): Logger {
  const line = (level: string, message: string, detail?: unknown) => {
    const suffix = detail === undefined ? '' : ` ${detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)}`
    write(maskSecrets(`${new Date().toISOString()} ${level} ${message}${suffix}\n`))
  }
  return {
    info: (m, d) => line('info', m, d),
    warn: (m, d) => line('warn', m, d),
    error: (m, d) => line('error', m, d),
  }
}
