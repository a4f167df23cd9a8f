import type { Database, SQLQueryBindings } from 'bun:sqlite'
import type { Page, PageRequest } from '../db'
import { ChasmError, notFound } from '../shared/errors'
import { isOtherLiveProcess } from '../shared/process'
import { toIso } from '../shared/time'
import type { AgentFields } from './agents'
import type { Agent, AgentRole, ModelProvider, Run, RunListItem, RunStatus, RunStep, RunSummary, StepKind, StepStatus, Swarm, SwarmStatus, TokenUsage, ToolName } from './model'
import { illegalTransition } from './swarms'
import { TRANSITIONS, type SwarmAction } from './run/transitions'

interface AgentRowView {
  id: string
  name: string
  description: string
  instruction: string
  role: AgentRole
  model: string
  provider: ModelProvider
  temperature: number
  max_tokens: number | null
  tools: string
  created_at: number
  updated_at: number
}

interface SwarmRowView {
  id: string
  name: string
  description: string
  status: SwarmStatus
  created_at: number
  updated_at: number
  coordinator: string
  workers: string
}

interface RunRowView {
  id: string
  swarm_id: string
  status: RunStatus
  prompt: string
  workspace: string
  result: string | null
  error: string | null
  started_at: number
  ended_at: number | null
}

interface StepRowView {
  idx: number
  agent: string
  kind: StepKind
  input: string | null
  output: string | null
  input_tokens: number | null
  output_tokens: number | null
  status: StepStatus
  started_at: number
  ended_at: number | null
}

/** A swarm's definition with its agents' ids, as a run needs it. */
export interface SwarmMembers {
  swarm: Swarm
  coordinator: Agent
  workers: Agent[]
}

/** A step as the engine writes it when it starts. */
export interface StepStart {
  index: number
  agent: string
  kind: StepKind
  input: unknown
  startedAt: number
}

/** How a step ended. */
export interface StepEnd {
  output: unknown
  tokens: TokenUsage | null
  status: StepStatus
  endedAt: number
}

/** The result of a status change: applied (with the live run it touched), or refused with the status found. */
export type TransitionResult = { applied: true; runId: string | null } | { applied: false; status: SwarmStatus | null }

const AGENT_COLUMNS = 'id, name, description, instruction, role, model, provider, temperature, max_tokens, tools, created_at, updated_at'
// Agent names, not ids: the API shows names, and a renamed agent shows its new name everywhere.
const SWARM_SELECT = `SELECT s.id, s.name, s.description, s.status, s.created_at, s.updated_at,
    (SELECT name FROM agents WHERE id = s.coordinator_id) AS coordinator,
    (SELECT json_group_array(a.name) FROM (SELECT agent_id FROM swarm_workers WHERE swarm_id = s.id ORDER BY idx) w
       JOIN agents a ON a.id = w.agent_id) AS workers
  FROM swarms s`
const RUN_COLUMNS = 'id, swarm_id, status, prompt, workspace, result, error, started_at, ended_at'
const LIVE = "('running', 'paused')"

const agentFromRow = (row: AgentRowView): Agent => ({
  id: row.id,
  name: row.name,
  description: row.description,
  instruction: row.instruction,
  role: row.role,
  model: row.model,
  provider: row.provider,
  temperature: row.temperature,
  maxTokens: row.max_tokens,
  tools: JSON.parse(row.tools) as ToolName[],
  createdAt: toIso(row.created_at)!,
  updatedAt: toIso(row.updated_at)!,
})

const runFromRow = (row: RunRowView): RunListItem => ({
  id: row.id,
  swarmId: row.swarm_id,
  sessionId: row.id,
  status: row.status,
  prompt: row.prompt,
  workspace: row.workspace,
  result: row.result,
  error: row.error,
  startedAt: toIso(row.started_at)!,
  endedAt: toIso(row.ended_at),
})

const parsed = (text: string | null): unknown => (text === null ? null : JSON.parse(text))

/**
 * A stored step as the API shows it. Tool steps written before outputs were `{text, isError}` objects
 * kept the bare text: it is read into the same shape (a stopped step's text is its error).
 */
const stepFromRow = (row: StepRowView): RunStep => {
  let output = parsed(row.output)
  if (row.kind === 'tool' && typeof output === 'string') output = row.status === 'stopped' ? { error: output } : { text: output, isError: row.status === 'failed' }
  return {
    index: row.idx,
    agent: row.agent,
    kind: row.kind,
    input: parsed(row.input),
    output,
    tokens: row.input_tokens === null || row.output_tokens === null ? null : { input: row.input_tokens, output: row.output_tokens },
    startedAt: toIso(row.started_at)!,
    endedAt: toIso(row.ended_at),
    status: row.status,
  } as RunStep
}

const constraint = (error: unknown, kind: 'UNIQUE' | 'FOREIGNKEY'): boolean =>
  (error as { code?: unknown })?.code === `SQLITE_CONSTRAINT_${kind}`

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value))

/** All agency SQL: agents, swarms, runs and steps. Uniqueness and "in use" come from constraints, turned into CONFLICT here. */
export function agencyStore(sqlite: Database) {
  const q = {
    agentById: sqlite.prepare<AgentRowView, [string]>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = ?`),
    agentByName: sqlite.prepare<AgentRowView, [string]>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE name = ?`),
    agentCount: sqlite.prepare<{ n: number }, []>('SELECT count(*) AS n FROM agents'),
    agentPage: sqlite.prepare<AgentRowView, [number, number]>(
      `SELECT ${AGENT_COLUMNS} FROM agents ORDER BY name COLLATE NOCASE, name LIMIT ? OFFSET ?`,
    ),
    insertAgent: sqlite.prepare<AgentRowView, SQLQueryBindings[]>(
      `INSERT INTO agents (id, name, description, instruction, role, model, provider, temperature, max_tokens, tools, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${AGENT_COLUMNS}`,
    ),
    updateAgent: sqlite.prepare<AgentRowView, SQLQueryBindings[]>(
      `UPDATE agents SET name = ?, description = ?, instruction = ?, role = ?, model = ?, provider = ?, temperature = ?,
         max_tokens = ?, tools = ?, updated_at = ? WHERE id = ? RETURNING ${AGENT_COLUMNS}`,
    ),
    deleteAgent: sqlite.prepare('DELETE FROM agents WHERE id = ?'),
    swarmsUsing: sqlite.prepare<{ name: string }, [string]>(
      `SELECT name FROM swarms WHERE coordinator_id = ?1 OR id IN (SELECT swarm_id FROM swarm_workers WHERE agent_id = ?1) ORDER BY name`,
    ),

    swarmById: sqlite.prepare<SwarmRowView, [string]>(`${SWARM_SELECT} WHERE s.id = ?`),
    swarmByName: sqlite.prepare<SwarmRowView, [string]>(`${SWARM_SELECT} WHERE s.name = ?`),
    swarmCount: sqlite.prepare<{ n: number }, []>('SELECT count(*) AS n FROM swarms'),
    swarmPage: sqlite.prepare<SwarmRowView, [number, number]>(`${SWARM_SELECT} ORDER BY s.name COLLATE NOCASE, s.name LIMIT ? OFFSET ?`),
    swarmStatus: sqlite.prepare<{ name: string; status: SwarmStatus }, [string]>('SELECT name, status FROM swarms WHERE id = ?'),
    swarmAgentIds: sqlite.prepare<{ coordinator_id: string }, [string]>('SELECT coordinator_id FROM swarms WHERE id = ?'),
    workerIds: sqlite.prepare<{ agent_id: string }, [string]>('SELECT agent_id FROM swarm_workers WHERE swarm_id = ? ORDER BY idx'),
    insertSwarm: sqlite.prepare(
      `INSERT INTO swarms (id, name, description, coordinator_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'idle', ?, ?)`,
    ),
    updateSwarm: sqlite.prepare('UPDATE swarms SET name = ?, description = ?, coordinator_id = ?, updated_at = ? WHERE id = ?'),
    deleteWorkers: sqlite.prepare('DELETE FROM swarm_workers WHERE swarm_id = ?'),
    insertWorker: sqlite.prepare('INSERT INTO swarm_workers (swarm_id, idx, agent_id) VALUES (?, ?, ?)'),
    deleteSwarm: sqlite.prepare('DELETE FROM swarms WHERE id = ?'),
    lastRun: sqlite.prepare<RunRowView, [string]>(
      `SELECT ${RUN_COLUMNS} FROM swarm_runs WHERE swarm_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    ),

    setSwarmStatus: sqlite.prepare<{ id: string }, SQLQueryBindings[]>(
      // The status change is decided by this one conditional UPDATE: no read-then-write race.
      'UPDATE swarms SET status = ? WHERE id = ? AND status IN (SELECT value FROM json_each(?)) RETURNING id',
    ),
    liveRun: sqlite.prepare<{ id: string }, [string]>(
      `SELECT id FROM swarm_runs WHERE swarm_id = ? AND status IN ${LIVE} ORDER BY rowid DESC LIMIT 1`,
    ),
    insertRun: sqlite.prepare<RunRowView, SQLQueryBindings[]>(
      `INSERT INTO swarm_runs (id, swarm_id, status, prompt, workspace, started_at, pid) VALUES (?, ?, 'running', ?, ?, ?, ?) RETURNING ${RUN_COLUMNS}`,
    ),
    setRunStatus: sqlite.prepare('UPDATE swarm_runs SET status = ? WHERE id = ?'),
    endRun: sqlite.prepare('UPDATE swarm_runs SET status = ?, result = ?, error = ?, ended_at = ? WHERE id = ?'),
    runCount: sqlite.prepare<{ n: number }, [string]>('SELECT count(*) AS n FROM swarm_runs WHERE swarm_id = ?'),
    runPage: sqlite.prepare<RunRowView, [string, number, number]>(
      `SELECT ${RUN_COLUMNS} FROM swarm_runs WHERE swarm_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ? OFFSET ?`,
    ),
    runStatuses: sqlite.prepare<{ id: string; status: RunStatus }, [string]>(
      'SELECT id, status FROM swarm_runs WHERE id IN (SELECT value FROM json_each(?))',
    ),
    runOutcome: sqlite.prepare<{ status: RunStatus; result: string | null; error: string | null }, [string]>(
      'SELECT status, result, error FROM swarm_runs WHERE id = ?',
    ),
    runById: sqlite.prepare<RunRowView, [string, string]>(`SELECT ${RUN_COLUMNS} FROM swarm_runs WHERE id = ? AND swarm_id = ?`),
    stepsOf: sqlite.prepare<StepRowView, [string]>(
      `SELECT idx, agent, kind, input, output, input_tokens, output_tokens, status, started_at, ended_at
       FROM run_steps WHERE run_id = ? ORDER BY idx`,
    ),
    insertStep: sqlite.prepare(
      `INSERT INTO run_steps (run_id, idx, agent, kind, input, status, started_at) VALUES (?, ?, ?, ?, ?, 'running', ?)`,
    ),
    endStep: sqlite.prepare(
      'UPDATE run_steps SET output = ?, input_tokens = ?, output_tokens = ?, status = ?, ended_at = ? WHERE run_id = ? AND idx = ?',
    ),
    endRunningSteps: sqlite.prepare("UPDATE run_steps SET status = ?, ended_at = ? WHERE run_id = ? AND status = 'running'"),
    liveRuns: sqlite.prepare<{ id: string; swarm_id: string; pid: number | null }, []>(`SELECT id, swarm_id, pid FROM swarm_runs WHERE status IN ${LIVE}`),
    // A swarm shown running or paused without a live run left: its run was failed above.
    failLiveSwarms: sqlite.prepare(
      `UPDATE swarms SET status = 'failed' WHERE status IN ${LIVE} AND NOT EXISTS (SELECT 1 FROM swarm_runs r WHERE r.swarm_id = swarms.id AND r.status IN ${LIVE})`,
    ),
  }

  const swarmFromRow = (row: SwarmRowView): Swarm => {
    const last = q.lastRun.get(row.id)
    const lastRun: RunSummary | null = last
      ? { id: last.id, status: last.status, prompt: last.prompt, startedAt: toIso(last.started_at)!, endedAt: toIso(last.ended_at) }
      : null
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      coordinator: row.coordinator,
      workers: JSON.parse(row.workers) as string[],
      status: row.status,
      createdAt: toIso(row.created_at)!,
      updatedAt: toIso(row.updated_at)!,
      lastRun,
    }
  }

  const agentConflict = (name: string) => new ChasmError('CONFLICT', `an agent named '${name}' already exists`)
  const swarmConflict = (name: string) => new ChasmError('CONFLICT', `a swarm named '${name}' already exists`)

  const writeWorkers = (swarmId: string, workerIds: string[]) => {
    q.deleteWorkers.run(swarmId)
    workerIds.forEach((agentId, index) => q.insertWorker.run(swarmId, index, agentId))
  }

  /** Runs a write, turning constraint failures into the errors the caller chooses. */
  const guarded = <T>(write: () => T, onUnique: () => ChasmError, onForeignKey: () => ChasmError): T => {
    try {
      return write()
    } catch (error) {
      if (constraint(error, 'UNIQUE')) throw onUnique()
      if (constraint(error, 'FOREIGNKEY')) throw onForeignKey()
      throw error
    }
  }

  const requireSwarmStatus = (swarmId: string) => {
    const row = q.swarmStatus.get(swarmId)
    if (!row) throw notFound('Swarm', swarmId)
    return row
  }

  return {
    /** An agent by id, or by name when no id matches; null if neither. */
    findAgent(ref: string): Agent | null {
      const row = q.agentById.get(ref) ?? q.agentByName.get(ref)
      return row ? agentFromRow(row) : null
    },

    /** An agent by id; NOT_FOUND if unknown. */
    getAgent(id: string): Agent {
      const row = q.agentById.get(id)
      if (!row) throw notFound('Agent', id)
      return agentFromRow(row)
    },

    listAgents(page: PageRequest): Page<Agent> {
      return { items: q.agentPage.all(page.limit, page.offset).map(agentFromRow), meta: { total: q.agentCount.get()!.n, ...page } }
    },

    /** Inserts an agent; CONFLICT if the name is taken. */
    insertAgent(id: string, fields: AgentFields, now: number): Agent {
      const row = guarded(
        () =>
          q.insertAgent.get(
            id, fields.name, fields.description, fields.instruction, fields.role, fields.model, fields.provider,
            fields.temperature, fields.maxTokens, JSON.stringify(fields.tools), now, now,
          )!,
        () => agentConflict(fields.name),
        () => agentConflict(fields.name),
      )
      return agentFromRow(row)
    },

    /** Inserts a copy of `fields` under the first free name the generator yields. */
    insertAgentWithFreeName(id: string, fields: AgentFields, names: Iterable<string>, now: number): Agent {
      for (const name of names) {
        try {
          return this.insertAgent(id, { ...fields, name }, now)
        } catch (error) {
          if (!(error instanceof ChasmError && error.code === 'CONFLICT')) throw error
        }
      }
      throw new ChasmError('CONFLICT', `no free name for a copy of '${fields.name}'`)
    },

    /** Replaces an agent's fields; CONFLICT if the new name is taken, NOT_FOUND if the agent is gone. */
    updateAgent(id: string, fields: AgentFields, now: number): Agent {
      const row = guarded(
        () =>
          q.updateAgent.get(
            fields.name, fields.description, fields.instruction, fields.role, fields.model, fields.provider,
            fields.temperature, fields.maxTokens, JSON.stringify(fields.tools), now, id,
          ),
        () => agentConflict(fields.name),
        () => agentConflict(fields.name),
      )
      if (!row) throw notFound('Agent', id)
      return agentFromRow(row)
    },

    /** Deletes an agent; CONFLICT while a swarm uses it (the foreign keys decide), NOT_FOUND if unknown. */
    deleteAgent(id: string): void {
      const changes = guarded(
        () => q.deleteAgent.run(id).changes,
        () => new ChasmError('INTERNAL_ERROR', 'unexpected unique constraint on delete'),
        () => {
          const names = q.swarmsUsing.all(id).map((row) => `'${row.name}'`)
          const agent = q.agentById.get(id)?.name ?? id
          return new ChasmError('CONFLICT', `agent '${agent}' is used by swarm ${names.join(', ')}; remove it from the swarm first`)
        },
      )
      if (changes === 0) throw notFound('Agent', id)
    },

    /** A swarm by id, or by name when no id matches; null if neither. */
    findSwarm(ref: string): Swarm | null {
      const row = q.swarmById.get(ref) ?? q.swarmByName.get(ref)
      return row ? swarmFromRow(row) : null
    },

    /** A swarm by id; NOT_FOUND if unknown. */
    getSwarm(id: string): Swarm {
      const row = q.swarmById.get(id)
      if (!row) throw notFound('Swarm', id)
      return swarmFromRow(row)
    },

    listSwarms(page: PageRequest): Page<Swarm> {
      return { items: q.swarmPage.all(page.limit, page.offset).map(swarmFromRow), meta: { total: q.swarmCount.get()!.n, ...page } }
    },

    /** A swarm with its coordinator and workers as agents. */
    members(id: string): SwarmMembers {
      const swarm = this.getSwarm(id)
      const coordinatorId = q.swarmAgentIds.get(id)!.coordinator_id
      const workers = q.workerIds.all(id).map((row) => this.getAgent(row.agent_id))
      return { swarm, coordinator: this.getAgent(coordinatorId), workers }
    },

    /** Inserts a swarm and its workers in one transaction; CONFLICT on a taken name, BAD_REQUEST if an agent vanished. */
    insertSwarm(swarm: { id: string; name: string; description: string; coordinatorId: string; workerIds: string[] }, now: number): Swarm {
      guarded(
        () =>
          sqlite.transaction(() => {
            q.insertSwarm.run(swarm.id, swarm.name, swarm.description, swarm.coordinatorId, now, now)
            writeWorkers(swarm.id, swarm.workerIds)
          }).immediate(),
        () => swarmConflict(swarm.name),
        () => new ChasmError('BAD_REQUEST', 'an agent of this swarm was deleted meanwhile'),
      )
      return this.getSwarm(swarm.id)
    },

    /** Replaces a swarm's definition (workers only when given); same errors as insert, NOT_FOUND if gone. */
    updateSwarm(id: string, swarm: { name: string; description: string; coordinatorId: string; workerIds: string[] | null }, now: number): Swarm {
      const changes = guarded(
        () =>
          sqlite.transaction(() => {
            const changed = q.updateSwarm.run(swarm.name, swarm.description, swarm.coordinatorId, now, id).changes
            if (changed > 0 && swarm.workerIds) writeWorkers(id, swarm.workerIds)
            return changed
          }).immediate(),
        () => swarmConflict(swarm.name),
        () => new ChasmError('BAD_REQUEST', 'an agent of this swarm was deleted meanwhile'),
      )
      if (changes === 0) throw notFound('Swarm', id)
      return this.getSwarm(id)
    },

    /** Deletes a swarm with its runs and steps (its recorded sessions stay); NOT_FOUND if unknown. */
    deleteSwarm(id: string): void {
      if (q.deleteSwarm.run(id).changes === 0) throw notFound('Swarm', id)
    },

    /** Moves the swarm to `running` and inserts the run, atomically; CONFLICT if the status machine forbids it. */
    beginRun(run: { id: string; swarmId: string; prompt: string; workspace: string }, now: number): RunListItem {
      return sqlite.transaction(() => {
        if (!q.setSwarmStatus.get('running', run.swarmId, JSON.stringify(TRANSITIONS.start.from))) {
          const { name, status } = requireSwarmStatus(run.swarmId)
          throw illegalTransition(name, 'start', status)
        }
        return runFromRow(q.insertRun.get(run.id, run.swarmId, run.prompt, run.workspace, now, process.pid)!)
      }).immediate()
    },

    /**
     * Applies a status change to a swarm and its live run in one transaction, if the table allows it from the
     * current status. Final statuses also record the result or error and the end time, and close running steps.
     */
    transition(swarmId: string, action: SwarmAction, now: number, outcome: { result?: string; error?: string } = {}): TransitionResult {
      const { from, to } = TRANSITIONS[action]
      return sqlite.transaction((): TransitionResult => {
        const runId = q.liveRun.get(swarmId)?.id ?? null
        if (!q.setSwarmStatus.get(to, swarmId, JSON.stringify(from))) {
          return { applied: false, status: q.swarmStatus.get(swarmId)?.status ?? null }
        }
        if (runId) {
          if (to === 'running' || to === 'paused') q.setRunStatus.run(to, runId)
          else {
            q.endRun.run(to, outcome.result ?? null, outcome.error ?? null, now, runId)
            q.endRunningSteps.run(to, now, runId)
          }
        }
        return { applied: true, runId }
      }).immediate()
    },

    /** The status change of a user action; CONFLICT (naming the current status) or NOT_FOUND when refused. */
    applyAction(swarmId: string, action: SwarmAction, now: number): string | null {
      const outcome = this.transition(swarmId, action, now)
      if (outcome.applied) return outcome.runId
      const { name, status } = requireSwarmStatus(swarmId)
      throw illegalTransition(name, action, status)
    },

    /** Marks every run left running or paused (by a process that is gone) as failed with `reason`; returns their ids. */
    failOrphanedRuns(reason: string, now: number): string[] {
      return sqlite.transaction(() => {
        // Only runs whose process is gone: another live chasm process (a CLI run, a server) keeps its own.
        const runs = q.liveRuns.all().filter((run) => !isOtherLiveProcess(run.pid))
        for (const run of runs) {
          q.endRun.run('failed', null, reason, now, run.id)
          q.endRunningSteps.run('failed', now, run.id)
        }
        q.failLiveSwarms.run()
        return runs.map((run) => run.id)
      }).immediate()
    },

    insertStep(runId: string, step: StepStart): void {
      q.insertStep.run(runId, step.index, step.agent, step.kind, json(step.input), step.startedAt)
    },

    endStep(runId: string, index: number, end: StepEnd): void {
      q.endStep.run(json(end.output), end.tokens?.input ?? null, end.tokens?.output ?? null, end.status, end.endedAt, runId, index)
    },

    /** The stored status of each of these runs; a run deleted with its swarm is absent. */
    runStatuses(runIds: string[]): Map<string, RunStatus> {
      return new Map(q.runStatuses.all(JSON.stringify(runIds)).map((row) => [row.id, row.status]))
    },

    /** A run's status, result and error as stored (null if the run is gone with its swarm). */
    runOutcome(runId: string): { status: RunStatus; result: string | null; error: string | null } | null {
      return q.runOutcome.get(runId)
    },

    /** A swarm's runs, newest first; NOT_FOUND if the swarm is unknown. */
    listRuns(swarmId: string, page: PageRequest): Page<RunListItem> {
      requireSwarmStatus(swarmId)
      return {
        items: q.runPage.all(swarmId, page.limit, page.offset).map(runFromRow),
        meta: { total: q.runCount.get(swarmId)!.n, ...page },
      }
    },

    /** One run of a swarm with its steps; NOT_FOUND if either is unknown. */
    getRun(swarmId: string, runId: string): Run {
      requireSwarmStatus(swarmId)
      const row = q.runById.get(runId, swarmId)
      if (!row) throw notFound('Run', runId)
      return { ...runFromRow(row), steps: q.stepsOf.all(runId).map(stepFromRow) }
    },
  }
}

export type AgencyStore = ReturnType<typeof agencyStore>
