import { Type } from '@sinclair/typebox'
import { defineTool, ToolError } from './tool'

/** Bytes of a response body handed to the model, and how long a request may take. */
export const HTTP_RESPONSE_LIMIT = 256 * 1024
export const HTTP_TIMEOUT_MS = 30_000

/** Makes an HTTP(S) request; refused unless the server was started with `--allow-http-tool`. */
export const httpRequest = defineTool({
  name: 'http_request',
  description: 'Make an HTTP request and return the status, content type and body (cut after 256 KiB).',
  parameters: Type.Object({
    url: Type.String({ minLength: 1, maxLength: 8192 }),
    method: Type.Optional(Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((m) => Type.Literal(m)))),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    body: Type.Optional(Type.String({ maxLength: 5 * 1024 * 1024 })),
  }),
  async run({ url, method = 'GET', headers, body }, { signal, allowHttp, fetch }) {
    if (!allowHttp) throw new ToolError('the http_request tool is disabled on this server (start it with --allow-http-tool)')
    let target: URL
    try {
      target = new URL(url)
    } catch {
      throw new ToolError(`not a valid URL: ${url}`)
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new ToolError(`only http and https URLs are allowed, not ${target.protocol}`)
    const timeout = AbortSignal.timeout(HTTP_TIMEOUT_MS)
    let response: Response
    try {
      response = await fetch(target, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, signal: AbortSignal.any([signal, timeout]) })
    } catch (error) {
      signal.throwIfAborted()
      if (timeout.aborted) throw new ToolError(`no response within ${HTTP_TIMEOUT_MS / 1000} s`)
      throw new ToolError(`request failed: ${(error as Error).message}`)
    }
    const text = await readCapped(response)
    const type = response.headers.get('content-type')
    return `HTTP ${response.status} ${response.statusText}${type ? `\ncontent-type: ${type}` : ''}\n\n${text}`
  },
})

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  let cut = false
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
    if (size > HTTP_RESPONSE_LIMIT) {
      cut = true
      await reader.cancel()
      break
    }
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, HTTP_RESPONSE_LIMIT))
  return cut ? `${text}\n… [response cut after ${HTTP_RESPONSE_LIMIT} bytes]` : text
}
