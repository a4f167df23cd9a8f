import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { migrate, openDatabase } from '../../src/db'
import { MIGRATIONS } from '../../src/db/migrations'
import { searchSessions } from '../../src/search'
import { event, testRecorder } from '../recording/support'
import { tempDir, tempHome } from '../support/temp'
import { harvestHome } from '../support/harvest'
import { fakeProvider } from '../harvest/fake-provider'

const ids = (sqlite: Database, q: string) => searchSessions(sqlite, q, { limit: 10 }).map((r) => r.sessionId)
/** FTS5 checks its index against the text the views give: any disagreement with the triggers fails. */
const integrityCheck = (sqlite: Database) => {
  sqlite.run("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
  sqlite.run("INSERT INTO sessions_fts(sessions_fts) VALUES ('integrity-check')")
}

describe('the index follows every writer', () => {
  test('live recording: inserted, streamed and retitled messages are found by their current text only', () => {
    using t = testRecorder()
    t.recorder.apply(event('live', 'message', { role: 'user', content: 'first draft', message_id: 'm1' }))
    t.recorder.apply(event('live', 'message_delta', { message_id: 'm1', content: ' 幫我檢查一下' }))
    t.recorder.apply(event('live', 'message_update', { message_id: 'm1', content: 'final wording 幫我檢查一下' }))
    t.recorder.apply(event('live', 'session_update', { title: '数据库连接' }))
    expect(ids(t.db.sqlite, 'draft')).toEqual([])
    expect(ids(t.db.sqlite, 'final')).toEqual(['live'])
    expect(ids(t.db.sqlite, '檢查')).toEqual(['live'])
    expect(ids(t.db.sqlite, '连接')).toEqual(['live'])
    integrityCheck(t.db.sqlite)
  })
})

describe('migration 0012_search on a database written before it', () => {
  test('Latin search works at once; unspaced scripts are split by the next harvest', async () => {
    using dir = tempDir('chasm-search-migration-')
    const path = join(dir.path, 'old.db')
    const old = new Database(path, { create: true })
    const before = MIGRATIONS.filter((m) => m.tag < '0012_search')
    migrate(old, before)
    old.run("INSERT INTO sessions (pk, id, provider, origin, title, updated_at) VALUES (1, 'old', 'codex', 'harvest', '数据库问题', 5)")
    old.run("INSERT INTO messages (session_pk, idx, message_id, role, content) VALUES (1, 0, 'm0', 'user', 'widget 幫我檢查一下')")
    old.close()

    const db = openDatabase(path)
    try {
      expect(ids(db.sqlite, 'widget')).toEqual(['old'])
      expect(ids(db.sqlite, '檢查')).toEqual([])
      using home = tempHome({ '.fake': {} })
      await harvestHome(db, [fakeProvider], home.path)
      expect(ids(db.sqlite, '檢查')).toEqual(['old'])
      expect(ids(db.sqlite, '问题')).toEqual(['old'])
      expect(db.sqlite.query("SELECT count(*) AS n FROM meta WHERE key = 'search_text_backfill'").get()).toEqual({ n: 0 })
      integrityCheck(db.sqlite)
    } finally {
      db.close()
    }
  })

  test('a new database needs no backfill', () => {
    using dir = tempDir('chasm-search-migration-')
    const db = openDatabase(join(dir.path, 'new.db'))
    try {
      expect(db.sqlite.query("SELECT count(*) AS n FROM meta WHERE key = 'search_text_backfill'").get()).toEqual({ n: 0 })
    } finally {
      db.close()
    }
  })
})
