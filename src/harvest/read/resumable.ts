import { createHash } from 'node:crypto'
import type { ReadPoint, SessionPart } from '../provider'
import { MAX_LINE_BYTES, parseLine, readLines, type JsonLine } from './jsonl'

/** How many of a file's first bytes identify it: when they change, the file was rewritten, not appended to. */
export const HEAD_BYTES = 4096

/** SHA-256 (hex) of a file's first bytes, as `ReadPoint.head` holds it. */
export const headHash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** Where a resumable line stream can continue; the provider adds its state and yields it (`checkpointPart`). */
export interface LineCheckpoint {
  checkpoint: Omit<ReadPoint, 'state'>
}

/**
 * The lines of a JSONL file like `readJsonLines`, from `from` (or the start), with one checkpoint
 * marker where the complete lines end: before a last line without its newline (the writer may not
 * have finished it), else at the end. A provider yields its state there with `checkpointPart`.
 */
export async function* resumableLines(path: string, from: Pick<ReadPoint, 'offset' | 'line'> | null): AsyncGenerator<JsonLine | LineCheckpoint> {
  // Read before the lines: if the file is rewritten meanwhile, the hash no longer matches and the next read is whole.
  const head = await Bun.file(path).slice(0, HEAD_BYTES).bytes()
  let offset = from?.offset ?? 0
  let line = from?.line ?? 0
  const mark = (): LineCheckpoint => ({ checkpoint: { offset, line, head: headHash(head.subarray(0, Math.min(offset, HEAD_BYTES))) } })
  let marked = false
  for await (const raw of readLines(path, MAX_LINE_BYTES, { offset, line })) {
    if (!raw.terminated) {
      yield mark()
      marked = true
    }
    const parsed = parseLine(raw)
    if (parsed) yield parsed
    offset = raw.end
    line = raw.line
  }
  if (!marked) yield mark()
}

/** True for the checkpoint marker of `resumableLines` (in whatever stream passes it on). */
export const isCheckpoint = <T extends object>(item: T | LineCheckpoint): item is LineCheckpoint => 'checkpoint' in item

/** The `checkpoint` part for a marker and the provider's state at it (JSON-compatible data, copied: reading on changes it). */
export const checkpointPart = (item: LineCheckpoint, state: unknown): SessionPart => ({
  kind: 'checkpoint',
  at: { ...item.checkpoint, state: structuredClone(state) },
})
