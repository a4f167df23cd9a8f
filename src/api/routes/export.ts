import { Type, type TSchema } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { SessionDetail } from '../../db'
import { attachment, ExportFormat, exportSession, HTML_EXPORT_CSP } from '../../export'
import type { AppDeps } from '../deps'
import { COMMON_ERRORS } from '../envelope'
import { QueryObject } from './query'

const ExportQuery = QueryObject({
  format: Type.Optional(ExportFormat),
  redact: Type.Optional(
    Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'false keeps secrets in the document (default true: [REDACTED:<kind>])' }),
  ),
})

/** A TypeBox schema as the plain JSON Schema object OpenAPI documents hold. */
const plainSchema = (schema: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(schema))

/** A document rendered one chunk (one message) per pull, so a long session never holds the event loop. */
function streamOf(chunks: Generator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    pull(controller) {
      const next = chunks.next()
      if (next.done) controller.close()
      else controller.enqueue(encoder.encode(next.value))
    },
    cancel() {
      chunks.return(undefined)
    },
  })
}

/** `GET /api/sessions/:id/export`: the session as a Markdown, JSON or HTML file (secrets redacted by default). */
export const exportRoutes = ({ chasm }: AppDeps) =>
  new Elysia({ name: 'routes-export', prefix: '/api/sessions', detail: { tags: ['Sessions'] } }).get(
    '/:id/export',
    ({ params, query }) => {
      const format = query.format ?? 'md'
      const exported = exportSession(chasm.sqlite, params.id, format, { redact: query.redact !== 'false' })
      const headers: Record<string, string> = {
        'content-type': exported.contentType,
        'content-disposition': attachment(exported.fileName),
        'x-content-type-options': 'nosniff',
      }
      if (format === 'html') headers['content-security-policy'] = HTML_EXPORT_CSP
      return new Response(streamOf(exported.chunks), { headers })
    },
    {
      params: Type.Object({ id: Type.String() }),
      query: ExportQuery,
      detail: {
        summary: 'Export a session as a Markdown, JSON or HTML file',
        // Described by hand: the generator knows one media type per status, this answers three.
        responses: {
          200: {
            description: 'the document, as an attachment named <yyyy-mm-dd>-<title>-<id8>.<format>',
            content: {
              'text/markdown': { schema: { type: 'string' } },
              'application/json': { schema: plainSchema(SessionDetail) },
              'text/html': { schema: { type: 'string' } },
            },
          },
          ...Object.fromEntries(
            Object.entries(COMMON_ERRORS).map(([status, schema]) => [
              status,
              { description: `error ${status}`, content: { 'application/json': { schema: plainSchema(schema) } } },
            ]),
          ),
        },
      },
    },
  )
