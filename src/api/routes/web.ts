import { Elysia, NotFoundError } from 'elysia'
import { errorResponse } from '../errors'
import { isDataPath } from '../request-target'
import { ASSETS_PREFIX, loadWebAssets, type WebAsset, type WebAssets } from '../web-assets'

/** The API, its sockets and its docs: never answered with the app. */
const notApp = (path: string) => isDataPath(path) || path === '/swagger' || path.startsWith('/swagger/')

/** A Host header we can repeat inside the CSP (anything else leaves `connect-src` at 'self'). */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/** The app's policy: its own scripts and styles only, nothing inline, nothing framed, nothing external. */
function contentSecurityPolicy(host: string | null): string {
  const socket = host !== null && PLAIN_HOST.test(host) ? ` ws://${host}` : ''
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src 'self'${socket}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
  ].join('; ')
}

const baseHeaders = (request: Request): Record<string, string> => ({
  'content-security-policy': contentSecurityPolicy(request.headers.get('host') ?? new URL(request.url).host),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
})

function serve(request: Request, file: WebAsset, cacheControl: string): Response {
  const headers: Record<string, string> = { ...baseHeaders(request), 'content-type': file.type, 'cache-control': cacheControl, etag: file.etag, vary: 'accept-encoding' }
  if (request.headers.get('if-none-match') === file.etag) return new Response(null, { status: 304, headers })
  const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')
  if (gzip) headers['content-encoding'] = 'gzip'
  return new Response(gzip ? file.gzip : file.body, { headers })
}

/**
 * The web app: `/assets/<name>` (immutable, content-hashed) and the shell for every other GET path
 * outside the API, so deep links (`/sessions/<id>`) load the app. Loaded on first request, not at start.
 */
export const webRoutes = () => {
  let assets: Promise<WebAssets> | null = null
  const load = () =>
    (assets ??= loadWebAssets().catch((error: unknown) => {
      assets = null
      throw error
    }))
  const hidden = { detail: { hide: true } }
  return new Elysia({ name: 'routes-web' })
    .get(
      `${ASSETS_PREFIX}:name`,
      async ({ request, params }) => {
        const file = (await load()).files.get(params.name)
        if (!file) return errorResponse('NOT_FOUND', `Asset not found: ${params.name}`, baseHeaders(request))
        return serve(request, file, 'public, max-age=31536000, immutable')
      },
      hidden,
    )
    .get(
      '/*',
      async ({ request, path }) => {
        // Unknown API paths go to the error handler, which answers 404 or 405 as for any other route.
        if (notApp(path)) throw new NotFoundError()
        if (path.startsWith(ASSETS_PREFIX)) return errorResponse('NOT_FOUND', `Asset not found: ${path}`, baseHeaders(request))
        return serve(request, (await load()).shell, 'no-cache')
      },
      hidden,
    )
}
