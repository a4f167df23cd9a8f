import { decodeValue, openSqliteSource } from '../../read/sqlite-source'
import { LEGACY_KEY } from './legacy'
import { isRecord, recordOf, stringOf } from './values'

/** The `ItemTable` key of VS Code's chat session index (`chatSessionStore.ts`). */
export const INDEX_KEY = 'chat.ChatSessionStore.index'

/** What discovery learns about the legacy sessions of a `state.vscdb` without reading them. */
export type LegacyProbe =
  | { kind: 'absent' }
  | { kind: 'present'; fingerprint: string }
  | { kind: 'unreadable'; reason: string }

/** What discovery reads from one `state.vscdb`: whether it holds legacy sessions, and the index's titles by session id. */
export interface StateDb {
  legacy: LegacyProbe
  titles: ReadonlyMap<string, string>
}

const NO_TITLES: ReadonlyMap<string, string> = new Map()

// The title VS Code stores for a session without one (English builds); not a title anyone chose.
const PLACEHOLDER_TITLE = 'New Chat'

const isEntry = (entry: unknown) =>
  isRecord(entry) && typeof entry.sessionId === 'string' && typeof entry.title === 'string' && typeof entry.lastMessageDate === 'number'

/**
 * The titles of the local sessions in an index value. VS Code drops an index that fails its check
 * (`isChatSessionIndex`: version 1, every entry with a string id and title and a numeric date), so
 * such an index gives no titles here either; external sessions (`isExternal`) have no files.
 */
export function indexTitles(text: string): ReadonlyMap<string, string> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return NO_TITLES
  }
  const entries = recordOf(recordOf(value)?.entries)
  if (recordOf(value)?.version !== 1 || !entries || !Object.values(entries).every(isEntry)) return NO_TITLES
  const titles = new Map<string, string>()
  for (const [id, entry] of Object.entries(entries)) {
    const title = stringOf(recordOf(entry)?.title)?.trim()
    if (recordOf(entry)?.isExternal !== true && title && title !== PLACEHOLDER_TITLE) titles.set(id, title)
  }
  return titles
}

/**
 * Reads a `state.vscdb` once for discovery (one indexed lookup of two keys; `secret://` rows are
 * never touched): the legacy key's row, whose rowid and length change whenever `ItemTable` replaces it,
 * fingerprints the legacy sessions; the index gives session titles.
 */
export function probeStateDb(dbPath: string): StateDb {
  let source: ReturnType<typeof openSqliteSource> | null = null
  try {
    source = openSqliteSource(dbPath)
    const rows = source.db
      .query<{ key: string; rowid: number; size: number; value: unknown }, [string, string]>(
        'SELECT key, rowid, length(value) AS size, CASE key WHEN ?2 THEN value END AS value FROM ItemTable WHERE key IN (?1, ?2)',
      )
      .all(LEGACY_KEY, INDEX_KEY)
    const legacy = rows.find((row) => row.key === LEGACY_KEY)
    const index = rows.find((row) => row.key === INDEX_KEY)
    const text = index ? decodeValue(index.value) : null
    return {
      legacy: legacy ? { kind: 'present', fingerprint: `rowid:${legacy.rowid}/${legacy.size}` } : { kind: 'absent' },
      titles: text === null ? NO_TITLES : indexTitles(text),
    }
  } catch (error) {
    return { legacy: { kind: 'unreadable', reason: (error as Error).message }, titles: NO_TITLES }
  } finally {
    source?.close()
  }
}
