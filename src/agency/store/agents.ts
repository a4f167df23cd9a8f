import type { Database, SQLQueryBindings } from 'bun:sqlite'
import { columnList, type AgentRow, type Page, type PageRequest, type SwarmRow } from '../../db'
import { ChasmError, notFound } from '../../shared/errors'
import { toIso } from '../../shared/time'
import type { AgentFields } from '../agents'
import type { Agent, ToolName } from '../model'
import { guarded } from './guarded'

const AGENT_KEYS = ['id', 'name', 'description', 'instruction', 'role', 'model', 'provider', 'temperature', 'max_tokens', 'tools', 'created_at', 'updated_at'] as const
const AGENT_COLUMNS = columnList(AGENT_KEYS)

type AgentRecord = Pick<AgentRow, (typeof AGENT_KEYS)[number]>

const agentFromRow = (row: AgentRecord): Agent => ({
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

const agentConflict = (name: string) => new ChasmError('CONFLICT', `an agent named '${name}' already exists`)

/** The agents table: lookups, pages and writes; a taken name and an agent in use become CONFLICT. */
export function agentStore(sqlite: Database) {
  const q = {
    agentById: sqlite.prepare<AgentRecord, [string]>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = ?`),
    agentByName: sqlite.prepare<AgentRecord, [string]>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE name = ?`),
    agentCount: sqlite.prepare<{ n: number }, []>('SELECT count(*) AS n FROM agents'),
    agentPage: sqlite.prepare<AgentRecord, [number, number]>(
      `SELECT ${AGENT_COLUMNS} FROM agents ORDER BY name COLLATE NOCASE, name LIMIT ? OFFSET ?`,
    ),
    insertAgent: sqlite.prepare<AgentRecord, SQLQueryBindings[]>(
      `INSERT INTO agents (${AGENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${AGENT_COLUMNS}`,
    ),
    updateAgent: sqlite.prepare<AgentRecord, SQLQueryBindings[]>(
      `UPDATE agents SET name = ?, description = ?, instruction = ?, role = ?, model = ?, provider = ?, temperature = ?,
         max_tokens = ?, tools = ?, updated_at = ? WHERE id = ? RETURNING ${AGENT_COLUMNS}`,
    ),
    deleteAgent: sqlite.prepare('DELETE FROM agents WHERE id = ?'),
    swarmsUsing: sqlite.prepare<Pick<SwarmRow, 'name'>, [string]>(
      `SELECT name FROM swarms WHERE coordinator_id = ?1 OR id IN (SELECT swarm_id FROM swarm_workers WHERE agent_id = ?1) ORDER BY name`,
    ),
  }

  /** An agent by id; NOT_FOUND if unknown. */
  const getAgent = (id: string): Agent => {
    const row = q.agentById.get(id)
    if (!row) throw notFound('Agent', id)
    return agentFromRow(row)
  }

  /** Inserts an agent; CONFLICT if the name is taken. */
  const insertAgent = (id: string, fields: AgentFields, now: number): Agent => {
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
  }

  return {
    /** An agent by id, or by name when no id matches; null if neither. */
    findAgent(ref: string): Agent | null {
      const row = q.agentById.get(ref) ?? q.agentByName.get(ref)
      return row ? agentFromRow(row) : null
    },

    getAgent,

    listAgents(page: PageRequest): Page<Agent> {
      return { items: q.agentPage.all(page.limit, page.offset).map(agentFromRow), meta: { total: q.agentCount.get()!.n, ...page } }
    },

    insertAgent,

    /** Inserts a copy of `fields` under the first free name the generator yields. */
    insertAgentWithFreeName(id: string, fields: AgentFields, names: Iterable<string>, now: number): Agent {
      for (const name of names) {
        try {
          return insertAgent(id, { ...fields, name }, now)
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
  }
}

export type AgentStore = ReturnType<typeof agentStore>
