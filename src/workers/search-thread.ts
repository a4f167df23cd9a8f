/**
 * Worker thread entry: full-text searches on a read-only connection of its own, so a broad query
 * never holds the server's event loop (see `search-pool.ts`).
 */
import { openDatabase, type ChasmDb } from '../db'
import { searchSessions } from '../search'
import { toThreadError } from './thread'
import type { SearchReply, SearchRequest } from './search-pool'

declare const self: Worker

let chasm: ChasmDb | null = null

self.addEventListener('message', ({ data }: MessageEvent<SearchRequest>) => {
  if (data.type === 'open') {
    try {
      chasm = openDatabase(data.path, { readonly: true })
    } catch (error) {
      reply({ type: 'broken', error: toThreadError(error) })
    }
  } else if (data.type === 'search') {
    try {
      if (!chasm) throw new Error('search thread has no database')
      reply({ type: 'result', id: data.id, result: searchSessions(chasm.sqlite, data.q, data.options) })
    } catch (error) {
      reply({ type: 'failed', id: data.id, error: toThreadError(error) })
    }
  } else {
    chasm?.close()
    chasm = null
    reply({ type: 'closed' })
  }
})

const reply = (message: SearchReply) => postMessage(message)
