import { timingSafeEqual } from 'node:crypto'
import { Elysia } from 'elysia'
import { isLoopbackAddress } from '../shared/net'
import { errorResponse } from './errors'

/** The security settings of a running server (SPEC §3 "Security"). */
export interface SecurityConfig {
  /** The bearer token, if any. */
  token: string | null
  /** True when the token was generated for a non-loopback bind: loopback clients then need no token. */
  tokenGenerated: boolean
  /** Extra Host names (`--allow-host`) accepted from unauthenticated clients. */
  allowHosts: string[]
  /** Origins allowed by CORS (`--cors-origin`); empty = CORS off. */
  corsOrigins: string[]
  /** Largest accepted request body, bytes. */
  maxBodyBytes: number
}

/** How the app learns the peer's address; the server passes Bun's `requestIP`. */
export type PeerAddress = (request: Request) => string | null

/** Paths answered to anyone: health checks are for monitors that hold no token. */
const PUBLIC_PATHS = new Set(['/api/health'])

/** The host name of a Host header value, without port (brackets kept off IPv6). */
export function hostName(header: string | null): string | null {
  if (!header) return null
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(header)
  if (bracketed) return bracketed[1]!.toLowerCase()
  return header.replace(/:\d+$/, '').toLowerCase()
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1'])

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  // Compare a fixed-length copy so the time taken does not reveal the token's length either.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(b, b), false)
}

/** The token a request presents: `Authorization: Bearer …`, or `?token=` on WebSocket upgrades. */
function presentedToken(request: Request): string | null {
  const header = request.headers.get('authorization')
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim())
    return match ? match[1]! : null
  }
  if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') return new URL(request.url).searchParams.get('token')
  return null
}

/** The path of a request URL without allocating a URL object (this runs on every request). */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start === -1) return '/'
  const query = url.indexOf('?', start)
  return url.slice(start, query === -1 ? undefined : query)
}

/** Decides whether a request may proceed; returns the refusal response or null. */
export function guardRequest(config: SecurityConfig, request: Request, peer: () => string | null): Response | null {
  const method = request.method
  if (method === 'GET') {
    if (PUBLIC_PATHS.has(pathOf(request.url))) return null
  } else {
    const length = request.headers.get('content-length')
    if (length !== null && Number(length) > config.maxBodyBytes) {
      return errorResponse('PAYLOAD_TOO_LARGE', `Request body exceeds ${config.maxBodyBytes} bytes`)
    }
  }
  if (config.token) {
    const given = presentedToken(request)
    if (given !== null && sameSecret(given, config.token)) return null
    // Looked up only here: asking the server for the peer address costs more than the rest of the guard.
    const loopbackTrusted = config.tokenGenerated && isLoopbackAddress(peer())
    if (!loopbackTrusted) {
      return errorResponse(
        'UNAUTHORIZED',
        given === null ? 'Missing bearer token (Authorization: Bearer <token>)' : 'Invalid bearer token',
        { 'www-authenticate': 'Bearer' },
      )
    }
  }
  const host = hostName(request.headers.get('host') ?? new URL(request.url).host)
  if (host === null || !(LOOPBACK_HOSTS.has(host) || config.allowHosts.includes(host))) {
    return errorResponse('FORBIDDEN', `Host '${host ?? ''}' is not allowed without a token (see --allow-host)`)
  }
  return null
}

const CORS_METHODS = 'GET, POST, PUT, DELETE, OPTIONS'
const CORS_HEADERS = 'authorization, content-type'

const isPreflight = (request: Request) =>
  request.method === 'OPTIONS' && request.headers.has('access-control-request-method')

/**
 * Host guard, bearer token, CORS allow-list and body limit: one plugin, applied once, reaching
 * every route (global hooks). Without `--cors-origin` the hook never touches the response
 * headers, which keeps Elysia on its lighter per-request path.
 */
export const security = (config: SecurityConfig, peerAddress: PeerAddress) => {
  const guard = (request: Request) => guardRequest(config, request, () => peerAddress(request))
  const plugin = new Elysia({ name: 'chasm-security' })
  if (config.corsOrigins.length === 0) {
    return plugin
      .onRequest(({ request }) =>
        isPreflight(request)
          ? errorResponse('FORBIDDEN', `Origin '${request.headers.get('origin') ?? ''}' is not allowed (see --cors-origin)`)
          : (guard(request) ?? undefined),
      )
      .as('global')
  }
  return plugin
    .onRequest(({ request, set }) => {
      const origin = request.headers.get('origin')
      const corsAllowed = origin !== null && config.corsOrigins.includes(origin)
      if (corsAllowed) {
        set.headers['access-control-allow-origin'] = origin
        set.headers.vary = 'Origin'
      }
      if (isPreflight(request)) {
        if (!corsAllowed) return errorResponse('FORBIDDEN', `Origin '${origin ?? ''}' is not allowed (see --cors-origin)`)
        return new Response(null, {
          status: 204,
          headers: {
            'access-control-allow-origin': origin,
            'access-control-allow-methods': CORS_METHODS,
            'access-control-allow-headers': CORS_HEADERS,
            'access-control-max-age': '600',
            vary: 'Origin',
          },
        })
      }
      const refusal = guard(request)
      if (refusal && corsAllowed) {
        refusal.headers.set('access-control-allow-origin', origin)
        refusal.headers.set('vary', 'Origin')
      }
      return refusal ?? undefined
    })
    .as('global')
}
