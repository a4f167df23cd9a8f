import type { SearchOptions, SearchResult } from '../search'
import type { Logger } from '../shared/log'
import { fromThreadError, startThread, type ThreadError } from './thread'

/** Messages to a search thread. */
export type SearchRequest =
  | { type: 'open'; path: string }
  | { type: 'search'; id: number; q: string; options: SearchOptions }
  | { type: 'close' }

/** Messages from a search thread. */
export type SearchReply =
  | { type: 'result'; id: number; result: SearchResult[] }
  | { type: 'failed'; id: number; error: ThreadError }
  | { type: 'broken'; error: ThreadError }
  | { type: 'closed' }

/** Searches answered by worker threads. */
export interface SearchPool {
  search(q: string, options: SearchOptions): Promise<SearchResult[]>
  /** Waits for running searches, then closes every thread's connection. */
  close(): Promise<void>
}

interface Thread {
  worker: Worker
  pending: Map<number, { resolve(result: SearchResult[]): void; reject(error: unknown): void }>
  closed: (() => void) | null
}

/**
 * Full-text search off the event loop: up to `size` threads, started on first use, each with its own
 * read-only connection (WAL readers never wait for writers). A search goes to the least busy thread;
 * errors keep their code (a malformed query stays a 400). A thread that dies fails its searches with
 * INTERNAL_ERROR and is replaced by the next search.
 */
export function createSearchPool(path: string, log: Logger, size = 2): SearchPool {
  const threads: Thread[] = []
  let nextId = 1

  const spawn = (): Thread => {
    const thread: Thread = { worker: startThread('search'), pending: new Map(), closed: null }
    const fail = (error: unknown) => {
      for (const { reject } of thread.pending.values()) reject(error)
      thread.pending.clear()
      const index = threads.indexOf(thread)
      if (index !== -1) threads.splice(index, 1)
      thread.worker.terminate()
    }
    thread.worker.addEventListener('message', ({ data }: MessageEvent<SearchReply>) => {
      if (data.type === 'closed') return thread.closed?.()
      if (data.type === 'broken') {
        log.error(`search thread cannot open the database: ${data.error.message}`)
        return fail(fromThreadError(data.error))
      }
      const waiting = thread.pending.get(data.id)
      thread.pending.delete(data.id)
      if (data.type === 'result') waiting?.resolve(data.result)
      else waiting?.reject(fromThreadError(data.error))
    })
    thread.worker.addEventListener('error', (event) => {
      log.error(`search thread failed: ${event.message}`)
      fail(fromThreadError({ code: 'INTERNAL_ERROR', message: 'search failed' }))
    })
    thread.worker.postMessage({ type: 'open', path } satisfies SearchRequest)
    threads.push(thread)
    return thread
  }

  const pick = (): Thread => {
    const idle = threads.find((thread) => thread.pending.size === 0)
    if (idle) return idle
    if (threads.length < size) return spawn()
    return threads.reduce((best, thread) => (thread.pending.size < best.pending.size ? thread : best))
  }

  return {
    search(q, options) {
      const thread = pick()
      const id = nextId++
      return new Promise((resolve, reject) => {
        thread.pending.set(id, { resolve, reject })
        thread.worker.postMessage({ type: 'search', id, q, options } satisfies SearchRequest)
      })
    },
    async close() {
      await Promise.all(
        threads.splice(0).map(
          (thread) =>
            new Promise<void>((resolve) => {
              thread.closed = () => {
                thread.worker.terminate()
                resolve()
              }
              thread.worker.postMessage({ type: 'close' } satisfies SearchRequest)
            }),
        ),
      )
    },
  }
}
