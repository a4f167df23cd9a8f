import { join } from 'node:path'
import { createAgency, type AgencyDeps, type RecordingEvent, type RunRecorder } from '../../../src/agency'
import { openTestDb } from '../../support/db'

/** A recorder keeping every event in memory, as the recording module would receive them. */
export function memoryRecorder(): RunRecorder & { events: RecordingEvent[] } {
  const events: RecordingEvent[] = []
  return { events, record: (batch) => void events.push(...batch) }
}

export const T0 = Date.parse('2026-01-08T12:00:00.000Z')
export const ISO0 = '2026-01-08T12:00:00.000Z'

/** Sequential ids (`id-1`, `id-2`, …) so whole objects can be compared. */
export const sequentialIds = () => {
  let n = 0
  return () => `id-${++n}`
}

/**
 * An agency on a fresh temp database with a memory recorder, a frozen clock, sequential ids and fast
 * retries; `env` usually comes from a fake model server. Disposing closes live runs and the database.
 */
export function testAgency(env: Record<string, string | undefined>, overrides: Partial<AgencyDeps> = {}) {
  const db = openTestDb()
  const recorder = memoryRecorder()
  const agency = createAgency({
    sqlite: db.sqlite,
    env,
    dataDir: join(db.dir, 'data'),
    recorder,
    clock: () => T0,
    newId: sequentialIds(),
    http: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  })
  return {
    agency,
    db,
    recorder,
    async [Symbol.asyncDispose]() {
      await agency.close()
      db[Symbol.dispose]()
    },
  }
}
