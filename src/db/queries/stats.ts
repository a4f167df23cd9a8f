import type { Database } from 'bun:sqlite'
import { statSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { toIso } from '../../shared/time'
import { IsoTime, Nullable } from '../shapes'

export const ProviderTotals = Type.Object({
  workspaces: Type.Integer({ minimum: 0 }),
  sessions: Type.Integer({ minimum: 0 }),
  messages: Type.Integer({ minimum: 0 }),
})
export type ProviderTotals = Static<typeof ProviderTotals>

/** Aggregate figures over the whole database (docs/api.md, "Reads"). */
export const Stats = Type.Object({
  totalSessions: Type.Integer({ minimum: 0 }),
  totalMessages: Type.Integer({ minimum: 0 }),
  totalWorkspaces: Type.Integer({ minimum: 0 }),
  totalToolInvocations: Type.Integer({ minimum: 0 }),
  byProvider: Type.Record(Type.String(), ProviderTotals),
  databaseBytes: Type.Integer({ minimum: 0 }),
  lastHarvestAt: Nullable(IsoTime),
})
export type Stats = Static<typeof Stats>

const fileSize = (path: string): number => {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/** Per-provider workspace/session/message counts (also used by the providers list). */
export function totalsByProvider(sqlite: Database): Record<string, ProviderTotals & { tools: number }> {
  const result: Record<string, ProviderTotals & { tools: number }> = {}
  for (const row of sqlite
    .query<{ provider: string; sessions: number; messages: number; tools: number }, []>(
      `SELECT provider, count(*) AS sessions, coalesce(sum(message_count), 0) AS messages,
              coalesce(sum(tool_invocation_count), 0) AS tools
       FROM sessions GROUP BY provider`,
    )
    .all()) {
    result[row.provider] = { workspaces: 0, sessions: row.sessions, messages: row.messages, tools: row.tools }
  }
  for (const row of sqlite
    .query<{ provider: string; n: number }, []>('SELECT provider, count(*) AS n FROM workspaces GROUP BY provider')
    .all()) {
    result[row.provider] ??= { workspaces: 0, sessions: 0, messages: 0, tools: 0 }
    result[row.provider]!.workspaces = row.n
  }
  return result
}

/** When the last completed harvest ended (epoch ms), if any. */
export function lastHarvestAt(sqlite: Database): number | null {
  return (
    sqlite
      .query<{ at: number | null }, []>("SELECT max(ended_at) AS at FROM harvest_runs WHERE status = 'completed'")
      .get()?.at ?? null
  )
}

/** The figures of `GET /api/stats` and `chasm stats`. */
export function getStats(sqlite: Database, dbPath: string): Stats {
  const byProviderAll = totalsByProvider(sqlite)
  const byProvider: Record<string, ProviderTotals> = {}
  let totalSessions = 0
  let totalMessages = 0
  let totalWorkspaces = 0
  let totalToolInvocations = 0
  for (const [provider, { tools, ...totals }] of Object.entries(byProviderAll)) {
    byProvider[provider] = totals
    totalSessions += totals.sessions
    totalMessages += totals.messages
    totalWorkspaces += totals.workspaces
    totalToolInvocations += tools
  }
  return {
    totalSessions,
    totalMessages,
    totalWorkspaces,
    totalToolInvocations,
    byProvider,
    databaseBytes: fileSize(dbPath) + fileSize(`${dbPath}-wal`),
    lastHarvestAt: toIso(lastHarvestAt(sqlite)),
  }
}

/** When each provider's sources were last harvested (epoch ms). */
export function lastHarvestByProvider(sqlite: Database): Map<string, number> {
  return new Map(
    sqlite
      .query<{ provider: string; at: number }, []>('SELECT provider, max(harvested_at) AS at FROM harvest_sources GROUP BY provider')
      .all()
      .map((row) => [row.provider, row.at]),
  )
}
