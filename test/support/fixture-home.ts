import { cpSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './temp'

const FIXTURES = join(import.meta.dir, '..', 'fixtures')

/** One temp home holding every provider's hand-written fixture home (file-based fixtures only). */
export function allFixturesHome() {
  const home = tempDir('chasm-all-')
  for (const provider of readdirSync(FIXTURES)) {
    try {
      cpSync(join(FIXTURES, provider, 'home'), home.path, { recursive: true })
    } catch {
      // Providers whose fixture databases are built by their tests have no home folder.
    }
  }
  return home
}
