import { ChasmError, ERROR_STATUS, type ErrorCode } from '../shared/errors'

/** The entry file of each worker thread; `scripts/build.ts` compiles them into the binary beside `src/main.ts`. */
export const WORKER_ENTRIES = { harvest: 'src/workers/harvest-thread.ts', search: 'src/workers/search-thread.ts' } as const

/**
 * Starts a worker thread on one of `WORKER_ENTRIES`: from the sources, the file itself; in the compiled
 * binary (where every module is bundled into `Bun.main`), the embedded entry point of the same path below `src/`.
 */
export function startThread(entry: keyof typeof WORKER_ENTRIES): Worker {
  const file = WORKER_ENTRIES[entry]
  return new Worker(import.meta.path === Bun.main ? `./${file.slice('src/'.length)}` : new URL(`../../${file}`, import.meta.url).href)
}

/** An error as it crosses a thread boundary: its code survives, so a client mistake stays a 400. */
export interface ThreadError {
  code: ErrorCode
  message: string
}

export const toThreadError = (error: unknown): ThreadError =>
  error instanceof ChasmError ? { code: error.code, message: error.message } : { code: 'INTERNAL_ERROR', message: (error as Error)?.message ?? String(error) }

export const fromThreadError = (error: ThreadError): ChasmError =>
  new ChasmError(error.code in ERROR_STATUS ? error.code : 'INTERNAL_ERROR', error.message)
