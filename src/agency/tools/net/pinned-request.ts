import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import type { CheckedDestination } from './destinations'

/** One HTTP exchange as `http_request` reports it. */
export interface PinnedResponse {
  status: number
  statusText: string
  headers: IncomingMessage['headers']
  body: Buffer
  /** The body went past the cap and the rest was not read. */
  cut: boolean
}

/** One request of `http_request`: method, URL, headers and body as the model asked (after the tool's filtering). */
export interface PinnedRequest {
  url: URL
  method: string
  headers: Record<string, string>
  body: string | undefined
}

/**
 * Sends one request to exactly `destination.address` — the resolver is replaced by one that answers
 * that checked address, so nothing can re-resolve the name between the check and the connect — with
 * the URL's host name kept for the Host header and for TLS (server name and certificate check).
 * Never follows redirects and never uses a proxy or a pooled connection.
 */
export function pinnedRequest(request: PinnedRequest, destination: CheckedDestination, limit: number, signal: AbortSignal): Promise<PinnedResponse> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    const { address, family } = destination
    if (options.all) (callback as unknown as (error: null, list: Array<{ address: string; family: number }>) => void)(null, [{ address, family }])
    else callback(null, address, family)
  }
  const { url } = request
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const outgoing = send(
      {
        protocol: url.protocol,
        host: destination.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        lookup: pinned,
        agent: false,
        signal,
      },
      (incoming) => {
        const chunks: Buffer[] = []
        let size = 0
        let cut = false
        const finish = () =>
          resolve({ status: incoming.statusCode ?? 0, statusText: incoming.statusMessage ?? '', headers: incoming.headers, body: Buffer.concat(chunks).subarray(0, limit), cut })
        incoming.on('data', (chunk: Buffer) => {
          if (cut) return
          chunks.push(chunk)
          size += chunk.byteLength
          if (size > limit) {
            cut = true
            incoming.destroy()
            finish()
          }
        })
        incoming.on('end', finish)
        incoming.on('error', (error) => (cut ? undefined : reject(error)))
      },
    )
    outgoing.on('error', reject)
    outgoing.end(request.body)
  })
}
