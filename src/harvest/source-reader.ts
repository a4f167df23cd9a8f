import type { Database } from 'bun:sqlite'
import { createStage, discardStage, stageMessages, updateStagedTool, type SessionInput, type Stage, type ToolInvocationInput } from '../db'
import type { SessionHeader, SessionPart, Source } from './provider'
import type { HarvestStore } from './store'

/** What reading one source produced. */
export interface SourceOutcome {
  sessionIds: string[]
  messages: number
  workspaces: string[]
  /** Problems a later read of the same bytes may not have (the source is retried). */
  problems: string[]
  /** Problems of the content itself (reported now; the source is read again only once it changes). */
  lasting: string[]
}

/** Messages held in memory per session before they are parked in the temp stage (bounded memory for huge files). */
const BUFFER_MESSAGES = 2_000
const BUFFER_CHARS = 16 * 1024 * 1024
/** Longest stretch of reading before other work (HTTP requests) gets a turn. */
const YIELD_EVERY_MS = 20

/**
 * Consumes a provider's stream of parts for one source and commits each session as it completes,
 * in one transaction per session. Huge sessions are staged in bounded batches so memory stays flat.
 * Late tool results are paired with their calls; missing times come from message times or the file.
 * A provider that throws mid-stream keeps what it yielded so far. A re-read with problems that
 * yields fewer messages than stored (a live file caught mid-write) keeps the stored version.
 */
export async function readSource(
  sqlite: Database,
  store: HarvestStore,
  providerId: string,
  source: Source,
  parts: AsyncIterable<SessionPart>,
  fallbackTime: number | null,
): Promise<SourceOutcome> {
  const outcome: SourceOutcome = { sessionIds: [], messages: 0, workspaces: [], problems: [], lasting: [] }
  let current: OpenSession | null = null

  const finish = () => {
    if (!current) return
    const session = current.close(fallbackTime)
    outcome.sessionIds.push(session.id)
    const stored = store.storedSession(session.id)
    const total = current.total()
    if (stored && stored.origin !== 'harvest') {
      // Recorded live (or by a swarm) under the provider's own id: the recording is the richer copy.
      if (current.stage) discardStage(sqlite, current.stage)
    } else if (stored && outcome.problems.length > 0 && stored.messages > total) {
      if (current.stage) discardStage(sqlite, current.stage)
      outcome.problems.push(`kept the stored version of session ${session.id} (${stored.messages} messages; this read found ${total})`)
    } else {
      store.commitSession(session, current.stage ?? undefined)
      outcome.messages += total
      if (session.workspace) outcome.workspaces.push(session.workspace.key)
    }
    current = null
  }

  let lastYield = performance.now()
  try {
    for await (const part of parts) {
      // Stream reads resolve as microtasks: without this a huge file would starve the server's requests.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        lastYield = performance.now()
      }
      if (part.kind === 'session') {
        finish()
        current = new OpenSession(sqlite, providerId, source, part.session)
      } else if (part.kind === 'problem') (part.lasting ? outcome.lasting : outcome.problems).push(part.message)
      else if (!current) outcome.problems.push(`${part.kind} before any session ignored`)
      else current.accept(part)
    }
  } catch (error) {
    outcome.problems.push(`read failed: ${(error as Error).message}`)
  }
  finish()
  return outcome
}

/** One session being read: buffered messages, open tool calls, and the stage once it grows large. */
class OpenSession {
  readonly session: SessionInput
  stage: Stage | null = null
  private chars = 0
  private first: number | null = null
  private last: number | null = null
  private readonly openCalls = new Map<string, ToolInvocationInput>()
  private readonly stagedCalls = new Set<string>()
  private readonly earlyResults = new Map<string, { output: string | null; status: string | null }>()

  constructor(
    private readonly sqlite: Database,
    providerId: string,
    source: Source,
    header: SessionHeader,
  ) {
    this.session = {
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
  }

  accept(part: Exclude<SessionPart, { kind: 'session' | 'problem' }>): void {
    if (part.kind === 'message') return this.add(part.message)
    if (part.kind === 'tool-result') return this.result(part.callId, part.output, part.status)
    const { workspace, ...rest } = part.patch
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) Object.assign(this.session, { [key]: value })
    if (workspace !== undefined) this.session.workspace = workspace ? { provider: this.session.provider, ...workspace } : null
  }

  total(): number {
    return (this.stage?.messages ?? 0) + this.session.messages.length
  }

  /** Fills what the provider did not know and returns the session (its unstaged tail in `messages`). */
  close(fallbackTime: number | null): SessionInput {
    const session = this.session
    session.created ??= this.first ?? fallbackTime
    session.updated ??= this.last ?? session.created ?? fallbackTime
    if (session.title !== null && session.title.trim() === '') session.title = null
    return session
  }

  private add(message: SessionInput['messages'][number]): void {
    this.session.messages.push(message)
    this.chars += message.content.length
    if (message.timestamp !== null) {
      if (this.first === null || message.timestamp < this.first) this.first = message.timestamp
      if (this.last === null || message.timestamp > this.last) this.last = message.timestamp
    }
    for (const tool of message.toolInvocations ?? []) {
      if (tool.id === null) continue
      this.chars += tool.output?.length ?? 0
      const early = this.earlyResults.get(tool.id)
      if (early) {
        tool.output ??= early.output
        tool.status ??= early.status
        this.earlyResults.delete(tool.id)
      }
      this.openCalls.set(tool.id, tool)
    }
    if (this.session.messages.length >= BUFFER_MESSAGES || this.chars >= BUFFER_CHARS) this.flush()
  }

  private result(callId: string, output: string | null, status: string | null): void {
    const open = this.openCalls.get(callId)
    if (open) {
      open.output = output
      open.status = status ?? open.status
      this.chars += output?.length ?? 0
    } else if (this.stage && this.stagedCalls.has(callId)) updateStagedTool(this.sqlite, this.stage, callId, output, status)
    else this.earlyResults.set(callId, { output, status })
  }

  private flush(): void {
    this.stage ??= createStage(this.sqlite)
    stageMessages(this.sqlite, this.stage, this.session.messages)
    for (const id of this.openCalls.keys()) this.stagedCalls.add(id)
    this.openCalls.clear()
    this.session.messages = []
    this.chars = 0
    // The staged batch is garbage now; collecting it here keeps a huge file's peak memory flat.
    Bun.gc(true)
  }
}
