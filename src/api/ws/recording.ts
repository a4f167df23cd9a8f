import { Type } from '@sinclair/typebox'
import type { ServerWebSocket, WebSocketHandler } from 'bun'
import { Elysia } from 'elysia'
import type { RecordingConnection } from '../../recording'
import type { AppDeps } from '../deps'
import { ErrorBody } from '../envelope'
import { errorResponse } from '../errors'

/** Where the recording WebSocket is answered (docs/api.md, "Recording"). */
export const RECORDING_SOCKET_PATHS = ['/ws/recording', '/api/recording/ws'] as const

/** Largest client message the recorder accepts; larger ones get a PAYLOAD_TOO_LARGE error, the socket stays open. */
export const MAX_SOCKET_MESSAGE_BYTES = 4 * 1024 * 1024

const PROTOCOL_DESCRIPTION = [
  'JSON text messages, at most 4 MiB each. On open the server sends {"type": "connected", "clientId", "version": 1}.',
  'Client → server: an event or {"events": [...]} (as POST /api/recording/events) → one {"type": "ack", event_id, session_id, status, seq} per event, after the commit;',
  '{"type": "subscribe", "session_id"} → {"type": "subscribed"}, then {"type": "event", "event"} for every event recorded in that session;',
  '{"type": "unsubscribe", "session_id"} → {"type": "unsubscribed"}; {"type": "ping"} → {"type": "pong", "serverTime"}.',
  'A bad message gets {"type": "error", "code", "message", "event_id"} and the socket stays open. Replies come in the order messages were sent.',
  'Token (when required): Authorization header or ?token=.',
].join(' ')

/** Outbound bytes queued on a socket above which we stop reading from it until it drains. */
const OUTBOUND_HIGH_WATER = 1024 * 1024

/**
 * Bun's WebSocket settings for the server. The frame limit sits well above ours so an oversized
 * message gets a precise error instead of a closed socket; sends are never silently dropped: a
 * peer that stops reading is paused first, and closed only past `backpressureLimit`.
 */
export const SOCKET_OPTIONS = {
  maxPayloadLength: 4 * MAX_SOCKET_MESSAGE_BYTES,
  backpressureLimit: 64 * 1024 * 1024,
  closeOnBackpressureLimit: true,
  idleTimeout: 120,
} satisfies Omit<WebSocketHandler<unknown>, 'message'>

/**
 * Elysia's Bun adapter dispatches every WebSocket event to the handlers in `ws.data`. We upgrade
 * ourselves and give it ours, so each message arrives raw: its size and kind (text or binary)
 * are checked before any parsing, and reading can be paused for backpressure.
 */
export interface SocketData {
  open(ws: ServerWebSocket<SocketData>): void
  message(ws: ServerWebSocket<SocketData>, message: string | Buffer): void
  drain(ws: ServerWebSocket<SocketData>): void
  close(ws: ServerWebSocket<SocketData>): void
}

const utf8Length = (text: string): number => (text.length * 3 <= MAX_SOCKET_MESSAGE_BYTES ? text.length : Buffer.byteLength(text))

/** The handlers of one recording socket: raw frames in, protocol replies out, reading paused under backpressure. */
export function socketHandlers({ recorder }: Pick<AppDeps, 'recorder'>): SocketData {
  let connection: RecordingConnection | null = null
  // Reading pauses while either the peer is not reading our replies or too many replies are outstanding.
  let outboundFull = false
  let repliesHigh = false
  const flow = (ws: ServerWebSocket<SocketData>) => {
    if (outboundFull || repliesHigh) ws.pause()
    else ws.resume()
  }
  return {
    open(ws) {
      connection = recorder.connect({
        send(message) {
          ws.send(JSON.stringify(message))
          if (!outboundFull && ws.getBufferedAmount() > OUTBOUND_HIGH_WATER) {
            outboundFull = true
            flow(ws)
          }
        },
        pressure(high) {
          repliesHigh = high
          flow(ws)
        },
        cork: (fn) => ws.cork(fn),
        close: (code, reason) => ws.close(code, reason),
      })
    },
    message(_ws, message) {
      if (!connection) return
      if (typeof message !== 'string') {
        connection.reject('BAD_REQUEST', 'Binary frames are not supported: send each message as JSON text')
      } else if (utf8Length(message) > MAX_SOCKET_MESSAGE_BYTES) {
        connection.reject('PAYLOAD_TOO_LARGE', `Message exceeds ${MAX_SOCKET_MESSAGE_BYTES} bytes (4 MiB); send smaller batches`)
      } else {
        connection.receiveText(message)
      }
    },
    drain(ws) {
      if (outboundFull && ws.getBufferedAmount() <= OUTBOUND_HIGH_WATER / 4) {
        outboundFull = false
        flow(ws)
      }
    },
    close() {
      connection?.close()
      connection = null
    },
  }
}

/** The recording WebSocket at `/ws/recording` and `/api/recording/ws`: events → acks after commit, live subscriptions, ping. */
export const recordingSocket = (deps: AppDeps) => {
  const upgrade = ({ request, server }: { request: Request; server: import('bun').Server<unknown> | null }) => {
    if (server?.upgrade(request, { data: socketHandlers(deps) })) return
    return errorResponse('BAD_REQUEST', 'Expected a WebSocket upgrade request (Upgrade: websocket)')
  }
  const plugin = new Elysia({ name: 'ws-recording' })
  for (const path of RECORDING_SOCKET_PATHS) {
    plugin.get(path, upgrade, {
      response: {
        101: Type.Unknown({ description: 'Switching Protocols: the socket is open; the server first sends {"type": "connected"}' }),
        400: ErrorBody,
        401: ErrorBody,
        403: ErrorBody,
      },
      detail: { tags: ['Recording'], summary: 'Recording WebSocket', description: PROTOCOL_DESCRIPTION },
    })
  }
  return plugin
}
