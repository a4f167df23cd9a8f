import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { openDatabase } from '../../../../src/db'
import { copilotProvider } from '../../../../src/harvest/providers/copilot'
import { testApp } from '../../../support/app'
import { runChasm } from '../../../support/cli'
import { harvestHome } from '../../../support/harvest'
import { tempDir, tempHome } from '../../../support/temp'
import { versionsHome } from './support'

const GUEST_CHECKOUT = 'a1000000-0000-4000-8000-00000000000a'

describe('copilot: turn state and error on every surface', () => {
  test('the API returns state, error and hidden as first-class message fields', async () => {
    using home = tempHome(versionsHome())
    await using t = testApp()
    await harvestHome(t.db, [copilotProvider], home.path)
    const { status, body } = await t.json(`/api/sessions/${GUEST_CHECKOUT}`)
    expect(status).toBe(200)
    const byId = new Map<string, any>(body.data.messages.map((m: any) => [m.id, m]))
    expect(['response_a2', 'response_a3', 'response_a4'].map((id) => [byId.get(id).state, byId.get(id).error, byId.get(id).hidden])).toEqual([
      ['failed', 'Sorry, your request failed. Please try again. Request id: 5c1e', false],
      ['cancelled', 'Canceled', false],
      ['complete', null, true],
    ])
    expect(byId.get('response_a1').usage).toMatchObject({ inputTokens: 12840, outputTokens: 812 })
  })

  test('show session prints how a turn ended and leaves hidden turns out unless asked', async () => {
    using home = tempHome(versionsHome())
    using dir = tempDir()
    const dbPath = join(dir.path, 'chasm.db')
    const chasm = openDatabase(dbPath)
    await harvestHome(chasm, [copilotProvider], home.path)
    chasm.close()
    const shown = await runChasm(['show', 'session', GUEST_CHECKOUT, '--db', dbPath])
    expect(shown.code).toBe(0)
    // The export's Markdown, as the assistant shows the session: undone turns left out, and said so.
    expect(shown.stdout).toContain('(5 hidden turn(s) left out, as the assistant shows it: --include-hidden shows them)')
    expect(shown.stdout).toMatch(/### Assistant · [^\n]* · failed\n\n> \*\*Error:\*\* Sorry, your request failed\. Please try again\. Request id: 5c1e\n\nLet me check the\n/)
    expect(shown.stdout).toMatch(/### Assistant · [^\n]* · cancelled\n\n> \*\*Error:\*\* Canceled\n/)
    expect(shown.stdout).not.toContain('Deleted 4 test files.')
    const all = await runChasm(['show', 'session', GUEST_CHECKOUT, '--db', dbPath, '--include-hidden'])
    expect(all.stdout).toContain('Deleted 4 test files.')
    expect(all.stdout).toMatch(/### Assistant · [^\n]* · hidden by the provider\n/)
    expect(all.stdout).not.toContain('left out')
  })
})
