import { Type, type Static } from '@sinclair/typebox'
import type { ChasmDb } from '../db'
import { toIso } from '../shared/time'
import { harvestStore } from './store'

const IsoTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

/** The state of harvesting as recorded in the database: recent runs, newest first, and sources per provider. */
export const HarvestStatus = Type.Object({
  runs: Type.Array(
    Type.Object({
      startedAt: IsoTime,
      endedAt: IsoTime,
      status: Type.String({ description: 'running, completed or failed' }),
      problems: Type.Integer({ minimum: 0 }),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  providers: Type.Array(
    Type.Object({
      provider: Type.String(),
      sources: Type.Integer({ minimum: 0 }),
      sourcesWithProblems: Type.Integer({ minimum: 0 }),
      lastHarvestAt: IsoTime,
    }),
  ),
})
export type HarvestStatus = Static<typeof HarvestStatus>

/** Recent runs and per-provider source bookkeeping. */
export function harvestStatus(chasm: ChasmDb, runs = 5): HarvestStatus {
  const store = harvestStore(chasm.sqlite)
  return {
    runs: store.recentRuns(runs).map((run) => ({
      startedAt: toIso(run.started_at),
      endedAt: toIso(run.ended_at),
      status: run.status,
      problems: run.summary ? ((JSON.parse(run.summary) as { problemCount?: number }).problemCount ?? 0) : 0,
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
