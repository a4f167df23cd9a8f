/** Where the server and CLI report what happened; the default discards everything. */
export interface Logger {
  info(message: string, detail?: unknown): void
  warn(message: string, detail?: unknown): void
  error(message: string, detail?: unknown): void
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }

/** A logger writing one line per entry to a stream (stderr for the server). */
export function streamLogger(write: (line: string) => void): Logger {
  const line = (level: string, message: string, detail?: unknown) => {
    const suffix = detail === undefined ? '' : ` ${detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)}`
    write(`${new Date().toISOString()} ${level} ${message}${suffix}\n`)
  }
  return {
    info: (m, d) => line('info', m, d),
    warn: (m, d) => line('warn', m, d),
    error: (m, d) => line('error', m, d),
  }
}
