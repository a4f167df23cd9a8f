import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { createStage, getSession, replaceSession, sessionTitle, stageMessages } from '../../src/db'
import { MIGRATIONS } from '../../src/db/migrations'
import { promptTitle } from '../../src/shared/title'
import { openTestDb } from '../support/db'
import { sampleSession } from '../support/sessions'

const user = (content: string, hidden = false) => ({ role: 'user' as const, content, timestamp: null, model: null, hidden })
const assistant = (content: string) => ({ role: 'assistant' as const, content, timestamp: null, model: null })

describe('issue 15: one title rule', () => {
  test('a prompt gives its first non-blank line, whitespace collapsed, cut at 80 characters, never inside one', () => {
    expect(promptTitle('\n  \n  Fix   the\tlogin flow  \nand more')).toBe('Fix the login flow')
    expect(promptTitle(' \n\t')).toBeNull()
    expect(promptTitle('x'.repeat(80))).toBe('x'.repeat(80))
    expect(promptTitle('x'.repeat(81))).toBe(`${'x'.repeat(79)}…`)
    // 100 emoji (two UTF-16 units each): 79 whole ones and the ellipsis, no half of a surrogate pair.
    const cut = promptTitle('🙂'.repeat(100))!
    expect([[...cut].length, cut.isWellFormed(), cut.endsWith('🙂…')]).toEqual([80, true, true])
  })

  test('the explicit title wins, else the first user message with text; blank titles count as none', () => {
    expect(sessionTitle('Given', ['Asked'])).toBe('Given')
    expect(sessionTitle(null, ['  ', 'Asked\nthen more'])).toBe('Asked')
    expect(sessionTitle('   ', ['Asked'])).toBe('Asked')
    expect(sessionTitle(null, [])).toBeNull()
  })

  test('the writer applies it to harvested sessions: a provider title is kept whole (Copilot makes 200-character ones)', () => {
    using db = openTestDb()
    const copilotTitle = `Copilot: ${'long '.repeat(38)}`.trim()
    expect(copilotTitle.length).toBeGreaterThan(180)
    replaceSession(db.sqlite, sampleSession({ id: 'own', title: copilotTitle }))
    replaceSession(db.sqlite, sampleSession({ id: 'derived', title: null, messages: [assistant('Hello'), user('', false), user('Hidden ask', true), user('Refactor the parser\nplease')] }))
    replaceSession(db.sqlite, sampleSession({ id: 'none', title: null, messages: [assistant('Only me')] }))
    expect(['own', 'derived', 'none'].map((id) => getSession(db.sqlite, id).title)).toEqual([copilotTitle, 'Refactor the parser', null])
  })

  test('a staged (very large) session takes its title from its staged messages first', () => {
    using db = openTestDb()
    const stage = createStage(db.sqlite)
    stageMessages(db.sqlite, stage, [assistant('preamble'), user('Staged question')])
    replaceSession(db.sqlite, sampleSession({ id: 'big', title: null, messages: [user('Later question')] }), stage)
    expect(getSession(db.sqlite, 'big')).toMatchObject({ title: 'Staged question', messageCount: 3 })
  })
})

describe('issue 15: sessions stored before the rule get their titles on upgrade', () => {
  const backfill = MIGRATIONS.find((migration) => migration.tag.endsWith('_session_titles'))!

  /** Stores sessions as an older chasm did (no derived title), runs the migration, and returns the titles it gave. */
  function migrated(contents: string[][]): (string | null)[] {
    using db = openTestDb()
    contents.forEach((users, i) => replaceSession(db.sqlite, sampleSession({ id: `s${i}`, title: null, messages: users.map((text) => user(text)) })))
    db.sqlite.run('UPDATE sessions SET title = NULL')
    for (const statement of backfill.statements) db.sqlite.run(statement)
    return contents.map((_, i) => getSession(db.sqlite, `s${i}`).title)
  }

  test('the same titles as the rule, on tricky text', () => {
    const cases = [
      ['Fix the login flow'],
      ['', '  \t ', '\r\n\n   second\t\tmessage   wins  \nnot this'],
      ['x'.repeat(80)],
      [`${'word '.repeat(30)}`],
      ['🙂'.repeat(100)],
      ['認証フローを直す'.repeat(12)],
      ['a' + ' '.repeat(200) + 'b'],
      [],
    ]
    expect(migrated(cases)).toEqual(cases.map((users) => sessionTitle(null, users)))
  })

  test('the same titles as the rule, on random text (fast-check prints the seed of a failure)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', ' ', ' ', '\t', '\n', '\r', '\v', '\f', 'é', '日', '🙂'), { maxLength: 120 }).map((chars) => chars.join(''))
    fc.assert(
      fc.property(fc.array(fc.array(text, { maxLength: 3 }), { minLength: 1, maxLength: 8 }), (sessions) => {
        expect(migrated(sessions)).toEqual(sessions.map((users) => sessionTitle(null, users)))
      }),
      { numRuns: 40 },
    )
  })

  test('explicit titles and sessions without a user message are left as they are', () => {
    using db = openTestDb()
    replaceSession(db.sqlite, sampleSession({ id: 'named', title: 'Named' }))
    replaceSession(db.sqlite, sampleSession({ id: 'silent', title: null, messages: [assistant('Only me')] }))
    for (const statement of backfill.statements) db.sqlite.run(statement)
    expect([getSession(db.sqlite, 'named').title, getSession(db.sqlite, 'silent').title]).toEqual(['Named', null])
  })
})
