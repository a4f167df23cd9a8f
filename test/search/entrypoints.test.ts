import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { openDatabase, replaceSession } from '../../src/db'
import { searchSessions } from '../../src/search'
import { ChasmError } from '../../src/shared/errors'
import { testApp } from '../support/app'
import { runChasm } from '../support/cli'
import { openTestDb } from '../support/db'
import { tempDir } from '../support/temp'
import { session } from './support'

const DAY = 86_400_000
const T0 = 1_767_000_000_000

/** Three sessions: the most relevant one is the oldest. */
function seed(sqlite: Parameters<typeof replaceSession>[0]) {
  replaceSession(sqlite, session('best', 'codex', 'migration plan', ['migration migration migration'], T0))
  replaceSession(sqlite, session('newer', 'codex', null, ['a long message that mentions a migration once among many other words'], T0 + DAY))
  replaceSession(sqlite, session('newest', 'cursor', null, ['one more migration note with several extra words in it'], T0 + 2 * DAY))
}

describe('sort on GET /api/sessions/search', () => {
  test('relevance by default, recent on request, filters still apply', async () => {
    using t = testApp()
    seed(t.db.sqlite)
    const ids = async (query: string) => (await t.json(`/api/sessions/search?q=migration${query}`)).body.data.map((r: { sessionId: string }) => r.sessionId)
    expect(await ids('')).toEqual(['best', 'newest', 'newer'])
    expect(await ids('&sort=relevance')).toEqual(['best', 'newest', 'newer'])
    expect(await ids('&sort=recent')).toEqual(['newest', 'newer', 'best'])
    expect(await ids('&sort=recent&provider=codex&limit=1')).toEqual(['newer'])
  })

  test.each([
    ['sort=bogus', `Invalid query parameter 'sort': must be one of "relevance", "recent" (got "bogus")`],
    ['sort=', `Invalid query parameter 'sort': must be one of "relevance", "recent" (got "")`],
  ])('%s → 400 naming the parameter', async (query, message) => {
    using t = testApp()
    expect(await t.json(`/api/sessions/search?q=x&${query}`)).toMatchObject({ status: 400, body: { success: false, error: { code: 'BAD_REQUEST', message } } })
  })
})

describe('chasm search --sort', () => {
  test('recent and relevance, and a bad value is a usage error', async () => {
    using dir = tempDir('chasm-search-cli-')
    const path = join(dir.path, 'chasm.db')
    const db = openDatabase(path)
    seed(db.sqlite)
    db.close()
    const ids = async (...args: string[]) =>
      JSON.parse((await runChasm(['search', 'migration', '--db', path, '--json', ...args])).stdout).data.map((r: { sessionId: string }) => r.sessionId)
    expect(await ids()).toEqual(['best', 'newest', 'newer'])
    expect(await ids('--sort', 'recent')).toEqual(['newest', 'newer', 'best'])
    const bad = await runChasm(['search', 'migration', '--db', path, '--sort', 'oldest'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--sort')
  })
})

describe('bounded work', () => {
  test('a query that would read more of the index than its budget is refused, naming q', () => {
    using db = openTestDb()
    replaceSession(db.sqlite, session('s', 'codex', null, ['alpha beta gamma', 'alphabet']))
    expect(() => searchSessions(db.sqlite, 'al*', { limit: 5, readBudget: 10 })).toThrow(
      new ChasmError('BAD_REQUEST', "Invalid query parameter 'q': its words are found in so much of the index that ranking them would take too long; add a rarer word"),
    )
    expect(searchSessions(db.sqlite, 'al*', { limit: 5 }).map((r) => r.sessionId)).toEqual(['s'])
  })

  test('32 repeated prefix words are one phrase', () => {
    using db = openTestDb()
    replaceSession(db.sqlite, session('s', 'codex', null, ['a apple', 'ab']))
    expect(searchSessions(db.sqlite, Array(32).fill('a*').join(' '), { limit: 5 }).map((r) => r.sessionId)).toEqual(['s'])
    expect(searchSessions(db.sqlite, Array(32).fill('ap*').join(' '), { limit: 5 }).map((r) => r.sessionId)).toEqual(['s'])
  })
})
