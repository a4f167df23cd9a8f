import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { workspaceIdFor, type Message } from '../../../../src/db'
import { copilotProvider } from '../../../../src/harvest/providers/copilot'
import { indexTitles, INDEX_KEY } from '../../../../src/harvest/providers/copilot/state-db'
import { openTestDb } from '../../../support/db'
import { dumpDb, harvestHome } from '../../../support/harvest'
import { tempHome } from '../../../support/temp'
import { providerContract } from '../../provider-contract'
import { VERSIONS_STORAGE, versionsHome } from './support'

// The sessions of the versions home: today's `.json` (A, F) and `.jsonl` log (B), 1.10x (C),
// 1.9x (D), legacy `interactive.sessions` v1/v2 (LEG1, LEG2), an empty window's chat (E).
const ID = {
  A: 'a1000000-0000-4000-8000-00000000000a',
  B: 'b2000000-0000-4000-8000-00000000000b',
  C: 'c3000000-0000-4000-8000-00000000000c',
  D: 'd4000000-0000-4000-8000-00000000000d',
  E: 'e5000000-0000-4000-8000-00000000000e',
  F: 'f6000000-0000-4000-8000-00000000000f',
  LEG1: '00000001-0000-4000-8000-000000000001',
  LEG2: '00000002-0000-4000-8000-000000000002',
}
const SHOP = '/home/dev/projects/shop'

providerContract(copilotProvider, { fixture: versionsHome() })

async function harvested() {
  using home = tempHome(versionsHome())
  using db = openTestDb()
  const summary = await harvestHome(db, [copilotProvider], home.path)
  return { summary: summary.providers[0], sessions: new Map(dumpDb(db).sessions.map((session) => [session.id, session])) }
}

const { summary, sessions } = await harvested()
const session = (id: string) => sessions.get(id)!
const message = (sessionId: string, id: string): Message => session(sessionId).messages.find((m) => m.id === id)!
const pick = (m: Message) => ({ role: m.role, content: m.content, state: m.state, error: m.error, hidden: m.hidden })

test('every generation is harvested without a problem', () => {
  expect(summary).toMatchObject({ sources: 7, harvested: 7, sessions: 8, problems: [] })
})

describe('copilot: hidden turns are kept, marked hidden', () => {
  test('undone, system and request-only hidden turns of today’s .json', () => {
    expect(session(ID.A).messages.map((m) => [m.id, m.hidden, m.metadata?.hiddenReason ?? null])).toEqual([
      ['request_a1', false, null],
      ['response_a1', false, null],
      ['request_a2', false, null],
      ['response_a2', false, null],
      ['request_a3', false, null],
      ['response_a3', false, null],
      ['request_a4', true, 'undone'],
      ['response_a4', true, 'undone'],
      ['request_a5', true, 'hidden-from-transcript'],
      ['response_a5', true, 'hidden-from-transcript'],
      ['request_a6', true, 'hidden-from-transcript'],
      ['response_a6', false, null],
      ['request_a7', false, null],
      ['response_a7', false, null],
    ])
    expect(message(ID.A, 'request_a5').metadata?.systemInitiated).toBe('Summarized conversation')
    // Hidden messages are stored and counted: the session lists every message it keeps.
    expect(session(ID.A).messageCount).toBe(14)
  })

  test('an undo part-way keeps the response up to the undo stop; the undone part moves to metadata', () => {
    const response = message(ID.B, 'response_b1')
    expect(pick(response)).toEqual({ role: 'assistant', content: "I'll update two files.", state: 'complete', error: null, hidden: false })
    expect(response.metadata).toMatchObject({
      editedFiles: [`${SHOP}/src/cart.ts`],
      undone: { content: 'Updated `cart.ts`. Now checkout:\n\n```ts\n```\n\nUpdated `checkout.ts`.', editedFiles: [`${SHOP}/src/checkout.ts`] },
    })
  })

  test('the old isHidden flag hides a 1.9x turn', () => {
    expect(session(ID.D).messages.map((m) => [m.content, m.hidden])).toEqual([
      ['explain #file:utils.py briefly', false],
      ['It parses prices in utils.py and rounds them to cents.', false],
      ['never mind', true],
      ['OK.', true],
    ])
  })
})

describe('copilot: how each turn ended', () => {
  test('failed, stopped, cancelled while a tool waited, and pending at exit', () => {
    expect(pick(message(ID.A, 'response_a2'))).toEqual({
      role: 'assistant', content: 'Let me check the', state: 'failed', error: 'Sorry, your request failed. Please try again. Request id: 5c1e', hidden: false,
    })
    expect(pick(message(ID.A, 'response_a3'))).toEqual({ role: 'assistant', content: 'Rewriting `checkout.ts`', state: 'cancelled', error: 'Canceled', hidden: false })
    expect(message(ID.A, 'response_a3').metadata?.errorCode).toBe('canceled')
    expect(message(ID.A, 'response_a7').state).toBe('cancelled')
    // VS Code quit while this answer streamed: it restores it as cancelled, with no completion time.
    expect(message(ID.B, 'request_b2:response')).toMatchObject({ content: 'Adding the entry to `CHANGELOG.md`', state: 'cancelled', timestamp: message(ID.B, 'request_b2').timestamp })
  })

  test('v1 responseErrorDetails and the 1.10x isCanceled flag', () => {
    expect(session(ID.LEG1).messages.map(pick)).toEqual([
      { role: 'user', content: 'what does git rebase -i do?', state: 'complete', error: null, hidden: false },
      { role: 'assistant', content: 'It lets you reorder, squash and edit commits.', state: 'complete', error: null, hidden: false },
      { role: 'user', content: 'and git reflog?', state: 'complete', error: null, hidden: false },
      {
        role: 'assistant', content: '', state: 'failed', error: "Oops, your response got filtered. Vote down if you think this shouldn't have happened.", hidden: false,
      },
    ])
    expect(pick(message(ID.C, 'response_c2'))).toEqual({ role: 'assistant', content: 'Starting with `cart.ts`', state: 'cancelled', error: null, hidden: false })
  })
})

describe('copilot: tools', () => {
  test('the terminal command that ran is the user’s edit, over the tool’s rewrite and the original', () => {
    expect(message(ID.A, 'response_a1').toolInvocations).toEqual([
      { id: 'call_a1', name: 'run_in_terminal', input: { command: 'npm test -- --run cart', language: 'sh' }, output: 'PASS src/cart.test.ts\nFAIL src/checkout.test.ts', status: 'error' },
    ])
  })

  test('string output (≤ 1.100) and untyped output items (1.10x) are kept; binary items are not', () => {
    expect(message(ID.C, 'response_c1').toolInvocations).toEqual([
      {
        id: 'call_c1', name: 'copilot_findTextInFiles', input: { query: 'TODO', isRegexp: false },
        output: 'src/cart.ts:3: TODO guests\nsrc/checkout.ts:9: TODO tax', status: 'completed',
      },
      { id: 'call_c2', name: 'mcp_github_get_issue', input: { number: 7 }, output: '#7 Guests cannot check out', status: 'completed' },
    ])
  })

  test('a tool never confirmed did not run', () => {
    expect(message(ID.A, 'response_a7').toolInvocations.map((t) => [t.name, t.status])).toEqual([['copilot_createFile', 'not-run']])
  })

  test('editedFileEvents are the user’s decisions on earlier edits, recorded with the next request', () => {
    expect(message(ID.A, 'request_a2').metadata?.fileDecisions).toEqual([
      { path: `${SHOP}/src/cart.ts`, action: 'kept' },
      { path: `${SHOP}/src/guestCart.ts`, action: 'undone' },
      { path: `${SHOP}/package.json`, action: 'modified' },
    ])
    expect(message(ID.A, 'response_a2').metadata?.editedFiles).toBeUndefined()
  })
})

describe('copilot: titles', () => {
  test('the index title wins (renamed in the history list); a placeholder index title does not', () => {
    expect([ID.A, ID.B, ID.E, ID.F, ID.C, ID.LEG2].map((id) => session(id).title)).toEqual([
      'Guest checkout',
      'Cart and checkout fixes',
      'Monads, explained',
      'hello there',
      'find the TODOs in src',
      'Dockerfile for the shop',
    ])
  })

  test('a rename that changes only the index re-reads the session on the next harvest', async () => {
    using home = tempHome(versionsHome())
    using db = openTestDb()
    await harvestHome(db, [copilotProvider], home.path)
    const writer = new Database(join(home.path, VERSIONS_STORAGE, 'state.vscdb'))
    const row = writer.query<{ value: string }, [string]>('SELECT value FROM ItemTable WHERE key = ?').get(INDEX_KEY)!
    const index = JSON.parse(row.value)
    index.entries[ID.B].title = 'Cart, checkout and changelog'
    writer.run('INSERT INTO ItemTable (key, value) VALUES (?, ?)', [INDEX_KEY, JSON.stringify(index)])
    writer.close()
    const second = await harvestHome(db, [copilotProvider], home.path)
    expect(second.providers[0]).toMatchObject({ harvested: 1, skipped: 6 })
    expect(dumpDb(db).sessions.find((s) => s.id === ID.B)?.title).toBe('Cart, checkout and changelog')
  })

  test('an index VS Code would reject gives no titles', () => {
    const entry = { sessionId: 's', title: 'Renamed', lastMessageDate: 1 }
    expect(indexTitles(JSON.stringify({ version: 1, entries: { s: entry } }))).toEqual(new Map([['s', 'Renamed']]))
    expect(indexTitles(JSON.stringify({ version: 1, entries: { s: entry, t: { sessionId: 't', title: 7, lastMessageDate: 1 } } }))).toEqual(new Map())
    expect(indexTitles(JSON.stringify({ version: 2, entries: { s: entry } }))).toEqual(new Map())
    expect(indexTitles('{not json')).toEqual(new Map())
  })
})

describe('copilot: older data', () => {
  test('plain-string response items are markdown; a request without a time is dated by the session', () => {
    const [request, response] = session(ID.D).messages
    expect(response!.content).toBe('It parses prices in utils.py and rounds them to cents.')
    expect(request!.timestamp).toBe(session(ID.D).created)
    expect(session(ID.LEG1).messages.map((m) => m.timestamp)).toEqual(Array(4).fill(session(ID.LEG1).created))
  })
})

describe('copilot: what else a reader of the conversation sees', () => {
  test('attachments with their files and lines, and the chat mode', () => {
    expect(message(ID.A, 'request_a1').metadata).toEqual({
      attachments: [
        { kind: 'file', name: 'cart.ts', path: `${SHOP}/src/cart.ts` },
        { kind: 'implicit', name: 'file:checkout.ts', path: `${SHOP}/src/checkout.ts`, lines: '10-24' },
        { kind: 'symbol', name: 'applyDiscount', path: `${SHOP}/src/cart.ts`, lines: '42' },
        { kind: 'image', name: 'screenshot.png' },
        { kind: 'tool', name: 'fetch' },
      ],
      mode: 'agent',
    })
    expect(message(ID.A, 'request_a7').metadata?.mode).toBe('Reviewer')
    expect(message(ID.D, 'msg-0').metadata?.attachments).toEqual([{ kind: 'file', name: 'file:utils.py', path: `${SHOP}/utils.py` }])
  })

  test('participant, slash command, votes, token usage and files changed by any kind of edit', () => {
    const answer = message(ID.A, 'response_a1')
    expect(answer.usage).toEqual({ inputTokens: 12840, outputTokens: 812, cacheReadTokens: null, cacheWrite5mTokens: null, cacheWrite1hTokens: null })
    expect(answer.metadata).toEqual({
      participant: 'GitHub Copilot',
      agentId: 'github.copilot.editsAgent',
      thinking: 'Guests have no cart id.',
      editedFiles: [`${SHOP}/src/cart.ts`, `${SHOP}/src/guestCart.ts`, `${SHOP}/package.json`],
      vote: 'up',
    })
    expect(message(ID.A, 'response_a7').metadata).toEqual({
      participant: 'Workspace', agentId: 'github.copilot.workspace', command: 'tests', vote: 'down', voteDownReason: 'incomplete',
    })
    expect(message(ID.E, 'response_e1').usage).toMatchObject({ inputTokens: 950, outputTokens: 42 })
  })

  test('warnings, confirmations and command buttons read as their own paragraphs; inline references name their lines', () => {
    expect(message(ID.A, 'response_a1').content).toBe(
      'The guest path skips cart.ts:42-48 so the discount is applied to a missing cart.\n\nThe test suite has 1 failing test.\n\nFixed: guests now get a cart before discounts apply.',
    )
    expect(message(ID.A, 'response_a7').content).toBe(
      "I'll write the tests.\n\nContinue to iterate?\nCopilot has been working on this problem for a while.\n\nPick another model",
    )
  })

  test('an empty window’s chat belongs to the no-folder workspace; its hand-over copy is not a second session', () => {
    expect(session(ID.E).workspaceId).toBe(workspaceIdFor('copilot', '(no folder)'))
    expect([...sessions.keys()].sort()).toEqual(Object.values(ID).sort())
  })
})
