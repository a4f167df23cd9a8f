import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import {
  AGENT_ROLES,
  HARVEST_RUN_STATUSES,
  MESSAGE_ROLES,
  MESSAGE_STATES,
  MODEL_PROVIDERS,
  RECORDING_STATUSES,
  RUN_STATUSES,
  SESSION_ORIGINS,
  STEP_KINDS,
  STEP_STATUSES,
  SWARM_STATUSES,
} from './enums'
import type { StoredRow } from './rows'

// Times are epoch milliseconds (UTC) in every table; the API renders them as ISO-8601.

/** One project folder as seen by one provider. */
export const workspaces = sqliteTable(
  'workspaces',
  {
    id: text('id').primaryKey(),
    provider: text('provider').notNull(),
    name: text('name').notNull(),
    path: text('path'),
    sessionCount: integer('session_count').notNull().default(0),
    updatedAt: integer('updated_at'),
  },
  (table) => [
    index('workspaces_updated').on(table.updatedAt, table.id),
    index('workspaces_provider').on(table.provider, table.updatedAt),
  ],
)

/** A conversation, harvested, recorded or run by agency. `pk` is the FTS/join key, `id` the public one. */
export const sessions = sqliteTable(
  'sessions',
  {
    pk: integer('pk').primaryKey(),
    id: text('id').notNull(),
    workspaceId: text('workspace_id').references(() => workspaces.id),
    provider: text('provider').notNull(),
    title: text('title'),
    /** The title as the full-text index sees it, when it differs (see src/db/search-text.ts). */
    searchTitle: text('search_title'),
    model: text('model'),
    messageCount: integer('message_count').notNull().default(0),
    toolInvocationCount: integer('tool_invocation_count').notNull().default(0),
    createdAt: integer('created_at'),
    updatedAt: integer('updated_at'),
    origin: text('origin', { enum: SESSION_ORIGINS }).notNull(),
    sourcePath: text('source_path'),
    onDisk: integer('on_disk', { mode: 'boolean' }).notNull().default(true),
    incomplete: integer('incomplete', { mode: 'boolean' }).notNull().default(false),
    metadata: text('metadata'),
  },
  (table) => [
    uniqueIndex('sessions_id').on(table.id),
    index('sessions_updated').on(table.updatedAt, table.pk),
    index('sessions_workspace').on(table.workspaceId, table.updatedAt, table.pk),
    index('sessions_provider').on(table.provider, table.updatedAt, table.pk),
    // The session list filtered by origin (the web app's filter): a rare origin is found without a scan.
    index('sessions_origin').on(table.origin, table.updatedAt, table.pk),
    // Covers the per-provider totals of /api/stats, so they are summed from the index alone.
    index('sessions_provider_totals').on(table.provider, table.messageCount, table.toolInvocationCount),
  ],
)

/** One message of a session, in conversation order (`idx`). Indexed by `messages_fts`. */
export const messages = sqliteTable(
  'messages',
  {
    pk: integer('pk').primaryKey(),
    sessionPk: integer('session_pk')
      .notNull()
      .references(() => sessions.pk, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    messageId: text('message_id').notNull(),
    role: text('role', { enum: MESSAGE_ROLES }).notNull(),
    content: text('content').notNull().default(''),
    /** The content as the full-text index sees it, when it differs (see src/db/search-text.ts). */
    searchText: text('search_text'),
    timestamp: integer('timestamp'),
    model: text('model'),
    metadata: text('metadata'),
    state: text('state', { enum: MESSAGE_STATES }).notNull().default('complete'),
    /** Why the turn failed or was cancelled, as the provider recorded it. */
    error: text('error'),
    /** Kept but left out of the transcript, as the provider's own view does (e.g. undone turns). */
    hidden: integer('hidden', { mode: 'boolean' }).notNull().default(false),
    // Token usage where the provider records it (null = not recorded), counted once per message.
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    cacheReadTokens: integer('cache_read_tokens'),
    cacheWrite5mTokens: integer('cache_write_5m_tokens'),
    cacheWrite1hTokens: integer('cache_write_1h_tokens'),
  },
  (table) => [
    uniqueIndex('messages_session_idx').on(table.sessionPk, table.idx),
    index('messages_session_message').on(table.sessionPk, table.messageId),
  ],
)

/** The token sums every usage table keeps. */
const usageSums = () => ({
  messages: integer('messages').notNull(),
  inputTokens: integer('input_tokens').notNull(),
  outputTokens: integer('output_tokens').notNull(),
  cacheReadTokens: integer('cache_read_tokens').notNull(),
  cacheWrite5mTokens: integer('cache_write_5m_tokens').notNull(),
  cacheWrite1hTokens: integer('cache_write_1h_tokens').notNull(),
})

/**
 * Token usage of the messages that record some, summed per session, UTC day, model and prompt-size
 * band, and kept in step with `messages` by triggers (migration `usage_rollup`) or, for a session
 * written whole, summed once after its messages (src/db/usage-rebuild.ts), so usage reports
 * read one row per session-day instead of every message. `provider` and `workspace_id` repeat the
 * session's, for filters and grouping without a join.
 */
export const usageRollup = sqliteTable(
  'usage_rollup',
  {
    sessionPk: integer('session_pk')
      .notNull()
      .references(() => sessions.pk, { onDelete: 'cascade' }),
    /** Days since 1970-01-01 (UTC) of the message time, or of the session's time for messages without one; -1 when neither is known. */
    day: integer('day').notNull(),
    /** 1 for messages without a time of their own: their day follows the session's when it changes. */
    untimed: integer('untimed').notNull(),
    /** The message's model; '' when it records none. */
    model: text('model').notNull(),
    /** Prompt size (input + cache reads + cache writes): 0 up to 100k tokens, 1 up to 200k, 2 up to 272k, 3 above. */
    promptBand: integer('prompt_band').notNull(),
    provider: text('provider').notNull(),
    workspaceId: text('workspace_id'),
    ...usageSums(),
  },
  (table) => [
    primaryKey({ columns: [table.sessionPk, table.day, table.untimed, table.model, table.promptBand] }),
    // One per grouping, each carrying what counting a group's sessions reads (filters and session), so that count reads one index.
    index('usage_rollup_day').on(table.day, table.provider, table.sessionPk),
    index('usage_rollup_model').on(table.model, table.provider, table.sessionPk, table.day),
    index('usage_rollup_provider').on(table.provider, table.sessionPk, table.day),
    index('usage_rollup_workspace').on(table.workspaceId, table.provider, table.sessionPk, table.day),
  ],
)

/**
 * `usage_rollup` summed over sessions and workspaces, kept in step with it by triggers: what reports
 * by day, model or provider read (a few rows per day, however many sessions). WITHOUT ROWID (declared
 * in the migration: drizzle cannot say it).
 */
export const usageDaily = sqliteTable(
  'usage_daily',
  {
    day: integer('day').notNull(),
    model: text('model').notNull(),
    promptBand: integer('prompt_band').notNull(),
    provider: text('provider').notNull(),
    ...usageSums(),
  },
  (table) => [primaryKey({ columns: [table.day, table.model, table.promptBand, table.provider] })],
)

/**
 * One row per session with usage, kept in step with `usage_rollup` by triggers (migration
 * `usage_sessions`): what reports by session order and page by, and how reports count a group's
 * sessions, without summing every session-day first. `tokens` is the session's total of all five
 * counts; `first_day`/`last_day` bound its rollup days (-1 = not known), so a report over a range
 * of days takes a session lying inside the range as it is and reads the rollup only for sessions
 * across the range's edges.
 */
export const usageSessions = sqliteTable(
  'usage_sessions',
  {
    sessionPk: integer('session_pk')
      .primaryKey()
      .references(() => sessions.pk, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    workspaceId: text('workspace_id'),
    firstDay: integer('first_day').notNull(),
    lastDay: integer('last_day').notNull(),
    tokens: integer('tokens').notNull(),
  },
  (table) => [
    // Counts a workspace's sessions (by provider, by first day) from the index alone.
    index('usage_sessions_workspace').on(table.workspaceId, table.provider, table.firstDay),
    // The sessions with most tokens first, with what filtering them reads.
    index('usage_sessions_tokens').on(sql`${table.tokens} DESC`, table.sessionPk, table.firstDay, table.lastDay, table.provider),
    // Counts the sessions begun in a range of days.
    index('usage_sessions_days').on(table.firstDay, table.provider),
    // Sessions over more than one day: the only ones a range of days can cut.
    index('usage_sessions_span')
      .on(table.firstDay, table.lastDay)
      .where(sql`${table.firstDay} < ${table.lastDay}`),
  ],
)

/**
 * Sessions whose writer recomputes their usage as a whole (`writeSession` in src/db/write.ts, for a
 * whole harvested session): while a session is listed, the per-message usage triggers leave its
 * messages alone. Only ever filled inside the writer's transaction.
 */
export const usageRebuilds = sqliteTable('usage_rebuilds', {
  sessionPk: integer('session_pk').primaryKey(),
})

/**
 * `usage_rollup` summed per workspace, UTC calendar month, model, prompt band and provider, kept in
 * step with it by triggers: what reports by workspace read (a few rows per workspace and month,
 * however many sessions). `month` is YYYYMM (-1 = day not known); `workspace_id` is '' for sessions
 * without a workspace (a key column cannot be null). WITHOUT ROWID (declared in the migration).
 */
export const usageWorkspaceMonthly = sqliteTable(
  'usage_workspace_monthly',
  {
    workspaceId: text('workspace_id').notNull(),
    month: integer('month').notNull(),
    model: text('model').notNull(),
    promptBand: integer('prompt_band').notNull(),
    provider: text('provider').notNull(),
    ...usageSums(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.month, table.model, table.promptBand, table.provider] })],
)

/** A tool/function call made by the assistant within a message. */
export const toolInvocations = sqliteTable(
  'tool_invocations',
  {
    pk: integer('pk').primaryKey(),
    sessionPk: integer('session_pk')
      .notNull()
      .references(() => sessions.pk, { onDelete: 'cascade' }),
    messagePk: integer('message_pk')
      .notNull()
      .references(() => messages.pk, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    callId: text('call_id').notNull(),
    name: text('name').notNull(),
    input: text('input'),
    output: text('output'),
    status: text('status'),
  },
  (table) => [
    index('tool_invocations_message').on(table.messagePk, table.idx),
    index('tool_invocations_session_call').on(table.sessionPk, table.callId),
  ],
)

/** What the harvester last read from each source, so unchanged sources are skipped. */
export const harvestSources = sqliteTable(
  'harvest_sources',
  {
    key: text('key').primaryKey(),
    provider: text('provider').notNull(),
    path: text('path').notNull(),
    fingerprint: text('fingerprint').notNull(),
    sessionIds: text('session_ids').notNull().default('[]'),
    problems: text('problems').notNull().default('[]'),
    harvestedAt: integer('harvested_at').notNull(),
    seenAt: integer('seen_at').notNull(),
    /** Where the next read of an append-only source continues (a line start), if its provider can continue one. */
    readOffset: integer('read_offset'),
    /** SHA-256 of the source's first bytes when read: a rewritten file is read whole again. */
    headHash: text('head_hash'),
    /** JSON: the reader's and the engine's state at `read_offset`, enough to continue as a whole read would. */
    resumeState: text('resume_state'),
  },
  (table) => [index('harvest_sources_provider').on(table.provider)],
)

/** One harvest run and its per-provider summary (JSON). */
export const harvestRuns = sqliteTable('harvest_runs', {
  pk: integer('pk').primaryKey(),
  startedAt: integer('started_at').notNull(),
  endedAt: integer('ended_at'),
  status: text('status', { enum: HARVEST_RUN_STATUSES }).notNull(),
  summary: text('summary'),
  error: text('error'),
  /** The process running it: a `running` run whose process is gone was interrupted (killed, crashed). */
  pid: integer('pid'),
})

/** Small key/value facts about this database. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at')
    .notNull()
    .default(sql`(unixepoch() * 1000)`),
})

// Agency

/** An agent: a model with an instruction (its system prompt) and the tools it may call. Names are unique. */
export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    instruction: text('instruction').notNull(),
    role: text('role', { enum: AGENT_ROLES }).notNull(),
    model: text('model').notNull(),
    provider: text('provider', { enum: MODEL_PROVIDERS }).notNull(),
    temperature: real('temperature').notNull(),
    maxTokens: integer('max_tokens'),
    tools: text('tools').notNull().default('[]'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [uniqueIndex('agents_name').on(table.name)],
)

/** A swarm: a coordinator agent and its workers. An agent in use cannot be deleted (foreign keys). */
export const swarms = sqliteTable(
  'swarms',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    coordinatorId: text('coordinator_id')
      .notNull()
      .references(() => agents.id),
    status: text('status', { enum: SWARM_STATUSES }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [uniqueIndex('swarms_name').on(table.name), index('swarms_coordinator').on(table.coordinatorId)],
)

/** The workers of a swarm, in the order given. */
export const swarmWorkers = sqliteTable(
  'swarm_workers',
  {
    swarmId: text('swarm_id')
      .notNull()
      .references(() => swarms.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
  },
  (table) => [
    primaryKey({ columns: [table.swarmId, table.idx] }),
    uniqueIndex('swarm_workers_agent').on(table.swarmId, table.agentId),
    index('swarm_workers_by_agent').on(table.agentId),
  ],
)

/** One execution of a swarm. Its conversation is also a recorded session whose id is the run id. */
export const swarmRuns = sqliteTable(
  'swarm_runs',
  {
    id: text('id').primaryKey(),
    swarmId: text('swarm_id')
      .notNull()
      .references(() => swarms.id, { onDelete: 'cascade' }),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    prompt: text('prompt').notNull(),
    workspace: text('workspace').notNull(),
    result: text('result'),
    error: text('error'),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    /** The process running it: a live run whose process is gone was interrupted (killed, crashed). */
    pid: integer('pid'),
  },
  (table) => [index('swarm_runs_swarm').on(table.swarmId, table.startedAt), index('swarm_runs_status').on(table.status)],
)

/** One step of a run: a model call or a tool call, with its input, output (JSON), tokens and timing. */
export const runSteps = sqliteTable(
  'run_steps',
  {
    runId: text('run_id')
      .notNull()
      .references(() => swarmRuns.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    agent: text('agent').notNull(),
    kind: text('kind', { enum: STEP_KINDS }).notNull(),
    input: text('input'),
    output: text('output'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    status: text('status', { enum: STEP_STATUSES }).notNull(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (table) => [primaryKey({ columns: [table.runId, table.idx] })],
)

// Recording

/** Live-recording state of a recorded session (one row per session that received recording events or snapshots). */
export const recordingSessions = sqliteTable(
  'recording_sessions',
  {
    sessionPk: integer('session_pk')
      .primaryKey()
      .references(() => sessions.pk, { onDelete: 'cascade' }),
    // `idle` is not stored: it is `active` with no event for the configured idle time.
    status: text('status', { enum: RECORDING_STATUSES }).notNull(),
    startedAt: integer('started_at').notNull(),
    lastActivity: integer('last_activity').notNull(),
    lastSeq: integer('last_seq').notNull().default(0),
    lastEventId: text('last_event_id'),
    lastMessageId: text('last_message_id'),
  },
  (table) => [index('recording_sessions_status').on(table.status, table.lastActivity)],
)

/** The log of recorded events: `seq` is the position in its session, `event_id` (client-chosen) makes re-sends idempotent. */
export const recordingEvents = sqliteTable(
  'recording_events',
  {
    sessionPk: integer('session_pk')
      .notNull()
      .references(() => sessions.pk, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    eventId: text('event_id'),
    eventType: text('event_type').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.sessionPk, table.seq] }),
    uniqueIndex('recording_events_event_id').on(table.sessionPk, table.eventId),
  ],
)

// Rows as raw SQL returns them (snake_case columns, booleans as 0/1), derived from the tables above.
export type WorkspaceRow = StoredRow<typeof workspaces>
export type SessionRow = StoredRow<typeof sessions>
export type MessageRow = StoredRow<typeof messages>
export type ToolInvocationRow = StoredRow<typeof toolInvocations>
export type UsageRollupRow = StoredRow<typeof usageRollup>
export type HarvestSourceRow = StoredRow<typeof harvestSources>
export type HarvestRunRow = StoredRow<typeof harvestRuns>
export type AgentRow = StoredRow<typeof agents>
export type SwarmRow = StoredRow<typeof swarms>
export type SwarmWorkerRow = StoredRow<typeof swarmWorkers>
export type SwarmRunRow = StoredRow<typeof swarmRuns>
export type RunStepRow = StoredRow<typeof runSteps>
export type RecordingSessionRow = StoredRow<typeof recordingSessions>
export type RecordingEventRow = StoredRow<typeof recordingEvents>
