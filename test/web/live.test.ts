import { describe, expect, test } from 'bun:test'
import { browserAndServer, noBrowser, openPage } from './support/browser'
import { demoSessions } from './support/data'
import { serveSeeded } from './support/served'
import { record } from './support/world'

describe.skipIf(noBrowser !== null)('live: a recording appears and streams in without a reload', () => {
  const at = browserAndServer(() => serveSeeded(demoSessions()))

  test('/live lists a new recording; its page shows messages, deltas, tool calls and title changes as they are recorded', async () => {
    const { context, page, trouble } = await openPage(at.browser)
    await page.goto(`${at.server.url}/live`)
    await page.getByText('Nothing is being recorded right now').waitFor()

    await record(at.server.url, { session_id: 'rec-1', event_type: 'session_start', data: { provider: 'my-editor', title: 'Debugging the flaky upload' } })
    await record(at.server.url, { session_id: 'rec-1', event_type: 'message', data: { message_id: 'u1', role: 'user', content: 'The upload test fails one time in ten.' } })
    // The list refreshes by itself.
    await page.getByRole('link', { name: /Debugging the flaky upload/ }).click()
    await page.getByText('The upload test fails one time in ten.').waitFor()
    await page.getByText('live: new messages appear here').waitFor()
    // Anything that reloaded the page would lose this.
    await page.evaluate(() => Object.assign(window, { stayed: true }))

    await record(at.server.url, { session_id: 'rec-1', event_type: 'message', data: { message_id: 'a1', role: 'assistant', content: 'It races the', model: 'gpt-4o' } })
    await page.getByText('It races the').waitFor()
    await record(at.server.url, { session_id: 'rec-1', event_type: 'message_delta', data: { message_id: 'a1', content: ' **cleanup** timer.' } })
    await page.locator('[id="m-a1"] strong', { hasText: 'cleanup' }).waitFor()
    expect(await page.locator('[id="m-a1"] .model').textContent()).toBe('gpt-4o')

    await record(at.server.url, { session_id: 'rec-1', event_type: 'tool_call', data: { message_id: 'a1', call_id: 't1', name: 'run_tests', input: { filter: 'upload' } } })
    await page.locator('[id="m-a1"] .tool-name', { hasText: 'run_tests' }).waitFor()
    await record(at.server.url, { session_id: 'rec-1', event_type: 'tool_result', data: { call_id: 't1', output: '10 pass, 0 fail' } })
    await page.locator('[id="m-a1"] .tool .tag', { hasText: 'completed' }).waitFor()
    await page.locator('[id="m-a1"] .tool summary').click()
    await page.getByText('10 pass, 0 fail').waitFor()
    expect(await page.locator('[id="m-a1"] .tool-io').textContent()).toContain('"filter": "upload"')

    // A message without an id (the server names it) and a title change also arrive.
    await record(at.server.url, { session_id: 'rec-1', event_type: 'message', data: { role: 'user', content: 'Great, thanks.' } })
    await page.getByText('Great, thanks.').waitFor()
    await record(at.server.url, { session_id: 'rec-1', event_type: 'session_update', data: { title: 'Fixed the flaky upload' } })
    await page.getByRole('heading', { level: 1, name: 'Fixed the flaky upload' }).waitFor()

    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true)
    expect(await page.locator('article.message').count()).toBe(3)
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  }, 60_000)

  test('copy as Markdown puts the whole conversation on the clipboard', async () => {
    const { context, page } = await openPage(at.browser)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: at.server.url })
    await page.goto(`${at.server.url}/sessions/demo-auth`)
    await page.getByRole('button', { name: 'Copy as Markdown' }).click()
    await page.getByText('Copied').waitFor()
    const text = await page.evaluate(() => navigator.clipboard.readText())
    expect(text).toStartWith('# Fix the token refresh race in the auth middleware\n')
    expect(text).toContain('## assistant (claude-sonnet-4-5, 2026-01-08T10:01:00.000Z)')
    expect(text).toContain('```ts\nlet pending: Promise<Token> | null = null')
    expect(text).toContain('**Tool Edit** (completed)')
    await context.close()
  })
})
