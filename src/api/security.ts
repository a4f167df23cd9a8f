import { timingSafeEqual } from 'node:crypto'
import { Elysia } from 'elysia'
import { isLoopbackAddress } from '../shared/net'
import { errorResponse } from './errors'
import { bodyTooLargeMessage, isJsonContentType, parseJsonBody } from './json-body'
import { OriginPolicy } from './origins'
import { authorityOf, hostName, isDataPath, pathOf } from './request-target'

/** The security settings of a running server (docs/security.md). */
export interface SecurityConfig {
  /** The bearer token, if any. */
  token: string | null
  /** True when the token was generated for a non-loopback bind: loopback clients then need no token. */
  tokenGenerated: boolean
  /** Extra Host names (`--allow-host`) accepted from unauthenticated clients, and allowed as origins. */
  allowHosts: string[]
  /** Origins allowed by CORS (`--cors-origin`); empty = CORS off. */
  corsOrigins: string[]
  /** Largest accepted request body, bytes. */
  maxBodyBytes: number
  /** The address the server binds (`--host`); a specific address is one of its own origins. */
  bindHost?: string | null
}

/** How the app learns the peer's address; the server passes Bun's `requestIP`. */
export type PeerAddress = (request: Request) => string | null

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1'])

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  // Compare a fixed-length copy so the time taken does not reveal the token's length either.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(b, b), false)
}

const isUpgrade = (request: Request) => request.headers.get('upgrade')?.toLowerCase() === 'websocket'

/** The token a request presents: `Authorization: Bearer …`, or `?token=` on WebSocket upgrades. */
function presentedToken(request: Request): string | null {
  const header = request.headers.get('authorization')
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim())
    return match ? match[1]! : null
  }
  if (isUpgrade(request)) return new URL(request.url).searchParams.get('token')
  return null
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/** True when the request carries body bytes (a Content-Length above 0, or a chunked body). */
function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length')
  if (length !== null) return length !== '0'
  return request.headers.has('transfer-encoding')
}

const malformed = () => errorResponse('BAD_REQUEST', 'Malformed request: the request target or Host header cannot be parsed')

/**
 * The whole check of a GET to a public path (health, docs, the web app), given its URL: they hold
 * nothing to protect, so the authority Bun built the URL from must be a host, and that is all (not
 * reading the headers keeps the health check nearly as cheap as Bun itself).
 */
export const guardPublic = (url: string): Response | null => (hostName(authorityOf(url)) === null ? malformed() : null)

/** Everything the guard needs besides the request. */
export interface Guard {
  config: SecurityConfig
  /** The origin rule, built once the server's port is known. */
  origins(): OriginPolicy
  peer(request: Request): string | null
}

/**
 * Decides whether a request may proceed; returns the refusal response or null. Checks run cheapest
 * first: unparseable target → 400; public paths (health, docs, the web app) pass; then origin →
 * 403, token → 401, Host (DNS rebinding) → 403, body size → 413, body type → 415.
 */
export function guardRequest(guard: Guard, request: Request): Response | null {
  const { config } = guard
  const url = request.url
  const path = pathOf(url)
  if (path === null) return malformed()
  const method = request.method
  const read = method === 'GET' || method === 'HEAD'
  if (read && (path === '/api/health' || !isDataPath(path))) return guardPublic(url)
  const hostHeader = request.headers.get('host')
  // In-process requests (app.handle) may have no Host header; Bun always builds the URL from one.
  const host = hostName(hostHeader ?? authorityOf(url))
  if (host === null) return malformed()

  const origin = request.headers.get('origin')
  if (origin !== null) {
    if (!guard.origins().allows(origin)) return errorResponse('FORBIDDEN', `Origin '${origin}' is not allowed (see --cors-origin)`)
  } else {
    // A browser that sends no Origin (a cross-site <img>, a link) still says where the request came from.
    const site = request.headers.get('sec-fetch-site')
    if (site !== null && site !== 'same-origin' && site !== 'none') {
      return errorResponse('FORBIDDEN', `Cross-site request refused (Sec-Fetch-Site: ${site})`)
    }
  }

  let authenticated = false
  if (config.token) {
    const given = presentedToken(request)
    authenticated = given !== null && sameSecret(given, config.token)
    // Looked up only here: asking the server for the peer address costs more than the rest of the guard.
    if (!authenticated && !(config.tokenGenerated && isLoopbackAddress(guard.peer(request)))) {
      return errorResponse(
        'UNAUTHORIZED',
        given === null ? 'Missing bearer token (Authorization: Bearer <token>)' : 'Invalid bearer token',
        { 'www-authenticate': 'Bearer' },
      )
    }
  }
  if (!authenticated && !(LOOPBACK_HOSTS.has(host) || config.allowHosts.includes(host))) {
    return errorResponse('FORBIDDEN', `Host '${host}' is not allowed without a token (see --allow-host)`)
  }

  if (!read) {
    const length = request.headers.get('content-length')
    if (length !== null && !(Number(length) <= config.maxBodyBytes)) {
      return errorResponse('PAYLOAD_TOO_LARGE', bodyTooLargeMessage(config.maxBodyBytes), { connection: 'close' })
    }
    if (BODY_METHODS.has(method) && hasBody(request) && !isJsonContentType(request.headers.get('content-type'))) {
      return errorResponse('UNSUPPORTED_MEDIA_TYPE', `Request bodies must be JSON: send 'Content-Type: application/json' (got '${request.headers.get('content-type') ?? 'none'}')`)
    }
  }
  return null
}

const CORS_METHODS = 'GET, POST, PUT, DELETE, OPTIONS'
const CORS_HEADERS = 'authorization, content-type'

const isPreflight = (request: Request) =>
  request.method === 'OPTIONS' && request.headers.has('access-control-request-method')

/** The guard of one app: its settings, its origin rule (built once the server's port is known), and how to learn a peer. */
export function createGuard(config: SecurityConfig, peerAddress: PeerAddress, ownPort: () => number): Guard {
  let policy: OriginPolicy | null = null
  return {
    config,
    origins: () =>
      (policy ??= new OriginPolicy({ port: ownPort(), bindHost: config.bindHost ?? null, allowHosts: config.allowHosts, corsOrigins: config.corsOrigins })),
    peer: peerAddress,
  }
}

/**
 * Target, origin, token, Host and body checks plus the CORS allow-list, and the one JSON body
 * parser: one plugin, applied once, reaching every route (global hooks). Without `--cors-origin`
 * the hook never touches the response headers, which keeps Elysia on its lighter per-request path.
 */
export const security = (guard: Guard) => {
  const { config } = guard
  const plugin = new Elysia({ name: 'chasm-security' }).onParse({ as: 'global' }, ({ request, contentType }) =>
    // The guard let through only JSON bodies; a request without body bytes is left to Elysia, which
    // reads it as absent.
    contentType === '' || request.body === null ? undefined : parseJsonBody(request, config.maxBodyBytes),
  )
  if (config.corsOrigins.length === 0) {
    return plugin
      .onRequest(({ request }) =>
        isPreflight(request)
          ? errorResponse('FORBIDDEN', `Origin '${request.headers.get('origin') ?? ''}' is not allowed (see --cors-origin)`)
          : (guardRequest(guard, request) ?? undefined),
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
      const refusal = guardRequest(guard, request)
      if (refusal && corsAllowed) {
        refusal.headers.set('access-control-allow-origin', origin)
        refusal.headers.set('vary', 'Origin')
      }
      return refusal ?? undefined
    })
    .as('global')
}
