/**
 * What a request asks for, read strictly from Bun's absolute request URL and the Host header: the
 * security guard decides on these alone (docs/security.md, "Token and public paths").
 */

/** A Host header value: a registered name, an IPv4 address or a bracketed IPv6 address, then an optional port. */
const HOST_HEADER = /^(?:[a-z0-9._~!$&'()*+;=-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/i

/**
 * The host name of a Host header (lowercase, no port, IPv6 without brackets), or null when the
 * value is not a valid host: empty, with a path (`a/b`), userinfo, several ports, or several
 * Host headers joined by a comma.
 */
export function hostName(header: string | null): string | null {
  if (header === null || !HOST_HEADER.test(header)) return null
  if (header.charCodeAt(0) === 91 /* [ */) return header.slice(1, header.indexOf(']')).toLowerCase()
  const colon = header.indexOf(':')
  return (colon === -1 ? header : header.slice(0, colon)).toLowerCase()
}

/**
 * The path of an absolute request URL, from the first `/` after its authority; null when the URL
 * is not absolute. Bun leaves a request's URL relative when it could not build one from the Host
 * header (HTTP/1.0 without Host, `Host: a/b`), and such a request is refused as unparseable.
 */
export function pathOf(url: string): string | null {
  const scheme = url.indexOf('://')
  if (scheme === -1 || url.charCodeAt(0) !== 104 /* h */) return null
  const start = url.indexOf('/', scheme + 3)
  if (start === -1) return '/'
  let end = url.length
  for (let i = start; i < url.length; i++) {
    const code = url.charCodeAt(i)
    if (code === 63 /* ? */ || code === 35 /* # */) {
      end = i
      break
    }
  }
  return url.slice(start, end)
}

/** The authority (`host[:port]`) of an absolute URL, as Bun built it from the Host header. */
export function authorityOf(url: string): string {
  const start = url.indexOf('://') + 3
  const end = url.indexOf('/', start)
  return url.slice(start, end === -1 ? undefined : end)
}

const DATA_PREFIXES = ['/api', '/ws', '/mcp']

const isUnder = (path: string, prefix: string) =>
  path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47 /* / */)

/** The path as a router might read it in the worst case: decoded, slashes collapsed, lowercase. */
function loosest(path: string): string {
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    decoded = path
  }
  return decoded.replaceAll('\\', '/').replace(/\/{2,}/g, '/').toLowerCase()
}

/**
 * True for paths that hold data (`/api/…`, `/ws/…`, `/mcp`): they need the token and pass the
 * origin rules. Every other path (the web app's shell and assets, `/swagger`) holds no data.
 * Classified on the loosest reading of the path, so no spelling of a data path passes as public.
 */
export function isDataPath(path: string): boolean {
  if (DATA_PREFIXES.some((prefix) => isUnder(path, prefix))) return true
  const loose = loosest(path)
  return loose !== path && DATA_PREFIXES.some((prefix) => isUnder(loose, prefix))
}
