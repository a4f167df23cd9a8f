import { readFile, stat } from 'node:fs/promises'
import { MAX_LINE_BYTES } from '../../read/jsonl'

/** A whole-file session: its parsed value (undefined when unusable) and what went wrong. */
export interface LoadedJson {
  state: unknown
  problems: string[]
}

/** A file being rewritten in place is retried once after this pause. */
const REWRITE_RETRY_MS = 250
/** Only a file modified this recently may be mid-rewrite; an older broken file is reported at once. */
const REWRITE_WINDOW_MS = 10_000

async function parseOnce(path: string): Promise<{ value: unknown } | { error: string }> {
  const bytes = await readFile(path)
  // A crash while rewriting can leave NUL padding; a BOM is harmless but JSON.parse rejects it.
  const text = new TextDecoder('utf-8').decode(bytes).replace(/\0+$/, '').trim()
  if (text === '') return { error: 'empty file' }
  try {
    return { value: JSON.parse(text) }
  } catch (error) {
    return { error: `invalid JSON (${(error as Error).message})` }
  }
}

/**
 * Reads a whole-file `chatSessions/<id>.json` session (VS Code ≤ 1.108). VS Code rewrites these in
 * place, so a parse failure of a recently modified file is retried once after `retryMs` before it
 * is reported (a broken file is re-read on every harvest: only fresh ones pay the pause). Files larger
 * than the line limit of the JSONL reader are skipped rather than held in memory.
 */
export async function loadSessionJson(path: string, retryMs = REWRITE_RETRY_MS): Promise<LoadedJson> {
  try {
    const { size, mtimeMs } = await stat(path)
    if (size > MAX_LINE_BYTES) return { state: undefined, problems: [`file larger than ${MAX_LINE_BYTES} bytes skipped`] }
    let parsed = await parseOnce(path)
    if ('error' in parsed && Date.now() - mtimeMs < REWRITE_WINDOW_MS) {
      await Bun.sleep(retryMs)
      parsed = await parseOnce(path)
    }
    return 'error' in parsed ? { state: undefined, problems: [parsed.error] } : { state: parsed.value, problems: [] }
  } catch (error) {
    return { state: undefined, problems: [`read failed: ${(error as Error).message}`] }
  }
}
