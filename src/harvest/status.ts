import { Type, type Static } from '@sinclair/typebox'
import { HARVEST_RUN_STATUSES, IsoTime, literalUnion, Nullable, type ChasmDb } from '../db'
import { toIso } from '../shared/time'
import type { HarvestSummary } from './summary'
import { harvestStore } from './store'

/** The state of harvesting as recorded in the database: recent runs, newest first, and sources per provider. */
export const HarvestStatus = Type.Object({
  runs: Type.Array(
    Type.Object({
      startedAt: Nullable(IsoTime),
      endedAt: Nullable(IsoTime),
      status: literalUnion(HARVEST_RUN_STATUSES),
      problems: Type.Integer({ minimum: 0 }),
      error: Nullable(Type.String()),
    }),
  ),
  providers: Type.Array(
    Type.Object({
      provider: Type.String(),
      sources: Type.Integer({ minimum: 0 }),
      sourcesWithProblems: Type.Integer({ minimum: 0 }),
      lastHarvestAt: Nullable(IsoTime),
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

