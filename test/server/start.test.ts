import { describe, expect, test } from 'bun:test'
import { startServer } from '../../src/server'
import { testServerOptions } from '../support/socket'
import { tempDir } from '../support/temp'

const health = async (url: URL) => (await fetch(new URL('/api/health', url))).status

describe('startServer (what chasm api serve runs)', () => {
  test('one server per database: a second start is refused while the first runs, stop() runs once and frees the database', async () => {
    using dir = tempDir()
    const options = testServerOptions(dir.path)
    const first = await startServer(options)
    expect(await health(first.url)).toBe(200)
    await expect(startServer(options)).rejects.toThrow(`another chasm server is already serving ${options.dbPath}; stop it first, or give this one another --db`)
    await Promise.all([first.stop(), first.stop()])
    expect(() => first.deps.chasm.sqlite.query('SELECT 1').get()).toThrow()
    const second = await startServer(options)
    expect(await health(second.url)).toBe(200)
    await second.stop()
  })

  test('a taken port: the start fails with a clear error and leaves its database free for the next start', async () => {
    using dir = tempDir()
    const first = await startServer(testServerOptions(dir.path, { file: 'first.db' }))
    const options = testServerOptions(dir.path, { file: 'second.db' })
    await expect(startServer({ ...options, port: first.port })).rejects.toThrow(`port ${first.port} on 127.0.0.1 is already in use`)
    const second = await startServer(options)
    expect(await health(second.url)).toBe(200)
    await second.stop()
    await first.stop()
  })
})
