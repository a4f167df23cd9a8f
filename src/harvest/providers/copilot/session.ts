import { toEpochMs } from '../../../shared/time'
import type { SessionPart, WorkspaceRef } from '../../provider'
import { requestMessages } from './request'
import { arrayOf, compact, isRecord, stringOf, textOf, type JsonRecord } from './values'

/** Where a session object came from: what the object itself cannot say. */
export interface SessionOrigin {
  /** The id to use when the object has no `sessionId` (very old files: the file stem). */
  fallbackId: string | null
  workspace: WorkspaceRef | null
  incomplete: boolean
  /** Extra session metadata (format, editor, alternate file). */
  metadata: Record<string, unknown>
  /** Titles from VS Code's session index, by session id: a rename in the history list changes only these. */
  titles?: ReadonlyMap<string, string>
}

/** How long a title made from the first request may be, in UTF-16 code units (`ChatModel.getDefaultTitle`). */
const TITLE_LENGTH = 200

/**
 * The title VS Code gives a session nobody named: the first line of a message, cut to
 * `TITLE_LENGTH` (never inside a surrogate pair). Surrounding blanks are trimmed, as the index's titles are.
 */
export function titleFromMessage(text: string): string | null {
  const line = text.trim().split(/\r?\n/, 1)[0]?.trim() ?? ''
  if (line === '') return null
  const cut = line.slice(0, TITLE_LENGTH)
  return (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut).trimEnd()
}

/** The first request's first line; when that request is blank, the first message that is not. */
function defaultTitle(messages: readonly { role: string; content: string }[]): string | null {
  const first = messages.find((m) => m.role === 'user' && m.content.trim() !== '')
  return first ? titleFromMessage(first.content) : null
}

/**
 * The parts of one VS Code chat session object (flat `.json`, a replayed `.jsonl`, or a legacy
 * `interactive.sessions` entry, versions 1–3). Sessions without requests (a chat panel opened and
 * nothing sent) yield nothing. Wrong types are reported as problems and never thrown.
 */
export function sessionParts(data: unknown, origin: SessionOrigin): SessionPart[] {
  if (!isRecord(data)) return [{ kind: 'problem', message: 'session is not a JSON object' }]
  const id = textOf(data.sessionId) ?? origin.fallbackId
  if (!id) return [{ kind: 'problem', message: 'session has no sessionId' }]
  const problems: SessionPart[] = []
  const list = data.requests === undefined ? [] : arrayOf(data.requests)
  if (!list) problems.push({ kind: 'problem', message: `session ${id}: requests is not an array` })
  const requests: JsonRecord[] = []
  for (const [index, request] of (list ?? []).entries()) {
    if (isRecord(request)) requests.push(request)
    else problems.push({ kind: 'problem', message: `session ${id}: request ${index} is not an object` })
  }
  if (requests.length === 0) return problems
  const created = toEpochMs(data.creationDate)
  const messages = requests.flatMap((request) => requestMessages(request, created))
  const times = messages.map((m) => m.timestamp).filter((t) => t !== null)
  const model = messages.findLast((m) => m.model !== null)?.model ?? null
  const header: SessionPart = {
    kind: 'session',
    session: {
      id,
      title: origin.titles?.get(id) ?? textOf(data.customTitle)?.trim() ?? textOf(data.computedTitle)?.trim() ?? defaultTitle(messages),
      model,
      created,
      updated: toEpochMs(data.lastMessageDate) ?? times.reduce<number | null>((last, t) => (last === null || t > last ? t : last), null),
      workspace: origin.workspace,
      incomplete: origin.incomplete,
      metadata: compact({ ...origin.metadata, location: stringOf(data.initialLocation) }),
    },
  }
  return [header, ...messages.map((message): SessionPart => ({ kind: 'message', message })), ...problems]
}
