import { describe, expect, test } from 'bun:test'
import { createStage, getSession, replaceSession, sessionTitle, stageMessages } from '../../src/db'
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
