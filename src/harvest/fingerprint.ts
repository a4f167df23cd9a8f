import { stat } from 'node:fs/promises'
import type { Source } from './provider'

/** A source's change signal: the provider's own fingerprint, else size + mtime of its file; null if the file is gone. */
export async function fingerprintOf(source: Source): Promise<string | null> {
  if (source.fingerprint !== undefined) return source.fingerprint
  try {
    const info = await stat(source.path)
    return `${info.size}:${Math.trunc(info.mtimeMs)}`
  } catch {
    return null
  }
}
