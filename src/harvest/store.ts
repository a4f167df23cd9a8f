import type { Database } from 'bun:sqlite'
import { markSessionsGone, replaceSession, type HarvestRunRow, type HarvestSourceRow, type SessionInput, type SessionRow, type Stage } from '../db'
import { isOtherLiveProcess } from '../shared/process'
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

/** The harvest's reads and writes of its own bookkeeping tables; session rows go through `db.replaceSession`. */
export function harvestStore(sqlite: Database) {
  const sourcesOf = sqlite.prepare<Pick<HarvestSourceRow, 'key' | 'fingerprint' | 'session_ids' | 'problems'>, [string]>(
    'SELECT key, fingerprint, session_ids, problems FROM harvest_sources WHERE provider = ?',
  )
  const upsertSource = sqlite.prepare(
    `INSERT INTO harvest_sources (key, provider, path, fingerprint, session_ids, problems, harvested_at, seen_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
     ON CONFLICT (key) DO UPDATE SET path = excluded.path, fingerprint = excluded.fingerprint,
       session_ids = excluded.session_ids, problems = excluded.problems, harvested_at = excluded.harvested_at,
       seen_at = excluded.seen_at`,
  )
  const deleteSource = sqlite.prepare('DELETE FROM harvest_sources WHERE key = ?')
  const storedSession = sqlite.prepare<Pick<SessionRow, 'message_count' | 'origin'>, [string]>(
    'SELECT message_count, origin FROM sessions WHERE id = ?',
  )
  const startRun = sqlite.prepare<{ pk: number }, [number, number]>(
    "INSERT INTO harvest_runs (started_at, status, pid) VALUES (?, 'running', ?) RETURNING pk",
  )
  const runningRuns = sqlite.prepare<Pick<HarvestRunRow, 'pk' | 'pid'>, []>("SELECT pk, pid FROM harvest_runs WHERE status = 'running'")
  const endRun = sqlite.prepare('UPDATE harvest_runs SET ended_at = ?, status = ?, summary = ?, error = ? WHERE pk = ?')

  const recentRuns = sqlite.prepare<Pick<HarvestRunRow, 'pk' | 'started_at' | 'ended_at' | 'status' | 'summary' | 'error'>, [number]>(
    'SELECT pk, started_at, ended_at, status, summary, error FROM harvest_runs ORDER BY pk DESC LIMIT ?',
  )
  const sourceCounts = sqlite.prepare<{ provider: string; sources: number; with_problems: number; last: number }, []>(
    `SELECT provider, count(*) AS sources, sum(problems != '[]') AS with_problems, max(harvested_at) AS last
     FROM harvest_sources GROUP BY provider ORDER BY provider`,
  )

  return {
    /** The newest harvest runs. */
    recentRuns: (limit: number) => recentRuns.all(limit),
    /** Per provider: sources known, sources whose last read had problems, last harvest time. */
    sourceCounts: () => sourceCounts.all(),
    /** Every source recorded for a provider, by key. */
    sources(provider: string): Map<string, SourceRecord> {
      const map = new Map<string, SourceRecord>()
      for (const row of sourcesOf.all(provider)) {
        map.set(row.key, {
          key: row.key,
          fingerprint: row.fingerprint,
          sessionIds: JSON.parse(row.session_ids) as string[],
          problems: JSON.parse(row.problems) as string[],
        })
      }
      return map
    },
    /** What the database holds for a session id: its message count and who produced it. */
    storedSession(id: string): { messages: number; origin: SessionRow['origin'] } | null {
      const row = storedSession.get(id)
      return row ? { messages: row.message_count, origin: row.origin } : null
    },
    /** Replaces one session (with its staged messages, if any) in one transaction. */
    commitSession(session: SessionInput, stage?: Stage) {
      replaceSession(sqlite, session, stage)
    },
    /** Records a source's new fingerprint once all its sessions are committed. */
    recordSource(provider: string, path: string, record: SourceRecord, now: number) {
      upsertSource.run(record.key, provider, path, record.fingerprint, JSON.stringify(record.sessionIds), JSON.stringify(record.problems), now)
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
