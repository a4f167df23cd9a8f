import type { Database } from 'bun:sqlite'
import {
  continueSession,
  createStage,
  discardStage,
  hasStoredCall,
  stageMessages,
  updateStagedTool,
  type ReplacedMessage,
  type SessionInput,
  type Stage,
  type StoredToolResult,
  type ToolInvocationInput,
} from '../db'
import type { ReadPoint, SessionHeader, SessionPart, Source } from './provider'
import type { HarvestStore } from './store'
import type { SourceCursor, EngineResume, OpenSessionState, ToolResult } from './cursor'

/** A session one read wrote: which of its messages are new, for live viewers. */
export interface WrittenSession {
  id: string
  /** Messages from this index on were written by this read (new, or replacing `replaced`). */
  from: number
  /** Messages this read replaced, with their text before. */
  replaced: ReplacedMessage[]
}

/** What reading one source produced. */
export interface SourceOutcome {
  sessionIds: string[]
  messages: number
  workspaces: string[]
  /** Problems a later read of the same bytes may not have (the source is retried). */
  problems: string[]
  /** Problems of the content itself (reported now; the source is read again only once it changes). */
  lasting: string[]
  written: WrittenSession[]
  /** Where the next read of the source can continue; null when it must read the source whole. */
  cursor: SourceCursor | null
  /** True when a continued read could not continue: nothing was written, read the source whole. */
  reread: boolean
}

/** Messages held in memory per session before they are parked in the temp stage (bounded memory for huge files). */
const BUFFER_MESSAGES = 2_000
const BUFFER_CHARS = 16 * 1024 * 1024
/** Longest stretch of reading before other work (HTTP requests) gets a turn. */
const YIELD_EVERY_MS = 20

/** How the reader commits: `beforeWrite` resolves when a transaction may start (see `db/write-gate.ts`). */
export interface ReadOptions {
  beforeWrite?: () => Promise<void>
}

/**
 * Consumes a provider's stream of parts for one source and commits each session as it completes,
 * in one transaction per session. Huge sessions are staged in bounded batches so memory stays flat.
 * Late tool results are paired with their calls; missing times come from message times or the file.
 * A provider that throws mid-stream keeps what it yielded so far. A re-read with problems that
 * yields fewer messages than stored (a live file caught mid-write) keeps the stored version.
 * With `resume` (a cursor's engine state), the parts continue a read: the session open at the
 * checkpoint gets its messages from there on replaced, and nothing before is read again.
 */
export async function readSource(
  sqlite: Database,
  store: HarvestStore,
  providerId: string,
  source: Source,
  parts: AsyncIterable<SessionPart>,
  fallbackTime: number | null,
  resume: EngineResume | null = null,
  options: ReadOptions = {},
): Promise<SourceOutcome> {
  const outcome: SourceOutcome = {
    sessionIds: [...(resume?.sessionIds ?? [])],
    messages: 0,
    workspaces: [],
    problems: [...(resume?.problems ?? [])],
    lasting: [...(resume?.lasting ?? [])],
    written: [],
    cursor: null,
    reread: false,
  }
  let current: OpenSession | null = resume?.session ? OpenSession.resumed(sqlite, providerId, source, resume.session) : null
  let cursor: SourceCursor | null = null
  let discarded = false

  const finish = () => {
    if (!current) return
    const open = current
    current = null
    const session = open.close(fallbackTime)
    outcome.sessionIds.push(session.id)
    const stored = store.storedSession(session.id)
    const total = open.total()
    if (stored && stored.origin !== 'harvest') {
      // Recorded live (or by a swarm) under the provider's own id: the recording is the richer copy.
      if (open.stage) discardStage(sqlite, open.stage)
      discarded = true
    } else if (open.base !== null) {
      const written = continueSession(sqlite, session, open.base, open.storedResults)
      if (written === null) {
        discarded = true
        outcome.problems.push(`session ${session.id} was no longer stored; the source is read whole next time`)
        return
      }
      outcome.messages += total
      outcome.written.push({ id: session.id, from: open.base, replaced: written.replaced })
      if (session.workspace) outcome.workspaces.push(session.workspace.key)
    } else if (stored && outcome.problems.length > 0 && stored.messages > total) {
      if (open.stage) discardStage(sqlite, open.stage)
      discarded = true
      outcome.problems.push(`kept the stored version of session ${session.id} (${stored.messages} messages; this read found ${total})`)
    } else {
      store.commitSession(session, open.stage ?? undefined)
      outcome.messages += total
      outcome.written.push({ id: session.id, from: stored?.messages ?? 0, replaced: [] })
      if (session.workspace) outcome.workspaces.push(session.workspace.key)
    }
  }

  let lastYield = performance.now()
  let first = true
  try {
    for await (const part of parts) {
      // Stream reads resolve as microtasks: without this a huge file would starve the server's requests.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        lastYield = performance.now()
      }
      if (part.kind === 'reread') {
        if (first && resume) return { ...outcome, reread: true }
        outcome.problems.push('reread part after the start of a read ignored')
      } else if (part.kind === 'checkpoint') {
        const engine = { sessionIds: [...outcome.sessionIds], problems: [...outcome.problems], lasting: [...outcome.lasting], session: current?.snapshot() ?? null }
        cursor = { point: part.at, engine }
      } else if (part.kind === 'session') {
        if (current) {
          await options.beforeWrite?.()
          finish()
        }
        current = new OpenSession(sqlite, providerId, source, part.session)
      } else if (part.kind === 'problem') (part.lasting ? outcome.lasting : outcome.problems).push(part.message)
      else if (!current) outcome.problems.push(`${part.kind} before any session ignored`)
      else current.accept(part)
      first = false
    }
  } catch (error) {
    outcome.problems.push(`read failed: ${(error as Error).message}`)
    discarded = true
  }
  await options.beforeWrite?.()
  finish()
  outcome.cursor = discarded ? null : cursor
  return outcome
}

/** One session being read: buffered messages, open tool calls, and the stage once it grows large. */
class OpenSession {
  readonly session: SessionInput
  stage: Stage | null = null
  /** For a continued session: its messages before the checkpoint, which stay as stored. */
  base: number | null = null
  /** For a continued session: results for calls stored before `base`, in the order they came. */
  readonly storedResults: StoredToolResult[] = []
  private chars = 0
  private first: number | null = null
  private last: number | null = null
  private readonly openCalls = new Map<string, ToolInvocationInput>()
  private readonly stagedCalls = new Set<string>()
  private readonly earlyResults = new Map<string, ToolResult>()

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

  /** The session as it was at a checkpoint, continuing after its `state.messages` stored messages. */
  static resumed(sqlite: Database, providerId: string, source: Source, state: OpenSessionState): OpenSession {
    const { session } = state
    const open = new OpenSession(sqlite, providerId, source, { ...session, workspace: session.workspace })
    Object.assign(open.session, structuredClone(session), { sourcePath: source.path, messages: [] })
    open.base = state.messages
    open.first = state.first
    open.last = state.last
    for (const [callId, result] of state.earlyResults) open.earlyResults.set(callId, result)
    return open
  }

  /** What a later read needs to continue this session from here (a copy: reading on changes the session). */
  snapshot(): OpenSessionState {
    const { messages, ...session } = this.session
    return {
      session: structuredClone(session),
      messages: this.total(),
      first: this.first,
      last: this.last,
      earlyResults: [...this.earlyResults].map(([callId, result]) => [callId, { ...result }]),
    }
  }

  accept(part: Extract<SessionPart, { kind: 'message' | 'tool-result' | 'update' }>): void {
    if (part.kind === 'message') return this.add(part.message)
    if (part.kind === 'tool-result') return this.result(part.callId, part.output, part.status)
    const { workspace, ...rest } = part.patch
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) Object.assign(this.session, { [key]: value })
    if (workspace !== undefined) this.session.workspace = workspace ? { provider: this.session.provider, ...workspace } : null
  }

  total(): number {
    return (this.base ?? 0) + (this.stage?.messages ?? 0) + this.session.messages.length
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
    // A continued session is a small tail (see MAX_CONTINUE_BYTES): it is written in one piece.
    if (this.base === null && (this.session.messages.length >= BUFFER_MESSAGES || this.chars >= BUFFER_CHARS)) this.flush()
  }

  private result(callId: string, output: string | null, status: string | null): void {
    const open = this.openCalls.get(callId)
    if (open) {
      open.output = output
      open.status = status ?? open.status
      this.chars += output?.length ?? 0
    } else if (this.stage && this.stagedCalls.has(callId)) updateStagedTool(this.sqlite, this.stage, callId, output, status)
    else if (this.base !== null && hasStoredCall(this.sqlite, this.session.id, callId, this.base)) this.storedResults.push({ callId, output, status })
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
