import { describe, expect, test } from 'bun:test'
import { browserAndServer, noBrowser, openPage } from './support/browser'
import { demoSessions } from './support/data'
import { serveSeeded } from './support/served'
import { record } from './support/world'

const TOKEN = 'correct-horse-battery-staple'

describe.skipIf(noBrowser !== null)('token mode: the app asks once, keeps the token for the tab, sends it on fetches and the socket', () => {
  const at = browserAndServer(() => serveSeeded(demoSessions(), ['--token', TOKEN]))

  test('a refused token is asked for again; the right one shows the data, survives a reload and streams live', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` }
    await record(at.server.url, { session_id: 'rec-t', event_type: 'session_start', data: { title: 'Recorded behind a token' } }, auth)
    const { context, page, trouble } = await openPage(at.browser)
    await page.goto(`${at.server.url}/sessions/rec-t`)
    const dialog = page.getByRole('dialog', { name: 'This server needs its token' })
    await dialog.waitFor()
    await dialog.getByLabel('Token').fill('wrong')
    await dialog.getByRole('button', { name: 'Continue' }).click()
    await dialog.getByText('That token was refused.').waitFor()
    await dialog.getByLabel('Token').fill(TOKEN)
    await dialog.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('heading', { level: 1, name: 'Recorded behind a token' }).waitFor()
    expect(await dialog.isVisible()).toBe(false)
    expect(await page.evaluate(() => sessionStorage.getItem('chasm-token'))).toBe(TOKEN)

    // The socket authenticates with ?token=: a recorded message arrives live.
    await page.getByText('live: new messages appear here').waitFor()
    await record(at.server.url, { session_id: 'rec-t', event_type: 'message', data: { message_id: 'late', role: 'user', content: 'One more question.' } }, auth)
    await page.getByText('One more question.').waitFor()

    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Recorded behind a token' }).waitFor()
    expect(await dialog.isVisible()).toBe(false)
    // The browser logs each refused request; nothing else went wrong.
    expect(trouble.consoleErrors.filter((line) => !line.includes('401'))).toEqual([])
    expect([trouble.dialogs, trouble.pageErrors]).toEqual([[], []])
    await context.close()

    // Another tab (a new browsing context) has to be told again.
    const other = await openPage(at.browser)
    await other.page.goto(`${at.server.url}/`)
    await other.page.getByRole('dialog', { name: 'This server needs its token' }).waitFor()
    await other.context.close()
  }, 60_000)
})
