import { describe, expect, test } from 'bun:test'
import { renameSync } from 'node:fs'
import { join } from 'node:path'
import type { AppDeps } from '../../src/api/deps'
import { healthReport } from '../../src/api/routes/health'
import type { HarvestScheduler } from '../../src/harvest'
import { openTestDb } from '../support/db'

describe('the health answer', () => {
  test('is built again exactly when the uptime second, the harvest state or the database changes', () => {
    using db = openTestDb()
    let now = 10_000
    let state: ReturnType<HarvestScheduler['state']> = { state: 'idle', lastRunAt: null, lastError: null, lastSummary: null, live: null }
    const harvest = { state: () => state } as unknown as HarvestScheduler
    const report = healthReport({ chasm: db, version: 't', clock: () => now, startedAt: 0, harvest } as unknown as AppDeps)
    const first = report.json()
    expect(JSON.parse(first)).toEqual(report.answer())
    expect(report.answer().data).toMatchObject({ uptimeSeconds: 10, database: 'ok', harvest: { state: 'idle' } })
    now += 999
    expect(report.json()).toBe(first)
    now += 1
    expect(report.answer().data.uptimeSeconds).toBe(11)
    state = { ...state, state: 'running' }
    expect(report.answer().data.harvest.state).toBe('running')
    // Another process moves the database away: the server notices, and health says so at once.
    renameSync(join(db.dir, 'chasm.db'), join(db.dir, 'moved.db'))
    expect(() => db.checkFile()).toThrow()
    expect(JSON.parse(report.json()).data.database).toBe('error')
  })
})
