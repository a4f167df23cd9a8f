import type { Database } from 'bun:sqlite'
import { agentStore } from './agents'
import { runStore } from './runs'
import { stepStore } from './steps'
import { swarmStore } from './swarms'

/**
 * All agency SQL, one file per table group: agents (`agents.ts`), swarms and their workers
 * (`swarms.ts`), runs and the status machine (`runs.ts`), steps (`steps.ts`).
 */
export function agencyStore(sqlite: Database) {
  const agents = agentStore(sqlite)
  const steps = stepStore(sqlite)
  const runs = runStore(sqlite, steps)
  const swarms = swarmStore(sqlite, agents, runs.lastRun)
  return { ...agents, ...swarms, ...runs, insertStep: steps.insertStep, endStep: steps.endStep }
}

export type AgencyStore = ReturnType<typeof agencyStore>
