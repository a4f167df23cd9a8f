import type { Database } from 'bun:sqlite'
import { Type, type Static } from '@sinclair/typebox'
import { notFound } from '../../shared/errors'
import { toIso } from '../../shared/time'
import { columnList } from '../rows'
import type { WorkspaceRow } from '../schema'
import { IsoTime, Nullable } from '../shapes'
import { likeContains, type Page, type PageRequest } from './page'
import { SessionSummary, summaryFromRow, SUMMARY_COLUMNS, type SummaryRow } from './sessions'

/** A workspace as the API and CLI show it (docs/api.md, "Reads"). */
export const Workspace = Type.Object({
  id: Type.String(),
  name: Type.String(),
  provider: Type.String(),
  path: Nullable(Type.String()),
  sessions: Type.Integer({ minimum: 0, description: 'number of sessions' }),
  updated: Nullable(IsoTime),
})
export type Workspace = Static<typeof Workspace>

export const WorkspaceDetail = Type.Composite([Workspace, Type.Object({ sessionList: Type.Array(SessionSummary) })])
export type WorkspaceDetail = Static<typeof WorkspaceDetail>

const WORKSPACE_KEYS = ['id', 'name', 'provider', 'path', 'session_count', 'updated_at'] as const
const WORKSPACE_COLUMNS = columnList(WORKSPACE_KEYS)
type WorkspaceRowView = Pick<WorkspaceRow, (typeof WORKSPACE_KEYS)[number]>

const toWorkspace = (row: WorkspaceRowView): Workspace => ({
  id: row.id,
  name: row.name,
  provider: row.provider,
  path: row.path,
  sessions: row.session_count,
  updated: toIso(row.updated_at),
})

export interface WorkspaceFilter {
  provider?: string
  q?: string
}

/** Workspaces, newest `updated` first, optionally filtered by provider and a name/path substring. */
export function listWorkspaces(sqlite: Database, filter: WorkspaceFilter, page: PageRequest): Page<Workspace> {
  const where: string[] = []
  const params: (string | number)[] = []
  if (filter.provider) {
    where.push('provider = ?')
    params.push(filter.provider)
  }
  if (filter.q) {
    where.push("(name LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\')")
    params.push(likeContains(filter.q), likeContains(filter.q))
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const total = sqlite.query<{ n: number }, (string | number)[]>(`SELECT count(*) AS n FROM workspaces ${clause}`).get(...params)!.n
  const rows = sqlite
    .query<WorkspaceRowView, (string | number)[]>(
      `SELECT ${WORKSPACE_COLUMNS} FROM workspaces ${clause}
       ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, page.limit, page.offset)
  return { items: rows.map(toWorkspace), meta: { total, ...page } }
}

/** One workspace with its session summaries, newest first; NOT_FOUND if unknown. */
export function getWorkspace(sqlite: Database, id: string): WorkspaceDetail {
  const row = sqlite
    .query<WorkspaceRowView, [string]>(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE id = ?`)
    .get(id)
  if (!row) throw notFound('Workspace', id)
  const sessions = sqlite
    .query<SummaryRow, [string]>(
      `SELECT ${SUMMARY_COLUMNS} FROM sessions WHERE workspace_id = ? ORDER BY updated_at DESC, pk DESC`,
    )
    .all(id)
  return { ...toWorkspace(row), sessionList: sessions.map(summaryFromRow) }
}
