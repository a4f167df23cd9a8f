import { Database } from 'bun:sqlite'
import { beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { compiledBinary, serveBinary } from '../support/binary'
import { allFixturesHome } from '../support/fixture-home'
import { NO_SIGTERM, skipIf } from '../support/os'
import { tempDir } from '../support/temp'
import { until } from '../support/wait'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 120_000)

describe('compiled binary', () => {
  test('--version and an unknown command', () => {
    const version = Bun.spawnSync([binary, '--version'])
    expect(version.stdout.toString()).toMatch(/^\d+\.\d+\.\d+\n$/)
    const unknown = Bun.spawnSync([binary, 'nope'])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr.toString()).toStartWith('chasm: ')
  })

  skipIf(NO_SIGTERM)('serves health and the 404 envelope, then stops cleanly on SIGTERM with the DB closed', async () => {
    using dir = tempDir()
    const db = join(dir.path, 'data', 'chasm.db')
    await using server = await serveBinary(binary, ['--db', db, '--no-harvest'])
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as any
    expect(health).toMatchObject({ success: true, data: { status: 'healthy', database: 'ok', harvest: { state: 'idle' } } })
    const missing = await fetch(`${server.url}/api/does-not-exist`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'Route not found: GET /api/does-not-exist' } })
    const docs = await fetch(`${server.url}/swagger/assets/swagger-ui.css`)
    expect(docs.status).toBe(200)

    server.proc.kill('SIGTERM')
    expect(await server.proc.exited).toBe(0)
    expect(server.stderr()).toContain('received SIGTERM, shutting down')
    // A clean close checkpoints the WAL into the main file and removes it.
    expect(!existsSync(`${db}-wal`) || statSync(`${db}-wal`).size === 0).toBe(true)
    const reopened = new Database(db, { readonly: true })
    expect(reopened.query('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: expect.any(Number) })
    reopened.close()
  })

  test('harvests the home in the background after it starts listening', async () => {
    using dir = tempDir()
    using home = allFixturesHome()
    await using server = await serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--home', home.path])
    let health: any
    await until(async () => {
      health = (await (await fetch(`${server.url}/api/health`)).json()) as any
      return Boolean(health.data.harvest.lastRunAt)
    }, 'the background harvest to finish')
    // The fixtures hold three records chasm must report (a repeated transcript, two shapes it does not know).
    expect(health.data.harvest).toMatchObject({ state: 'idle', lastError: '3 source problem(s) in the last harvest', lastRunAt: expect.any(String) })
    const sessions = (await (await fetch(`${server.url}/api/sessions?provider=claude-code`)).json()) as any
    expect(sessions.meta.total).toBe(6)
    const providers = (await (await fetch(`${server.url}/api/providers`)).json()) as any
    expect(providers.data.find((p: any) => p.id === 'claude-code')).toMatchObject({ detected: true, sessions: 6, lastHarvestAt: expect.any(String) })
  })

  test('a taken port is one clear line and exit 1', async () => {
    using dir = tempDir()
    const blocker = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('busy') })
    try {
      const proc = Bun.spawnSync([binary, 'api', 'serve', '--port', String(blocker.port), '--db', join(dir.path, 'c.db'), '--no-harvest'])
      expect(proc.exitCode).toBe(1)
      expect(proc.stderr.toString()).toBe(`chasm: port ${blocker.port} on 127.0.0.1 is already in use\n`)
    } finally {
      blocker.stop(true)
    }
  })

  test('an unusable database path is one clear line and exit 1', () => {
    using dir = tempDir()
    writeFileSync(join(dir.path, 'file'), 'x')
    const proc = Bun.spawnSync([binary, 'api', 'serve', '--port', '0', '--db', join(dir.path, 'file', 'chasm.db')])
    expect(proc.exitCode).toBe(1)
    expect(proc.stderr.toString()).toMatch(/^chasm: cannot open database .+\n$/)
  })
})
