import { ChasmError } from '../shared/errors'
import { checkJsonDepth } from '../shared/json'

/** True when the Content-Type is JSON (`application/json`, any parameters, any case). */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false
  const semicolon = value.indexOf(';')
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase() === 'application/json'
}

/** The one message for a body over the limit. */
export const bodyTooLargeMessage = (limit: number) =>
  `Request body exceeds ${limit % 1048576 === 0 ? `${limit / 1048576} MiB (${limit} bytes)` : `${limit} bytes`}; send less per request`

const tooLarge = (limit: number) => new ChasmError('PAYLOAD_TOO_LARGE', bodyTooLargeMessage(limit))

/**
 * The body as text, read as it arrives and abandoned once it passes `limit` bytes: a chunked body
 * has no Content-Length to refuse up front, so it is counted here.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  if (request.body === null) return ''
  const length = request.headers.get('content-length')
  if (length !== null) {
    if (Number(length) > limit) throw tooLarge(limit)
    return request.text()
  }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel()
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The one JSON body parser: the size limit whatever the transfer encoding, the nesting limit, and
 * one message for malformed JSON. A JSON body of no bytes is null (routes that need a body say so).
 */
export async function parseJsonBody(request: Request, limit: number): Promise<unknown> {
  const text = await readBodyText(request, limit)
  if (text.trim() === '') return null
  checkJsonDepth(text)
  try {
    return JSON.parse(text)
  } catch {
    throw new ChasmError('BAD_REQUEST', 'Malformed JSON in request body')
  }
}
