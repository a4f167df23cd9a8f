import { stat } from 'node:fs/promises'
import type { Source } from './provider'
import type { SourceRecord } from './store'

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

/** A source is skipped only when its fingerprint is unchanged and its last read had no problems (those are retried). */
export const isUnchanged = (previous: SourceRecord | undefined, fingerprint: string | null): boolean =>
  fingerprint !== null && previous !== undefined && previous.fingerprint === fingerprint && previous.problems.length === 0
