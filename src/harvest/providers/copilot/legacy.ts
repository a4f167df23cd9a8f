import { decodeValue, openSqliteSource } from '../../read/sqlite-source'
import { lstat } from 'node:fs/promises'

/** The `ItemTable` key that held whole chat sessions before the file store (a JSON array, at most 25). */
export const LEGACY_KEY = 'interactive.sessions'

function readValue(dbPath: string): { value: unknown } | { error: string } {
  let source: ReturnType<typeof openSqliteSource> | null = null
  try {
    source = openSqliteSource(dbPath)
    const row = source.db.query<{ value: unknown }, [string]>('SELECT value FROM ItemTable WHERE key = ?').get(LEGACY_KEY)
    if (!row) return { value: [] }
    const text = decodeValue(row.value)
    if (text === null) return { error: `${LEGACY_KEY} is not text` }
    try {
      return { value: JSON.parse(text) }
    } catch (error) {
      return { error: `${LEGACY_KEY} is not valid JSON (${(error as Error).message})` }
    }
  } catch (error) {
    return { error: `cannot read ${dbPath}: ${(error as Error).message}` }
  } finally {
    source?.close()
  }
}

/** The legacy sessions of a `state.vscdb` (falling back to `state.vscdb.backup` when the main file is unusable). */
export async function readLegacySessions(dbPath: string): Promise<{ sessions: unknown[]; problems: string[] }> {
  const problems: string[] = []
  let result = readValue(dbPath)
  if ('error' in result) {
    problems.push(result.error)
    const backup = `${dbPath}.backup`
    // Only a regular file: a link could lead out of VS Code's folder.
    if (await lstat(backup).then((info) => info.isFile(), () => false)) {
      result = readValue(backup)
      if ('error' in result) problems.push(`backup: ${result.error}`)
    }
  }
  if ('error' in result) return { sessions: [], problems }
  if (!Array.isArray(result.value)) return { sessions: [], problems: [...problems, `${LEGACY_KEY} is not an array`] }
  return { sessions: result.value, problems }
}
