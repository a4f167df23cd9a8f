import type { ChasmDb } from '../db'
import { toIso } from '../shared/time'
import type { HarvestSummary } from './engine'
import { harvestStore } from './store'

/** The state of harvesting as recorded in the database. */
export interface HarvestStatus {
  runs: { startedAt: string | null; endedAt: string | null; status: string; problems: number; error: string | null }[]
  providers: { provider: string; sources: number; sourcesWithProblems: number; lastHarvestAt: string | null }[]
}

/** Recent runs and per-provider source bookkeeping. */
export function harvestStatus(chasm: ChasmDb, runs = 5): HarvestStatus {
  const store = harvestStore(chasm.sqlite)
  return {
    runs: store.recentRuns(runs).map((run) => ({
      startedAt: toIso(run.started_at),
      endedAt: toIso(run.ended_at),
      status: run.status,
      problems: run.summary === null ? 0 : (JSON.parse(run.summary) as HarvestSummary).problemCount,
      error: run.error,
    })),
    providers: store.sourceCounts().map((row) => ({
      provider: row.provider,
      sources: row.sources,
      sourcesWithProblems: row.with_problems,
      lastHarvestAt: toIso(row.last),
    })),
  }
}

