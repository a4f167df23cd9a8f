import type { Database } from 'bun:sqlite'
import { markSessionsGone, replaceSession, type HarvestRunRow, type HarvestSourceRow, type SessionInput, type SessionRow, type Stage } from '../db'
import { isOtherLiveProcess } from '../shared/process'
import type { EngineResume, SourceCursor } from './cursor'
import type { HarvestSummary } from './summary'

/** The error of a run that stopped before its end; the next run reads what it did not. */
export const INTERRUPTED = 'interrupted before the end; the next harvest continues where it stopped'

/** What the harvester remembers about one source. */
export interface SourceRecord {
  key: string
  fingerprint: string
  sessionIds: string[]
  problems: string[]
}

export type HarvestStore = ReturnType<typeof harvestStore>

/** A harvest run as status reports it: `first_problems` is a JSON array of `{provider, source, message}`. */
export type RunRow = Pick<HarvestRunRow, 'pk' | 'started_at' | 'ended_at' | 'status' | 'error'> & { problem_count: number; first_problems: string }

type SourceRow = Pick<HarvestSourceRow, 'key' | 'fingerprint' | 'session_ids' | 'problems'>

const recordOf = (row: SourceRow): SourceRecord => ({
  key: row.key,
  fingerprint: row.fingerprint,
  sessionIds: JSON.parse(row.session_ids) as string[],
  problems: JSON.parse(row.problems) as string[],
})

/** The harvest's reads and writes of its own bookkeeping tables; session rows go through `db.replaceSession`. */
export function harvestStore(sqlite: Database) {
  const sourcesOf = sqlite.prepare<SourceRow, [string]>('SELECT key, fingerprint, session_ids, problems FROM harvest_sources WHERE provider = ?')
  const sourceOf = sqlite.prepare<SourceRow, [string]>('SELECT key, fingerprint, session_ids, problems FROM harvest_sources WHERE key = ?')
  const upsertSource = sqlite.prepare(
    `INSERT INTO harvest_sources (key, provider, path, fingerprint, session_ids, problems, harvested_at, seen_at, read_offset, head_hash, resume_state)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10)
     ON CONFLICT (key) DO UPDATE SET path = excluded.path, fingerprint = excluded.fingerprint,
       session_ids = excluded.session_ids, problems = excluded.problems, harvested_at = excluded.harvested_at,
       seen_at = excluded.seen_at, read_offset = excluded.read_offset, head_hash = excluded.head_hash,
       resume_state = excluded.resume_state`,
  )
  const cursorOf = sqlite.prepare<Pick<HarvestSourceRow, 'read_offset' | 'head_hash' | 'resume_state'>, [string]>(
    'SELECT read_offset, head_hash, resume_state FROM harvest_sources WHERE key = ?',
  )
  const deleteSource = sqlite.prepare('DELETE FROM harvest_sources WHERE key = ?')
  const storedSession = sqlite.prepare<Pick<SessionRow, 'message_count' | 'origin'>, [string]>(
    'SELECT message_count, origin FROM sessions WHERE id = ?',
  )
  const sessionPlace = sqlite.prepare<{ pk: number; message_count: number; workspace: string | null }, [string]>(
    `SELECT s.pk, s.message_count, coalesce(w.path, w.name) AS workspace
     FROM sessions s LEFT JOIN workspaces w ON w.id = s.workspace_id WHERE s.id = ? AND s.origin = 'harvest'`,
  )
  const startRun = sqlite.prepare<{ pk: number }, [number, number]>(
    "INSERT INTO harvest_runs (started_at, status, pid) VALUES (?, 'running', ?) RETURNING pk",
  )
  const runningRuns = sqlite.prepare<Pick<HarvestRunRow, 'pk' | 'pid'>, []>("SELECT pk, pid FROM harvest_runs WHERE status = 'running'")
  const endRun = sqlite.prepare('UPDATE harvest_runs SET ended_at = ?, status = ?, summary = ?, error = ? WHERE pk = ?')

  // The summary can hold thousands of problems: SQLite picks out the count and the first few, so
  // a status request never parses a whole summary on the event loop.
  const recentRuns = sqlite.prepare<RunRow, [number, number]>(
    `SELECT pk, started_at, ended_at, status, error, coalesce(summary ->> '$.problemCount', 0) AS problem_count,
       (SELECT json_group_array(json_object('provider', provider, 'source', source, 'message', message)) FROM (
          SELECT p.value ->> '$.provider' AS provider, q.value ->> '$.source' AS source, q.value ->> '$.message' AS message
          FROM json_each(summary, '$.providers') p, json_each(p.value, '$.problems') q LIMIT ?2)) AS first_problems
     FROM harvest_runs ORDER BY pk DESC LIMIT ?1`,
  )
  const sourceCounts = sqlite.prepare<{ provider: string; sources: number; with_problems: number; last: number }, []>(
    `SELECT provider, count(*) AS sources, sum(problems != '[]') AS with_problems, max(harvested_at) AS last
     FROM harvest_sources GROUP BY provider ORDER BY provider`,
  )

  return {
    /** The newest harvest runs, each with its first `problems` problems. */
    recentRuns: (limit: number, problems: number) => recentRuns.all(limit, problems),
    /** Per provider: sources known, sources whose last read had problems, last harvest time. */
    sourceCounts: () => sourceCounts.all(),
    /** Every source recorded for a provider, by key. */
    sources(provider: string): Map<string, SourceRecord> {
      return new Map(sourcesOf.all(provider).map((row) => [row.key, recordOf(row)]))
    },
    /** One source's record, if any. */
    source(key: string): SourceRecord | null {
      const row = sourceOf.get(key)
      return row ? recordOf(row) : null
    },
    /** What the database holds for a session id: its message count and who produced it. */
    storedSession(id: string): { messages: number; origin: SessionRow['origin'] } | null {
      const row = storedSession.get(id)
      return row ? { messages: row.message_count, origin: row.origin } : null
    },
    /** A harvested session's pk, message count and workspace folder (or name), for live viewers. */
    sessionPlace: (id: string) => sessionPlace.get(id),
    /** Replaces one session (with its staged messages, if any) in one transaction. */
    commitSession(session: SessionInput, stage?: Stage) {
      replaceSession(sqlite, session, stage)
    },
    /** Records a source's new fingerprint once all its sessions are committed, with where its next read may continue. */
    recordSource(provider: string, path: string, record: SourceRecord, now: number, cursor: SourceCursor | null = null) {
      const resume = cursor ? JSON.stringify({ line: cursor.point.line, state: cursor.point.state, engine: cursor.engine }) : null
      upsertSource.run(
        record.key, provider, path, record.fingerprint, JSON.stringify(record.sessionIds), JSON.stringify(record.problems), now,
        cursor?.point.offset ?? null, cursor?.point.head ?? null, resume,
      )
    },
    /** Where the last read of a source left off, if it can be continued. */
    cursor(key: string): SourceCursor | null {
      const row = cursorOf.get(key)
      if (!row || row.read_offset === null || row.head_hash === null || row.resume_state === null) return null
      const { line, state, engine } = JSON.parse(row.resume_state) as { line: number; state: unknown; engine: EngineResume }
      return { point: { offset: row.read_offset, line, head: row.head_hash, state }, engine }
    },
    /** Forgets sources that vanished from disk; their sessions stay, marked as no longer on disk. */
    forgetSources(records: SourceRecord[]) {
      if (records.length === 0) return
      sqlite.transaction(() => {
        for (const record of records) {
          markSessionsGone(sqlite, record.sessionIds)
          deleteSource.run(record.key)
        }
      }).immediate()
    },
    startRun: (now: number): number => startRun.get(now, process.pid)!.pk,
    /** Runs left `running` by a process that is gone (killed or crashed): marked failed, so status tells the truth. */
    failAbandonedRuns(now: number): number {
      const abandoned = runningRuns.all().filter((run) => !isOtherLiveProcess(run.pid))
      for (const run of abandoned) endRun.run(now, 'failed', null, INTERRUPTED, run.pk)
      return abandoned.length
    },
    endRun(pk: number, now: number, status: 'completed' | 'failed', summary: HarvestSummary, error: string | null) {
      endRun.run(now, status, JSON.stringify(summary), error, pk)
    },
  }
}
