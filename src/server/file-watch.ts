import type { ChasmDb } from '../db'
import type { HarvestScheduler } from '../harvest'
import type { Logger } from '../shared/log'

/** How often the server checks that its database file is still the one it opened. */
const FILE_CHECK_MS = 250

/**
 * Notices when another process moves, deletes or replaces the database file: from then on writes
 * are refused with a clear error instead of going to a file nobody will open again, and the harvest
 * thread (with a connection of its own) stops.
 */
export function watchDatabaseFile(chasm: ChasmDb, harvest: HarvestScheduler, log: Logger): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    try {
      chasm.checkFile()
    } catch (error) {
      log.error((error as Error).message)
      clearInterval(timer)
      void harvest.stop()
    }
  }, FILE_CHECK_MS)
  return timer
}
