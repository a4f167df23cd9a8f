import type { SessionInput } from '../db'
import type { SessionHeader, SessionPart, Source } from './provider'

/** The sessions one source produced, and the problems met while reading it. */
export interface SourceResult {
  sessions: SessionInput[]
  problems: string[]
}

/**
 * Folds a provider's stream of parts into whole sessions: attaches messages and late tool results,
 * applies updates, and fills `created`/`updated` from message times (or the file's mtime) when the
 * provider did not know them. A provider that throws mid-stream keeps what it yielded so far.
 */
export async function assembleSource(
  providerId: string,
  source: Source,
  parts: AsyncIterable<SessionPart>,
  fallbackTime: number | null,
): Promise<SourceResult> {
  const sessions: SessionInput[] = []
  const problems: string[] = []
  let current: SessionInput | null = null
  let pendingTools = new Map<string, { output: string | null; status: string | null }>()
  const openTools = new Map<string, NonNullable<SessionInput['messages'][number]['toolInvocations']>[number]>()

  const start = (header: SessionHeader) => {
    current = {
      id: header.id,
      provider: providerId,
      origin: 'harvest',
      title: header.title,
      model: header.model,
      created: header.created,
      updated: header.updated,
      workspace: header.workspace ? { provider: providerId, ...header.workspace } : null,
      sourcePath: source.path,
      incomplete: header.incomplete ?? false,
      metadata: header.metadata ?? null,
      messages: [],
    }
    sessions.push(current)
    pendingTools = new Map()
    openTools.clear()
  }

  try {
    for await (const part of parts) {
      if (part.kind === 'session') {
        start(part.session)
        continue
      }
      if (part.kind === 'problem') {
        problems.push(part.message)
        continue
      }
      const session = current as SessionInput | null
      if (!session) {
        problems.push(`${part.kind} before any session ignored`)
        continue
      }
      if (part.kind === 'message') {
        session.messages.push(part.message)
        for (const tool of part.message.toolInvocations ?? []) {
          if (tool.id === null) continue
          const early = pendingTools.get(tool.id)
          if (early) {
            tool.output ??= early.output
            tool.status ??= early.status
            pendingTools.delete(tool.id)
          }
          openTools.set(tool.id, tool)
        }
      } else if (part.kind === 'tool-result') {
        const tool = openTools.get(part.callId)
        if (tool) {
          tool.output = part.output
          tool.status = part.status ?? tool.status
        } else pendingTools.set(part.callId, { output: part.output, status: part.status })
      } else {
        const { workspace, ...rest } = part.patch
        Object.assign(session, stripUndefined(rest))
        if (workspace !== undefined) session.workspace = workspace ? { provider: providerId, ...workspace } : null
      }
    }
  } catch (error) {
    problems.push(`read failed: ${(error as Error).message}`)
  }

  for (const session of sessions) {
    let first: number | null = null
    let last: number | null = null
    for (const { timestamp } of session.messages) {
      if (timestamp === null) continue
      if (first === null || timestamp < first) first = timestamp
      if (last === null || timestamp > last) last = timestamp
    }
    session.created ??= first ?? fallbackTime
    session.updated ??= last ?? session.created ?? fallbackTime
    if (session.title !== null && session.title.trim() === '') session.title = null
  }
  return { sessions, problems }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
