/**
 * What went wrong with the database file itself (disk full, locked, read-only or replaced, damaged),
 * told plainly: these are not the client's fault and not a bug, and the person running chasm can
 * act on them. SQLite rolls back the failed statement's transaction, so nothing was half-written.
 */
const PROBLEMS: [prefix: string, text: string][] = [
  ['SQLITE_FULL', 'The database is full: no space is left on the disk (or its size limit was reached). Nothing was written; free some space and retry'],
  ['SQLITE_BUSY', 'The database is locked by another process. Nothing was written; retry shortly'],
  ['SQLITE_LOCKED', 'The database is locked by another process. Nothing was written; retry shortly'],
  ['SQLITE_READONLY', 'The database cannot be written: the file is read-only, or it was moved, deleted or replaced while chasm was running. Nothing was written; restart chasm'],
  ['SQLITE_CORRUPT', 'The database file is damaged. Nothing was written; restore it from a backup (chasm never overwrites it)'],
  ['SQLITE_NOTADB', 'The database file is not a SQLite database (damaged or replaced). Nothing was written; restore it from a backup'],
  ['SQLITE_IOERR', 'The disk reported an I/O error while using the database. Nothing was written; check the disk'],
  ['SQLITE_CANTOPEN', 'The database file can no longer be opened (its directory was moved or deleted?). Nothing was written; restart chasm'],
]

/** A plain sentence for an error of the database file, or null when `error` is anything else. */
export function storageProblem(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null
  return PROBLEMS.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1] ?? null
}
