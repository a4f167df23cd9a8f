import type { Database, SQLQueryBindings } from 'bun:sqlite'
import { columnList, type Page, type PageRequest, type SwarmRow, type SwarmRunRow } from '../../db'
import { notFound } from '../../shared/errors'
import { isOtherLiveProcess } from '../../shared/process'
import { toIso } from '../../shared/time'
import type { Run, RunListItem, RunStatus, RunSummary, SwarmStatus } from '../model'
import { TRANSITIONS, type SwarmAction } from '../run/transitions'
import { illegalTransition } from '../swarms'
import type { StepStore } from './steps'

/** The result of a status change: applied (with the live run it touched), or refused with the status found. */
export type TransitionResult = { applied: true; runId: string | null } | { applied: false; status: SwarmStatus | null }

const RUN_KEYS = ['id', 'swarm_id', 'status', 'prompt', 'workspace', 'result', 'error', 'started_at', 'ended_at'] as const
const RUN_COLUMNS = columnList(RUN_KEYS)
const LIVE = "('running', 'paused')"

type RunRecord = Pick<SwarmRunRow, (typeof RUN_KEYS)[number]>
type OutcomeRecord = Pick<SwarmRunRow, 'status' | 'result' | 'error'>

const runFromRow = (row: RunRecord): RunListItem => ({
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

/**
 * A swarm's runs and its status machine: a status change moves the swarm and its live run together in
 * one transaction, decided by one conditional UPDATE (no read-then-write race); a run's end closes its steps.
 */
export function runStore(sqlite: Database, steps: StepStore) {
  const q = {
    swarmStatus: sqlite.prepare<Pick<SwarmRow, 'name' | 'status'>, [string]>('SELECT name, status FROM swarms WHERE id = ?'),
    setSwarmStatus: sqlite.prepare<Pick<SwarmRow, 'id'>, SQLQueryBindings[]>(
      'UPDATE swarms SET status = ? WHERE id = ? AND status IN (SELECT value FROM json_each(?)) RETURNING id',
    ),
    lastRun: sqlite.prepare<RunRecord, [string]>(
      `SELECT ${RUN_COLUMNS} FROM swarm_runs WHERE swarm_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    ),
    liveRun: sqlite.prepare<Pick<SwarmRunRow, 'id'>, [string]>(
      `SELECT id FROM swarm_runs WHERE swarm_id = ? AND status IN ${LIVE} ORDER BY rowid DESC LIMIT 1`,
    ),
    insertRun: sqlite.prepare<RunRecord, SQLQueryBindings[]>(
      `INSERT INTO swarm_runs (id, swarm_id, status, prompt, workspace, started_at, pid) VALUES (?, ?, 'running', ?, ?, ?, ?) RETURNING ${RUN_COLUMNS}`,
    ),
    setRunStatus: sqlite.prepare('UPDATE swarm_runs SET status = ? WHERE id = ?'),
    endRun: sqlite.prepare('UPDATE swarm_runs SET status = ?, result = ?, error = ?, ended_at = ? WHERE id = ?'),
    runCount: sqlite.prepare<{ n: number }, [string]>('SELECT count(*) AS n FROM swarm_runs WHERE swarm_id = ?'),
    runPage: sqlite.prepare<RunRecord, [string, number, number]>(
      `SELECT ${RUN_COLUMNS} FROM swarm_runs WHERE swarm_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ? OFFSET ?`,
    ),
    runStatuses: sqlite.prepare<Pick<SwarmRunRow, 'id' | 'status'>, [string]>(
      'SELECT id, status FROM swarm_runs WHERE id IN (SELECT value FROM json_each(?))',
    ),
    runOutcome: sqlite.prepare<OutcomeRecord, [string]>('SELECT status, result, error FROM swarm_runs WHERE id = ?'),
    runById: sqlite.prepare<RunRecord, [string, string]>(`SELECT ${RUN_COLUMNS} FROM swarm_runs WHERE id = ? AND swarm_id = ?`),
    liveRuns: sqlite.prepare<Pick<SwarmRunRow, 'id' | 'swarm_id' | 'pid'>, []>(`SELECT id, swarm_id, pid FROM swarm_runs WHERE status IN ${LIVE}`),
    // A swarm shown running or paused without a live run left: its run was failed above.
    failLiveSwarms: sqlite.prepare(
      `UPDATE swarms SET status = 'failed' WHERE status IN ${LIVE} AND NOT EXISTS (SELECT 1 FROM swarm_runs r WHERE r.swarm_id = swarms.id AND r.status IN ${LIVE})`,
    ),
  }

  const requireSwarmStatus = (swarmId: string) => {
    const row = q.swarmStatus.get(swarmId)
    if (!row) throw notFound('Swarm', swarmId)
    return row
  }

  /**
   * Applies a status change to a swarm and its live run in one transaction, if the table allows it from the
   * current status. Final statuses also record the result or error and the end time, and close running steps.
   */
  const transition = (swarmId: string, action: SwarmAction, now: number, outcome: { result?: string; error?: string } = {}): TransitionResult => {
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
          steps.endRunningSteps(runId, to, now)
        }
      }
      return { applied: true, runId }
    }).immediate()
  }

  return {
    /** A swarm's latest run, as its summary shows it; null before its first run. */
    lastRun(swarmId: string): RunSummary | null {
      const last = q.lastRun.get(swarmId)
      return last ? { id: last.id, status: last.status, prompt: last.prompt, startedAt: toIso(last.started_at)!, endedAt: toIso(last.ended_at) } : null
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

    transition,

    /** The status change of a user action; CONFLICT (naming the current status) or NOT_FOUND when refused. */
    applyAction(swarmId: string, action: SwarmAction, now: number): string | null {
      const outcome = transition(swarmId, action, now)
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
          steps.endRunningSteps(run.id, 'failed', now)
        }
        q.failLiveSwarms.run()
        return runs.map((run) => run.id)
      }).immediate()
    },

    /** The stored status of each of these runs; a run deleted with its swarm is absent. */
    runStatuses(runIds: string[]): Map<string, RunStatus> {
      return new Map(q.runStatuses.all(JSON.stringify(runIds)).map((row) => [row.id, row.status]))
    },

    /** A run's status, result and error as stored (null if the run is gone with its swarm). */
    runOutcome(runId: string): OutcomeRecord | null {
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
      return { ...runFromRow(row), steps: steps.stepsOf(runId) }
    },
  }
}

export type RunStore = ReturnType<typeof runStore>
