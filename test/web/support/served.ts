import type { SessionInput } from '../../../src/db'
import { compiledBinary, serveBinary, type ServedBinary } from '../../support/binary'
import { tempDir } from '../../support/temp'
import { seedDatabase } from './data'

/** The compiled binary serving a fresh database seeded with `sessions`; everything is removed on dispose. */
export async function serveSeeded(sessions: SessionInput[], args: string[] = [], env: Record<string, string> = {}): Promise<ServedBinary & { dir: string }> {
  const dir = tempDir('chasm-web-')
  const db = seedDatabase(dir.path, sessions)
  try {
    const served = await serveBinary(await compiledBinary(), ['--db', db, '--no-harvest', ...args], { XDG_DATA_HOME: dir.path, ...env })
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
