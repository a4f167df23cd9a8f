import type { Database } from 'bun:sqlite'
import { messagesOf, type Message } from '../db'
import type { ExportFormat, ExportHead, RenderOptions } from './head'
import { htmlDocument } from './html'
import { jsonDocument } from './json'
import { markdownDocument } from './markdown'
import { exportBaseName } from './names'
import { exportHead } from './store'

const RENDERERS: Record<ExportFormat, (head: ExportHead, messages: Iterable<Message>, options: RenderOptions) => Generator<string>> = {
  md: markdownDocument,
  json: jsonDocument,
  html: htmlDocument,
}

/** The media type of each format. */
const CONTENT_TYPE: Record<ExportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
}

const MESSAGE_PAGE = 500

/**
 * A session's messages read a page at a time as they are rendered: memory holds one page however
 * long the session, and no single read holds the event loop for long.
 */
export function* messagePages(sqlite: Database, pk: number, count: number): Generator<Message> {
  if (count <= MESSAGE_PAGE) return yield* messagesOf(sqlite, pk)
  for (let offset = 0; ; offset += MESSAGE_PAGE) {
    const page = messagesOf(sqlite, pk, { offset, limit: MESSAGE_PAGE })
    yield* page
    if (page.length < MESSAGE_PAGE) return
  }
}

/** A rendered session: its file name, media type and the document in chunks (one per message). */
export interface SessionExport {
  fileName: string
  contentType: string
  chunks: Generator<string>
}

/** A session's document in `format`, rendered lazily, one message (and one page of reading) at a time. */
export function exportSession(sqlite: Database, id: string, format: ExportFormat, options: RenderOptions): SessionExport {
  const { pk, head } = exportHead(sqlite, id)
  const messages = messagePages(sqlite, pk, head.messageCount)
  return {
    fileName: `${exportBaseName(head)}.${format}`,
    contentType: CONTENT_TYPE[format],
    chunks: RENDERERS[format](head, options.includeHidden === false ? shown(messages) : messages, options),
  }
}

/** The messages the provider's own view shows. */
function* shown(messages: Iterable<Message>): Generator<Message> {
  for (const message of messages) if (!message.hidden) yield message
}
