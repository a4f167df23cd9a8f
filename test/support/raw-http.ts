/** One HTTP response read off a raw socket. */
export interface RawResponse {
  status: number
  /** Header names lowercased; repeated headers joined with ', '. */
  headers: Record<string, string>
  body: string
  /** The body parsed, when it is JSON. */
  json: any
}

/** True once `bytes` hold a whole first response: a 101 head, or a head and its Content-Length body. */
function complete(bytes: Buffer): boolean {
  const headEnd = bytes.indexOf('\r\n\r\n')
  if (headEnd === -1) return false
  const head = bytes.subarray(0, headEnd).toString('latin1')
  if (/^HTTP\/1\.1 101 /.test(head)) return true
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1]
  return length !== undefined && bytes.length >= headEnd + 4 + Number(length)
}

/**
 * Sends bytes exactly as given (no client library to normalise them) on a fresh connection and
 * resolves with the first response once it has arrived whole (or the server closed the connection).
 */
export async function rawRequest(port: number, request: string | Uint8Array): Promise<RawResponse> {
  const chunks: Buffer[] = []
  let finished: () => void = () => {}
  const done = new Promise<void>((resolve) => (finished = resolve))
  const socket = await Bun.connect({
    hostname: '127.0.0.1',
    port,
    socket: {
      data: (_socket, chunk) => {
        chunks.push(Buffer.from(chunk))
        if (complete(Buffer.concat(chunks))) finished()
      },
      close: () => finished(),
      error: () => finished(),
      end: () => finished(),
    },
  })
  socket.write(request)
  await done
  socket.end()
  return parseResponse(Buffer.concat(chunks))
}

/** The first response in `bytes` (chunked bodies decoded). */
export function parseResponse(bytes: Buffer): RawResponse {
  const headEnd = bytes.indexOf('\r\n\r\n')
  const head = bytes.subarray(0, headEnd === -1 ? bytes.length : headEnd).toString('latin1').split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0)
  const headers: Record<string, string> = {}
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  let rest = headEnd === -1 ? Buffer.alloc(0) : bytes.subarray(headEnd + 4)
  if (headers['transfer-encoding']?.includes('chunked')) {
    const parts: Buffer[] = []
    for (;;) {
      const lineEnd = rest.indexOf('\r\n')
      const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16)
      if (!(size > 0)) break
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size))
      rest = rest.subarray(lineEnd + 2 + size + 2)
    }
    rest = Buffer.concat(parts)
  } else if (headers['content-length'] !== undefined) {
    rest = rest.subarray(0, Number(headers['content-length']))
  }
  const body = rest.toString('utf8')
  let json: unknown = null
  if (headers['content-type']?.includes('json')) {
    try {
      json = JSON.parse(body)
    } catch {
      json = null
    }
  }
  return { status, headers, body, json }
}

/** An HTTP/1.1 request as text: the request line, the headers given (in order), then the body. */
export function httpRequest(method: string, target: string, headers: [string, string][], body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`)]
  if (body !== '' && !headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))) lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}

/** The headers a browser or library sends to open a WebSocket. */
export const UPGRADE_HEADERS: [string, string][] = [
  ['Upgrade', 'websocket'],
  ['Connection', 'Upgrade'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ['Sec-WebSocket-Version', '13'],
]
