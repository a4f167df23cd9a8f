import { Type } from '@sinclair/typebox'
import { Message, messagesOf, SessionSummary } from '../../db'
import { exportHead } from '../../export'
import { redactDeep } from '../../redact'
import { ChasmError } from '../../shared/errors'
import { charsFor, estimateTokens, shrinkMessage } from '../budget'
import { defineTool } from './tool'

const DEFAULT_LIMIT = 50
const DEFAULT_TOKENS = 8000
const MAX_TOKENS = 100_000
// Room for the note and the page fields around the messages.
const ENVELOPE_CHARS = 800

const Workspace = Type.Union([Type.Object({ name: Type.String(), path: Type.Union([Type.String(), Type.Null()]) }), Type.Null()])

/** `get_session`: a page of one conversation, trimmed to a token budget, saying how to get the rest. */
export const getSessionTool = defineTool({
  name: 'get_session',
  title: 'Read a conversation',
  description:
    'One conversation (from search_sessions or list_sessions) with its messages in order: role, content, model, time, ' +
    'tool calls with inputs and outputs. Paged: returns messages from `offset`, at most `limit` of them and at most ' +
    'about `maxTokens` tokens; when there is more, `nextOffset` and `note` say exactly how to call again.',
  input: Type.Object(
    {
      id: Type.String({ minLength: 1, maxLength: 1024, description: 'the session id (sessionId in search results)' }),
      offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'index of the first message to return (default 0)' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_LIMIT, description: `most messages to return (1..500, default ${DEFAULT_LIMIT})` })),
      maxTokens: Type.Optional(
        Type.Integer({ minimum: 500, maximum: MAX_TOKENS, default: DEFAULT_TOKENS, description: `token budget of the answer (500..${MAX_TOKENS}, default ${DEFAULT_TOKENS})` }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    session: Type.Composite([SessionSummary, Type.Object({ workspace: Workspace })]),
    messages: Type.Array(Message),
    totalMessages: Type.Integer({ minimum: 0 }),
    offset: Type.Integer({ minimum: 0 }),
    nextOffset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'where the next page starts; null when this is the end' }),
    truncated: Type.Boolean({ description: 'true when a message was cut to fit maxTokens (its text ends with "… [cut: N more characters]")' }),
    note: Type.Union([Type.String(), Type.Null()], { description: 'how to get what this answer left out' }),
  }),
  run({ sqlite }, { id, offset = 0, limit = DEFAULT_LIMIT, maxTokens = DEFAULT_TOKENS }) {
    const { pk, head } = exportHead(sqlite, id)
    const session = redactDeep(head)
    const total = head.messageCount
    if (offset > 0 && offset >= total) {
      throw new ChasmError('BAD_REQUEST', `Invalid argument 'offset': the session has ${total} message(s), so offset must be below ${total}`)
    }
    const budget = charsFor(maxTokens) - JSON.stringify(session).length - ENVELOPE_CHARS
    const messages: Message[] = []
    let used = 0
    let cut: { index: number; tokens: number } | null = null
    for (const message of messagesOf(sqlite, pk, { offset, limit }).map((m) => redactDeep(m))) {
      const size = JSON.stringify(message).length
      if (used + size <= budget) {
        messages.push(message)
        used += size
        continue
      }
      if (messages.length === 0) {
        messages.push(shrinkMessage(message, budget))
        cut = { index: message.index, tokens: estimateTokens(message) }
      }
      break
    }
    const end = offset + messages.length
    const nextOffset = end < total ? end : null
    const call = (args: Record<string, unknown>) => `get_session ${JSON.stringify({ id, ...args })}`
    const notes: string[] = []
    if (cut) {
      const whole = cut.tokens + 1000
      notes.push(
        whole <= MAX_TOKENS
          ? `Message ${cut.index} holds about ${cut.tokens} tokens and was cut to fit maxTokens; read it whole with ${call({ offset, limit: 1, maxTokens: whole })}.`
          : `Message ${cut.index} holds about ${cut.tokens} tokens, more than one answer can carry; it was cut. The whole session is the resource chasm://session/${encodeURIComponent(id)}.`,
      )
    }
    if (nextOffset !== null) {
      notes.push(`Showing messages ${offset}–${end - 1} of ${total}. Continue with ${call({ offset: nextOffset, limit, maxTokens })}.`)
    }
    return { session, messages, totalMessages: total, offset, nextOffset, truncated: cut !== null, note: notes.length ? notes.join(' ') : null }
  },
})
