import { open, stat } from 'node:fs/promises'
import type { SessionInput } from '../db'
import type { ReadPoint } from './provider'
import { HEAD_BYTES, headHash } from './read/resumable'

/**
 * More new bytes than this since the checkpoint and the source is read whole: a whole read stages
 * huge sessions in bounded memory, a continued one holds its tail in memory.
 */
export const MAX_CONTINUE_BYTES = 64 * 1024 * 1024

/**
 * True when a file can be continued from `point`: it did not shrink, its first bytes are the ones
 * read then, and the checkpoint is still a line start. Otherwise the file was rewritten (or
 * truncated and written again) and is read whole.
 */
export async function cursorHolds(path: string, point: ReadPoint): Promise<boolean> {
  let handle
  try {
    const info = await stat(path)
    if (!info.isFile() || info.size < point.offset || info.size - point.offset > MAX_CONTINUE_BYTES) return false
    handle = await open(path, 'r')
    const head = new Uint8Array(Math.min(point.offset, HEAD_BYTES))
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    if (bytesRead !== head.length || headHash(head) !== point.head) return false
    if (point.offset === 0) return true
    const last = new Uint8Array(1)
    await handle.read(last, 0, 1, point.offset - 1)
    return last[0] === 10
  } catch {
    return false
  } finally {
    await handle?.close()
  }
}

/** A checkpoint of the provider and what the engine had committed when the provider yielded it. */
export interface SourceCursor {
  point: ReadPoint
  engine: EngineResume
}

/** The engine's side of a checkpoint: sessions and problems before it, and the session still open there. */
export interface EngineResume {
  sessionIds: string[]
  problems: string[]
  lasting: string[]
  session: OpenSessionState | null
}

/** A session open at a checkpoint: its fields so far, its messages before the checkpoint, what pairing needs. */
export interface OpenSessionState {
  session: Omit<SessionInput, 'messages'>
  messages: number
  first: number | null
  last: number | null
  earlyResults: [string, ToolResult][]
}

export interface ToolResult {
  output: string | null
  status: string | null
}
