import { stat } from 'node:fs/promises'

/** A whole-file JSON document: its parsed value, or why it could not be read. */
export type JsonFile = { ok: true; value: unknown } | { ok: false; error: string; missing: boolean }

/** Whole-file JSON documents larger than this are reported instead of being loaded into memory. */
const MAX_JSON_BYTES = 256 * 1024 * 1024

/**
 * Reads and parses a JSON file that its tool rewrites in place (Cline, Continue, OpenCode legacy).
 * Tolerates a BOM and the NUL padding of crash-truncated files; never throws.
 */
export async function readJsonFile(path: string, maxBytes = MAX_JSON_BYTES): Promise<JsonFile> {
  try {
    const info = await stat(path)
    if (!info.isFile()) return { ok: false, error: 'not a file', missing: false }
    if (info.size > maxBytes) return { ok: false, error: `file larger than ${maxBytes} bytes skipped`, missing: false }
    const text = (await Bun.file(path).text()).replace(/^\uFEFF/, '').replace(/\0+$/, '')
    if (text.trim() === '') return { ok: false, error: 'empty file', missing: false }
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    return { ok: false, error: missing ? 'file not found' : (error as Error).message, missing }
  }
}
