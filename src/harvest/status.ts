import { Type, type Static } from '@sinclair/typebox'
import { HARVEST_RUN_STATUSES, IsoTime, literalUnion, Nullable, type ChasmDb } from '../db'
import { toIso } from '../shared/time'
import { harvestStore } from './store'
import { HarvestProblem } from './summary'

/** How many problems of each run the status lists; `problems` counts them all. */
export const PROBLEMS_PER_RUN = 20

/** The state of harvesting as recorded in the database: recent runs, newest first, and sources per provider. */
export const HarvestStatus = Type.Object({
  runs: Type.Array(
    Type.Object({
      startedAt: Nullable(IsoTime),
      endedAt: Nullable(IsoTime),
      status: literalUnion(HARVEST_RUN_STATUSES),
      problems: Type.Integer({ minimum: 0, description: 'how many problems the run reported' }),
      problemList: Type.Array(Type.Composite([Type.Object({ provider: Type.String() }), HarvestProblem]), {
        description: `the run's first ${PROBLEMS_PER_RUN} problems: the provider, the source (file or database key) and what was wrong`,
      }),
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

/** Recent runs with their first problems, and per-provider source bookkeeping (`chasm harvest status`, `GET /api/harvest/status`). */
export function harvestStatus(chasm: ChasmDb, runs = 5): HarvestStatus {
  const store = harvestStore(chasm.sqlite)
  return {
    runs: store.recentRuns(runs, PROBLEMS_PER_RUN).map((run) => ({
      startedAt: toIso(run.started_at),
      endedAt: toIso(run.ended_at),
      status: run.status,
      problems: run.problem_count,
      problemList: JSON.parse(run.first_problems) as HarvestStatus['runs'][number]['problemList'],
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

