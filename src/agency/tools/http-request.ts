import { Type } from '@sinclair/typebox'
import { checkDestination } from './net/destinations'
import { pinnedRequest, type PinnedRequest } from './net/pinned-request'
import { defineTool, ToolError } from './tool'

/** Bytes of a response body handed to the model, how long a request may take (redirects included), and how many redirects are followed. */
export const HTTP_RESPONSE_LIMIT = 256 * 1024
export const HTTP_TIMEOUT_MS = 30_000
export const HTTP_MAX_REDIRECTS = 5

// Set by the tool itself: the destination is fixed, bodies come uncompressed, each request is one connection.
const CONTROLLED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'accept-encoding', 'proxy-authorization', 'proxy-connection'])
// Never carried to another origin by a redirect.
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie'])

/**
 * Makes an HTTP(S) request to a public address; refused unless the server was started with
 * `--allow-http-tool`. Every hop (the first request and each redirect) is resolved, checked and then
 * connected to the checked address only (see ./net/destinations.ts).
 */
export const httpRequest = defineTool({
  name: 'http_request',
  description: `Make an HTTP request to a public internet address and return the status, content type and body (cut after ${HTTP_RESPONSE_LIMIT / 1024} KiB). Local and private network addresses are refused.`,
  parameters: Type.Object({
    url: Type.String({ minLength: 1, maxLength: 8192 }),
    method: Type.Optional(Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((m) => Type.Literal(m)))),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    body: Type.Optional(Type.String({ maxLength: 5 * 1024 * 1024 })),
  }),
  async run({ url, method = 'GET', headers = {}, body }, { signal, allowHttp, destinations }) {
    if (!allowHttp) throw new ToolError('the http_request tool is disabled on this server (start it with --allow-http-tool)')
    const timeout = AbortSignal.timeout(HTTP_TIMEOUT_MS)
    const combined = AbortSignal.any([signal, timeout])
    let current: PinnedRequest = {
      url: httpUrl(url),
      method,
      headers: { ...chosenHeaders(headers), 'accept-encoding': 'identity', connection: 'close' },
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    }
    for (let redirects = 0; ; redirects++) {
      const destination = await checkDestination(current.url, destinations)
      let response
      try {
        response = await pinnedRequest(current, destination, HTTP_RESPONSE_LIMIT, combined)
      } catch (error) {
        signal.throwIfAborted()
        if (timeout.aborted) throw new ToolError(`no response within ${HTTP_TIMEOUT_MS / 1000} s`)
        throw new ToolError(`request to ${current.url.origin} failed: ${(error as Error).message}`)
      }
      const location = response.headers.location
      if (response.status >= 300 && response.status < 400 && response.status !== 304 && location) {
        if (redirects >= HTTP_MAX_REDIRECTS) throw new ToolError(`more than ${HTTP_MAX_REDIRECTS} redirects (the last one to ${location})`)
        current = redirected(current, response.status, location)
        continue
      }
      const type = response.headers['content-type']
      const text = response.body.toString('utf8')
      const lines = [
        `HTTP ${response.status} ${response.statusText}`,
        ...(redirects > 0 ? [`url: ${current.url.href} (after ${redirects} redirect${redirects === 1 ? '' : 's'})`] : []),
        ...(type ? [`content-type: ${type}`] : []),
      ]
      return `${lines.join('\n')}\n\n${response.cut ? `${text}\n… [response cut after ${HTTP_RESPONSE_LIMIT} bytes]` : text}`
    }
  },
})

function httpUrl(text: string, base?: URL): URL {
  let url: URL
  try {
    url = new URL(text, base)
  } catch {
    throw new ToolError(`not a valid URL: ${text}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ToolError(`only http and https URLs are allowed, not ${url.protocol}`)
  if (url.username || url.password) throw new ToolError('URLs with credentials (user:password@) are not allowed; send an Authorization header instead')
  return url
}

function chosenHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ToolError(`invalid header name: ${JSON.stringify(name)}`)
    if (/[\r\n\0]/.test(value)) throw new ToolError(`invalid value for header ${name}: line breaks are not allowed`)
    if (!CONTROLLED_HEADERS.has(name.toLowerCase())) kept[name] = value
  }
  return kept
}

/** The next request after a redirect, as browsers do it: 303 (and 301/302 after POST) become GET without a body. */
function redirected(previous: PinnedRequest, status: number, location: string): PinnedRequest {
  const url = httpUrl(location, previous.url)
  const toGet = status === 303 ? previous.method !== 'HEAD' : (status === 301 || status === 302) && previous.method === 'POST'
  const sameOrigin = url.origin === previous.url.origin
  const headers = Object.fromEntries(
    Object.entries(previous.headers).filter(([name]) => {
      const lower = name.toLowerCase()
      if (!sameOrigin && CREDENTIAL_HEADERS.has(lower)) return false
      return !(toGet && lower === 'content-type')
    }),
  )
  return { url, method: toGet ? 'GET' : previous.method, headers, body: toGet ? undefined : previous.body }
}
