import { join } from 'node:path'
import type { SessionInput } from '../../../src/db'
import { compiledBinary, serveBinary, type ServedBinary } from '../../support/binary'
import { allFixturesHome } from '../../support/fixture-home'
import { tempDir, writeTree, type Tree } from '../../support/temp'
import { seedDatabase } from './data'

type Served = ServedBinary & { dir: string }

/** The compiled binary serving the database that `prepare(dir, binary)` makes in a fresh folder; everything is removed on dispose. */
async function serveFrom(prepare: (dir: string, binary: string) => string, args: string[], env: Record<string, string>): Promise<Served> {
  const dir = tempDir('chasm-web-')
  try {
    const binary = await compiledBinary()
    const db = prepare(dir.path, binary)
    const served = await serveBinary(binary, ['--db', db, '--no-harvest', ...args], { XDG_DATA_HOME: dir.path, ...env })
    return Object.assign(served, {
      dir: dir.path,
      async [Symbol.asyncDispose]() {
        if (served.proc.exitCode === null) served.proc.kill('SIGKILL')
        await served.proc.exited
        dir[Symbol.dispose]()
      },
    })
  } catch (error) {
    dir[Symbol.dispose]()
    throw error
  }
}

/** The compiled binary serving a fresh database seeded with `sessions`. */
export const serveSeeded = (sessions: SessionInput[], args: string[] = [], env: Record<string, string> = {}): Promise<Served> =>
  serveFrom((dir) => seedDatabase(dir, sessions), args, env)

/** The compiled binary serving what `chasm harvest run` (the binary too) read from every provider's fixture home, plus `extra` files. */
export const serveHarvestedFixtures = (extra: Tree = {}): Promise<Served> =>
  serveFrom(
    (dir, binary) => {
      using home = allFixturesHome()
      writeTree(home.path, extra)
      const db = join(dir, 'chasm.db')
      const harvest = Bun.spawnSync([binary, 'harvest', 'run', '--home', home.path, '--db', db])
      if (harvest.exitCode !== 0) throw new Error(`harvest run failed (${harvest.exitCode}): ${harvest.stderr}`)
      return db
    },
    [],
    {},
  )
