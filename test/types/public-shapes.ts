/**
 * Type tests, checked by `tsc` (`bun run typecheck`, the first half of `bun run test`): what each
 * read model returns is exactly the TypeBox shape its route declares, and the closed sets the
 * database stores are exactly the ones the API schemas accept. A mismatch fails to compile.
 */
import type { Static } from '@sinclair/typebox'
import type {
  Agency,
  Agent,
  AgentRole,
  ModelProvider,
  Run,
  RunListItem,
  RunStatus,
  StepKind,
  StepStatus,
  Swarm,
  SwarmStatus,
} from '../../src/agency'
import type {
  getSession,
  getStats,
  getWorkspace,
  listSessions,
  listWorkspaces,
  MessageRole,
  MessageState,
  Page,
  SessionDetail,
  SessionOrigin,
  SessionSummary,
  Stats,
  Workspace,
  WorkspaceDetail,
} from '../../src/db'
import type { AgentRow, MessageRow, RecordingSessionRow, RunStepRow, SessionRow, SwarmRow, SwarmRunRow } from '../../src/db/schema'
import type { listProviders, ProviderInfo } from '../../src/harvest'
import type {
  ApplyResult,
  RecordedSessionDetail,
  Recorder,
  RecordingSession,
  RecordingState,
  RecordingStatus,
  RecoveryEntry,
} from '../../src/recording'
import type { searchSessions, SearchResult } from '../../src/search'

/** True when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Compiles only when T is `true`. */
type Expect<T extends true> = T

export type ReadModels = [
  Expect<Equal<ReturnType<typeof getSession>, Static<typeof SessionDetail>>>,
  Expect<Equal<ReturnType<typeof listSessions>, Page<Static<typeof SessionSummary>>>>,
  Expect<Equal<ReturnType<typeof listWorkspaces>, Page<Static<typeof Workspace>>>>,
  Expect<Equal<ReturnType<typeof getWorkspace>, Static<typeof WorkspaceDetail>>>,
  Expect<Equal<ReturnType<typeof getStats>, Static<typeof Stats>>>,
  Expect<Equal<ReturnType<typeof searchSessions>, Static<typeof SearchResult>[]>>,
  Expect<Equal<Awaited<ReturnType<typeof listProviders>>, Static<typeof ProviderInfo>[]>>,
]

export type Recording = [
  Expect<Equal<ReturnType<Recorder['getSession']>, Static<typeof RecordedSessionDetail>>>,
  Expect<Equal<ReturnType<Recorder['listSessions']>, Page<Static<typeof RecordingSession>>>>,
  Expect<Equal<ReturnType<Recorder['recovery']>, Static<typeof RecoveryEntry>[]>>,
  Expect<Equal<ReturnType<Recorder['status']>, Static<typeof RecordingStatus>>>,
  Expect<Equal<Awaited<ReturnType<Recorder['submit']>>, Static<typeof ApplyResult>>>,
  Expect<Equal<ReturnType<Recorder['snapshot']>, Static<typeof SessionSummary>>>,
]

export type AgencyShapes = [
  Expect<Equal<ReturnType<Agency['getAgent']>, Static<typeof Agent>>>,
  Expect<Equal<ReturnType<Agency['listAgents']>, Page<Static<typeof Agent>>>>,
  Expect<Equal<ReturnType<Agency['getSwarm']>, Static<typeof Swarm>>>,
  Expect<Equal<ReturnType<Agency['listRuns']>, Page<Static<typeof RunListItem>>>>,
  Expect<Equal<ReturnType<Agency['getRun']>, Static<typeof Run>>>,
]

/** What a column may hold is what the API says it may be. */
export type StoredSets = [
  Expect<Equal<SessionRow['origin'], SessionOrigin>>,
  Expect<Equal<MessageRow['role'], MessageRole>>,
  Expect<Equal<MessageRow['state'], MessageState>>,
  Expect<Equal<AgentRow['role'], AgentRole>>,
  Expect<Equal<AgentRow['provider'], ModelProvider>>,
  Expect<Equal<SwarmRow['status'], SwarmStatus>>,
  Expect<Equal<SwarmRunRow['status'], RunStatus>>,
  Expect<Equal<RunStepRow['kind'], StepKind>>,
  Expect<Equal<RunStepRow['status'], StepStatus>>,
  Expect<Equal<RecordingSessionRow['status'] | 'idle', RecordingState>>,
]

/** Raw SQL rows keep the schema's column names and store booleans as 0/1. */
export type RowShapes = [
  Expect<Equal<SessionRow['workspace_id'], string | null>>,
  Expect<Equal<SessionRow['on_disk'], number>>,
  Expect<Equal<MessageRow['cache_write_5m_tokens'], number | null>>,
]
