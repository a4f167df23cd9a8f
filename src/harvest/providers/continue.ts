import { basename, join } from 'node:path'
import { toEpochMs } from '../../shared/time'
import { existing, type Provider, type ProviderContext, type SessionPart, type Source, type ToolInvocationInput } from '../provider'
import { openArea, readJsonDocument } from '../read/files'
import { folderPath } from '../read/folder-uri'
import { promptTitle, workspaceAt } from '../read/naming'
import { noConversation } from '../read/problems'
import { asArray, asRecord, asString, asText, parseJsonText, recordOf } from '../read/values'

const INDEX = 'sessions.json'
/** Continue writes this title when it could not load a session; it is not the user's title. */
const FAILED_TITLE = 'Failed to load session'

const sessionsDir = (ctx: ProviderContext) => join(ctx.env.CONTINUE_GLOBAL_DIR || join(ctx.home, '.continue'), 'sessions')

type ContinueSource =
  | { kind: 'index' }
  | { kind: 'session'; created: number | null; mtime: number }

/**
 * Continue.dev (docs/providers.md): `~/.continue/sessions/<id>.json`, one per chat, plus a
 * `sessions.json` index that only contributes creation dates. Session files are enumerated
 * directly because the index can be corrupt or incomplete; `config.json`/`config.yaml` (API keys)
 * are never read.
 */
export const continueDev: Provider = {
  id: 'continue',
  name: 'Continue',
  kind: 'harvest',
  locate: (ctx) => existing([sessionsDir(ctx)]),

  async *discover(ctx) {
    const dir = sessionsDir(ctx)
    const area = await openArea(dir)
    if (!area) return
    const entries = await area.list(dir)
    const created = new Map<string, number | null>()
    const index = entries.find((entry) => entry.kind === 'file' && entry.name === INDEX)
    if (index) {
      yield { key: index.path, path: index.path, data: { kind: 'index' } satisfies ContinueSource }
      const document = await readJsonDocument(index.path)
      for (const entry of 'value' in document ? asArray(document.value) : []) {
        const id = asText(recordOf(entry).sessionId)
        if (id) created.set(id, toEpochMs(recordOf(entry).dateCreated))
      }
    }
    for (const entry of entries) {
      if (entry.kind !== 'file' || !entry.name.endsWith('.json') || entry.name === INDEX) continue
      const session: ContinueSource = { kind: 'session', created: created.get(entry.name.slice(0, -5)) ?? null, mtime: entry.mtimeMs }
      yield { key: entry.path, path: entry.path, fingerprint: `${entry.size}:${session.mtime}:${session.created ?? ''}`, data: session }
    }
  },

  async *read(source) {
    const data = source.data as ContinueSource
    if (data.kind === 'index') yield* checkIndex(source)
    else yield* readSession(source, data)
  },
}

/** The index only feeds creation dates; reading it as a source reports when it is broken. */
async function* checkIndex(source: Source): AsyncGenerator<SessionPart> {
  const index = await readJsonDocument(source.path)
  if ('error' in index) yield { kind: 'problem', message: `${INDEX}: ${index.error}` }
  else if (!Array.isArray(index.value)) yield { kind: 'problem', message: `${INDEX}: not a list of sessions` }
}

async function* readSession(source: Source, data: Extract<ContinueSource, { kind: 'session' }>): AsyncGenerator<SessionPart> {
  const file = await readJsonDocument(source.path)
  if ('error' in file) {
    yield { kind: 'problem', message: file.error }
    return
  }
  const session = asRecord(file.value)
  if (!session) {
    yield { kind: 'problem', message: 'not a session object' }
    return
  }
  if (session.history === undefined && session.sessionId === undefined) {
    yield noConversation(source.path, 'a JSON object with neither sessionId nor history')
    return
  }
  const history = Array.isArray(session.history) ? session.history : []
  const promptModel = history.map((item) => asText(recordOf(asArray(recordOf(item).promptLogs)[0]).modelTitle)).find(Boolean)
  const model = asText(session.chatModelTitle) ?? promptModel ?? null
  const title = asText(session.title)
  const folder = folderPath(asString(session.workspaceDirectory) ?? '')
  const firstUser = history.map((item) => recordOf(recordOf(item).message)).find((m) => m.role === 'user')
  yield {
    kind: 'session',
    session: {
      id: asText(session.sessionId) ?? basename(source.path, '.json'),
      title: title && title !== FAILED_TITLE ? title : promptTitle(contentText(firstUser?.content)),
      model,
      created: data.created,
      updated: data.mtime,
      workspace: folder ? workspaceAt(folder) : null,
      metadata: asText(session.mode) ? { mode: session.mode } : null,
    },
  }
  if (!Array.isArray(session.history)) {
    if (session.history !== undefined) yield { kind: 'problem', message: 'history is not a list' }
    return
  }
  let thinking: string[] = []
  for (const [index, item] of history.entries()) {
    const message = asRecord(recordOf(item).message)
    if (!message) {
      yield { kind: 'problem', message: `history[${index}] is not a chat message` }
      continue
    }
    const role = message.role
    const content = contentText(message.content)
    const callId = asText(message.toolCallId)
    if (role === 'thinking') {
      thinking.push(content)
      continue
    }
    if (role === 'tool' && callId) {
      yield { kind: 'tool-result', callId, output: content, status: null }
      continue
    }
    if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'tool') {
      yield { kind: 'problem', message: `history[${index}] has unknown role ${JSON.stringify(role)}` }
      continue
    }
    const reasoning = asText(recordOf(recordOf(item).reasoning).text)
    if (reasoning) thinking.push(reasoning)
    const metadata = role === 'assistant' && thinking.length > 0 ? { thinking: thinking.join('\n\n') } : null
    if (role === 'assistant') thinking = []
    yield {
      kind: 'message',
      message: {
        id: asText(message.id),
        role,
        content,
        timestamp: null,
        model: role === 'assistant' ? (asText(recordOf(asArray(recordOf(item).promptLogs)[0]).modelTitle) ?? model) : null,
        toolInvocations: toolCallsOf(message, recordOf(item)),
        metadata,
      },
    }
  }
}

/** A message's text: a string, or its text parts joined (images are left out). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  return asArray(content)
    .map((part) => (recordOf(part).type === 'text' ? (asString(recordOf(part).text) ?? '') : ''))
    .filter((text) => text !== '')
    .join('\n')
}

/** An assistant's `toolCalls`, with status and output from the item's `toolCallStates`. */
function toolCallsOf(message: Record<string, unknown>, item: Record<string, unknown>): ToolInvocationInput[] {
  const states = asArray(item.toolCallStates).map(recordOf)
  return asArray(message.toolCalls).flatMap((call): ToolInvocationInput[] => {
    const fn = recordOf(recordOf(call).function)
    const name = asText(fn.name)
    if (!name) return []
    const id = asText(recordOf(call).id)
    const state = states.find((s) => id !== null && s.toolCallId === id)
    const output = Array.isArray(state?.output)
      ? state.output.map((o) => asString(recordOf(o).content) ?? '').join('\n\n')
      : null
    return [{ id, name, input: fn.arguments !== undefined ? parseJsonText(fn.arguments) : (state?.parsedArgs ?? null), output, status: asText(state?.status) }]
  })
}
