import { ErrorCode } from '@modelcontextprotocol/sdk/types.js'
import { listSessions } from '../db'
import { exportSession } from '../export'
import { ChasmError } from '../shared/errors'
import { ProtocolError, RESOURCE_NOT_FOUND } from './errors'
import type { McpContext } from './tools'

/** The URI template of a session as a resource. */
export const SESSION_TEMPLATE = 'chasm://session/{id}'
const PREFIX = 'chasm://session/'
const PAGE = 100
// A resource is one text; past this (about 250k tokens) a client is better served by get_session's pages.
const MAX_RESOURCE_CHARS = 1024 * 1024
// Rendering pauses for other requests after each this many characters.
const SLICE_CHARS = 64 * 1024

/** The URI of a session's resource. */
const sessionUri = (id: string) => `${PREFIX}${encodeURIComponent(id)}`

/** One page of sessions as resources, newest first; `cursor` is where the page starts. */
export function listSessionResources({ sqlite }: McpContext, cursor: string | undefined) {
  const offset = cursor === undefined ? 0 : Number(cursor)
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ProtocolError(ErrorCode.InvalidParams, `Invalid cursor: ${JSON.stringify(cursor)}`)
  const page = listSessions(sqlite, {}, { limit: PAGE, offset })
  return {
    resources: page.items.map((session) => ({
      uri: sessionUri(session.id),
      name: session.title ?? session.id,
      title: session.title ?? undefined,
      description: `${session.provider} · ${session.messageCount} messages · ${session.updated ?? 'undated'}`,
      mimeType: 'text/markdown',
    })),
    ...(offset + PAGE < page.meta.total ? { nextCursor: String(offset + PAGE) } : {}),
  }
}

/** A session as Markdown (secrets redacted), by its resource URI; rendered in slices, letting other requests in between. */
export async function readSessionResource({ sqlite }: McpContext, uri: string) {
  if (!uri.startsWith(PREFIX) || uri.length === PREFIX.length) throw new ProtocolError(ErrorCode.InvalidParams, `Not a chasm session URI: ${uri} (expected ${SESSION_TEMPLATE})`)
  let id: string
  try {
    id = decodeURIComponent(uri.slice(PREFIX.length))
  } catch {
    throw new ProtocolError(ErrorCode.InvalidParams, `Malformed session id in ${uri}`)
  }
  let text = ''
  let pause = SLICE_CHARS
  try {
    for (const chunk of exportSession(sqlite, id, 'md', { redact: true }).chunks) {
      text += chunk
      if (text.length >= pause) {
        pause += SLICE_CHARS
        await new Promise((resolve) => setImmediate(resolve))
      }
      if (text.length > MAX_RESOURCE_CHARS) {
        text = `${text.slice(0, MAX_RESOURCE_CHARS)}\n\n… [cut at ${MAX_RESOURCE_CHARS} characters: read the rest with the get_session tool and an offset]\n`
        break
      }
    }
  } catch (error) {
    if (error instanceof ChasmError && error.code === 'NOT_FOUND') throw new ProtocolError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri })
    throw error
  }
  return { contents: [{ uri, mimeType: 'text/markdown', text }] }
}
