/**
 * The one rule for browser origins (docs/security.md, "Browsers"): the server's own origins, each
 * `--allow-host` name on the server's port, and every `--cors-origin`. HTTP requests, WebSocket
 * upgrades and `/mcp` are all judged by `OriginPolicy.allows`.
 */

/** `scheme://host[:port]` as a browser writes it (default ports left out), or null when `value` is no origin. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value)
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin === 'null') return null
    return url.origin.toLowerCase()
  } catch {
    return null
  }
}

/** Which origins may call the API: built once the listening port is known. */
export class OriginPolicy {
  private readonly allowed: Set<string>

  constructor({ port, bindHost, allowHosts, corsOrigins }: { port: number; bindHost: string | null; allowHosts: string[]; corsOrigins: string[] }) {
    const hosts = ['127.0.0.1', 'localhost', '[::1]', ...allowHosts.map((host) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host))]
    // A server bound to one specific address is also reached at it; a wildcard bind is not an origin.
    if (bindHost && !['0.0.0.0', '::', '[::]', ''].includes(bindHost)) hosts.push(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost)
    const own = hosts.map((host) => normalizeOrigin(`http://${host}:${port}`)).filter((origin): origin is string => origin !== null)
    const cors = corsOrigins.map(normalizeOrigin).filter((origin): origin is string => origin !== null)
    this.allowed = new Set([...own, ...cors])
  }

  /** True when a request carrying `Origin: origin` may proceed. */
  allows(origin: string): boolean {
    if (this.allowed.has(origin)) return true
    const normalized = normalizeOrigin(origin)
    return normalized !== null && this.allowed.has(normalized)
  }
}
