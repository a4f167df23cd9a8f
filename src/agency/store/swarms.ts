import type { Database } from 'bun:sqlite'
import { columnList, type AgentRow, type Page, type PageRequest, type SwarmRow, type SwarmWorkerRow } from '../../db'
import { ChasmError, notFound } from '../../shared/errors'
import { toIso } from '../../shared/time'
import type { Agent, RunSummary, Swarm } from '../model'
import type { AgentStore } from './agents'
import { guarded } from './guarded'

/** A swarm's definition with its agents, as a run needs it. */
export interface SwarmMembers {
  swarm: Swarm
  coordinator: Agent
  workers: Agent[]
}

const SWARM_KEYS = ['id', 'name', 'description', 'status', 'created_at', 'updated_at'] as const
// Agent names, not ids: the API shows names, and a renamed agent shows its new name everywhere.
const SWARM_SELECT = `SELECT ${columnList(SWARM_KEYS, 's')},
    (SELECT name FROM agents WHERE id = s.coordinator_id) AS coordinator,
    (SELECT json_group_array(a.name) FROM (SELECT agent_id FROM swarm_workers WHERE swarm_id = s.id ORDER BY idx) w
       JOIN agents a ON a.id = w.agent_id) AS workers
  FROM swarms s`

/** A swarm row with its coordinator's name and its workers' names (a JSON array). */
type SwarmRecord = Pick<SwarmRow, (typeof SWARM_KEYS)[number]> & { coordinator: AgentRow['name']; workers: string }

const swarmConflict = (name: string) => new ChasmError('CONFLICT', `a swarm named '${name}' already exists`)
const agentGone = () => new ChasmError('BAD_REQUEST', 'an agent of this swarm was deleted meanwhile')

/**
 * The swarms table and its workers: definitions, lookups and pages (each swarm with its latest run, from
 * `lastRun`); a taken name becomes CONFLICT, an agent deleted meanwhile BAD_REQUEST.
 */
export function swarmStore(sqlite: Database, agents: AgentStore, lastRun: (swarmId: string) => RunSummary | null) {
  const q = {
    swarmById: sqlite.prepare<SwarmRecord, [string]>(`${SWARM_SELECT} WHERE s.id = ?`),
    swarmByName: sqlite.prepare<SwarmRecord, [string]>(`${SWARM_SELECT} WHERE s.name = ?`),
    swarmCount: sqlite.prepare<{ n: number }, []>('SELECT count(*) AS n FROM swarms'),
    swarmPage: sqlite.prepare<SwarmRecord, [number, number]>(`${SWARM_SELECT} ORDER BY s.name COLLATE NOCASE, s.name LIMIT ? OFFSET ?`),
    coordinatorId: sqlite.prepare<Pick<SwarmRow, 'coordinator_id'>, [string]>('SELECT coordinator_id FROM swarms WHERE id = ?'),
    workerIds: sqlite.prepare<Pick<SwarmWorkerRow, 'agent_id'>, [string]>('SELECT agent_id FROM swarm_workers WHERE swarm_id = ? ORDER BY idx'),
    insertSwarm: sqlite.prepare(
      `INSERT INTO swarms (id, name, description, coordinator_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'idle', ?, ?)`,
    ),
    updateSwarm: sqlite.prepare('UPDATE swarms SET name = ?, description = ?, coordinator_id = ?, updated_at = ? WHERE id = ?'),
    deleteWorkers: sqlite.prepare('DELETE FROM swarm_workers WHERE swarm_id = ?'),
    insertWorker: sqlite.prepare('INSERT INTO swarm_workers (swarm_id, idx, agent_id) VALUES (?, ?, ?)'),
    deleteSwarm: sqlite.prepare('DELETE FROM swarms WHERE id = ?'),
  }

  const swarmFromRow = (row: SwarmRecord): Swarm => ({
    id: row.id,
    name: row.name,
    description: row.description,
    coordinator: row.coordinator,
    workers: JSON.parse(row.workers) as string[],
    status: row.status,
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
    lastRun: lastRun(row.id),
  })

  const writeWorkers = (swarmId: string, workerIds: string[]) => {
    q.deleteWorkers.run(swarmId)
    workerIds.forEach((agentId, index) => q.insertWorker.run(swarmId, index, agentId))
  }

  /** A swarm by id; NOT_FOUND if unknown. */
  const getSwarm = (id: string): Swarm => {
    const row = q.swarmById.get(id)
    if (!row) throw notFound('Swarm', id)
    return swarmFromRow(row)
  }

  return {
    /** A swarm by id, or by name when no id matches; null if neither. */
    findSwarm(ref: string): Swarm | null {
      const row = q.swarmById.get(ref) ?? q.swarmByName.get(ref)
      return row ? swarmFromRow(row) : null
    },

    getSwarm,

    listSwarms(page: PageRequest): Page<Swarm> {
      return { items: q.swarmPage.all(page.limit, page.offset).map(swarmFromRow), meta: { total: q.swarmCount.get()!.n, ...page } }
    },

    /** A swarm with its coordinator and workers as agents. */
    members(id: string): SwarmMembers {
      const swarm = getSwarm(id)
      const coordinatorId = q.coordinatorId.get(id)!.coordinator_id
      const workers = q.workerIds.all(id).map((row) => agents.getAgent(row.agent_id))
      return { swarm, coordinator: agents.getAgent(coordinatorId), workers }
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
        agentGone,
      )
      return getSwarm(swarm.id)
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
        agentGone,
      )
      if (changes === 0) throw notFound('Swarm', id)
      return getSwarm(id)
    },

    /** Deletes a swarm with its runs and steps (its recorded sessions stay); NOT_FOUND if unknown. */
    deleteSwarm(id: string): void {
      if (q.deleteSwarm.run(id).changes === 0) throw notFound('Swarm', id)
    },
  }
}
