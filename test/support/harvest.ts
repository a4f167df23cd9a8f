import { runHarvest, type HarvestSummary, type Provider } from '../../src/harvest'
import { getSession, listSessions, listWorkspaces, type SessionDetail, type Workspace } from '../../src/db'
import type { ChasmDb } from '../../src/db'

/** Harvests `home` with the given providers into `db` (home overridden, as `--home` does). */
export function harvestHome(db: ChasmDb, providers: Provider[], home: string): Promise<HarvestSummary> {
  return runHarvest(db, providers, { home, homeOverridden: true, platform: process.platform, env: {} })
}

/** Everything in the database, for whole-object assertions: workspaces and full sessions (oldest id first). */
export function dumpDb(db: ChasmDb): { workspaces: Workspace[]; sessions: SessionDetail[] } {
  const workspaces = listWorkspaces(db.sqlite, {}, { limit: 1000, offset: 0 }).items
  const sessions = listSessions(db.sqlite, {}, { limit: 500, offset: 0 })
    .items.map((s) => getSession(db.sqlite, s.id))
    .sort((a, b) => a.id.localeCompare(b.id))
  return { workspaces: workspaces.sort((a, b) => a.id.localeCompare(b.id)), sessions }
}
