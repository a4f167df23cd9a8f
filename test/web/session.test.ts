import { describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { browserAndServer, noBrowser, openPage } from '../support/browser'
import { DEMO_SECRET } from './support/data'
import { populatedServer } from './support/world'

/** The message boxes drawn so far, by id. */
const drawnIds = (page: Page) => page.locator('article.message').evaluateAll((boxes) => boxes.map((box) => box.id.replace(/^m-/, '')))

describe.skipIf(noBrowser !== null)('a session shows every message field: state and error, hidden turns, usage, metadata', () => {
  const at = browserAndServer(populatedServer)

  test('a Copilot conversation: failed and cancelled turns, attachments, mode, participant, command, tokens; undone turns only on request', async () => {
    const { context, page, trouble } = await openPage(at.browser, { locale: 'en-US' })
    await page.goto(`${at.server.app.url}/sessions/demo-copilot`)
    await page.locator('[id="m-c8"]').waitFor()
    // VS Code leaves undone turns out; so does the page, and says how many there are.
    expect(await drawnIds(page)).toEqual(['c1', 'c2', 'c5', 'c6', 'c7', 'c8'])
    expect(await page.locator('.session-meta').textContent()).toContain('6 messages')
    const toggle = page.getByRole('button', { name: '2 hidden turns — show' })
    expect(await toggle.getAttribute('aria-pressed')).toBe('false')

    const c1 = page.locator('[id="m-c1"]')
    expect(await c1.locator('.message-head').textContent()).toContain('agent mode')
    expect(await c1.getByRole('list', { name: 'Attachments' }).locator('li').allTextContents()).toEqual([
      'CheckoutForm.tsx/home/dev/storefront/src/CheckoutForm.tsx',
      'selection/home/dev/storefront/src/CheckoutForm.tsx:12-30',
    ])
    const c2 = page.locator('[id="m-c2"] .message-head')
    expect(await c2.locator('.tag', { hasText: 'GitHub Copilot' }).count()).toBe(1)
    expect(await c2.locator('.usage').textContent()).toBe('2,410 in · 380 out')

    const failed = page.locator('[id="m-c6"]')
    expect(await failed.getAttribute('class')).toContain('failed')
    expect(await failed.locator('.message-head .state').textContent()).toBe('failed')
    expect(await failed.locator('.command').textContent()).toBe('/tests')
    expect(await failed.locator('.note.error').textContent()).toBe('Failed: Sorry, your request failed. Please try again. Reason: rate limited.')
    expect(await page.locator('[id="m-c8"] .message-head .state').textContent()).toBe('cancelled')

    await toggle.click()
    await page.locator('[id="m-c3"]').waitFor()
    expect(await drawnIds(page)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'])
    for (const id of ['c3', 'c4']) {
      const box = page.locator(`[id="m-${id}"]`)
      expect(await box.getAttribute('class')).toContain('hidden-turn')
      expect(await box.locator('.message-head').textContent()).toContain('hidden by the assistant (undone)')
    }
    await page.getByRole('button', { name: '2 hidden turns — hide', pressed: true }).click()
    await page.locator('[id="m-c3"]').waitFor({ state: 'detached' })
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  })

  test('a link to a hidden turn shows the hidden turns and goes to it', async () => {
    const { context, page } = await openPage(at.browser)
    await page.goto(`${at.server.app.url}/sessions/demo-copilot#m-c4`)
    await page.locator('[id="m-c4"].anchored').waitFor()
    expect(await page.getByRole('button', { name: '2 hidden turns — hide' }).getAttribute('aria-pressed')).toBe('true')
    await context.close()
  })

  test("a swarm run's conversation says which agent wrote each message", async () => {
    const { context, page, trouble } = await openPage(at.browser)
    const runs = (await (await fetch(`${at.server.app.url}/api/v1/swarms/${at.server.swarmId}/runs`)).json()) as { data: { sessionId: string }[] }
    const session = (await (await fetch(`${at.server.app.url}/api/sessions/${runs.data[0]!.sessionId}`)).json()) as {
      data: { messages: { id: string; role: string; metadata: { agent?: string; to?: string } | null }[] }
    }
    const written = session.data.messages.filter((m) => m.metadata?.agent)
    expect(new Set(written.map((m) => m.metadata!.agent))).toEqual(new Set(['lead', 'dev']))
    await page.goto(`${at.server.app.url}/sessions/${encodeURIComponent(runs.data[0]!.sessionId)}`)
    for (const message of written) {
      const box = page.locator(`[id="m-${message.id}"]`)
      await box.waitFor()
      const by = message.metadata!.to ? `${message.metadata!.agent} → ${message.metadata!.to}` : message.metadata!.agent
      expect({ id: message.id, agent: await box.locator('.agent').textContent() }).toEqual({ id: message.id, agent: by! })
    }
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  })

  test('"Copy as Markdown" copies the export\'s Markdown of what is shown, secrets redacted; "Copy with secrets" copies them too', async () => {
    const { context, page, trouble } = await openPage(at.browser)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: at.server.app.url })
    const exported = (redact: boolean, includeHidden = false) =>
      fetch(`${at.server.app.url}/api/sessions/demo-copilot/export?format=md&redact=${redact}&includeHidden=${includeHidden}`).then((r) => r.text())
    await page.goto(`${at.server.app.url}/sessions/demo-copilot`)
    await page.getByRole('button', { name: 'Copy as Markdown' }).click()
    await page.getByText('Copied with secrets replaced by').waitFor()
    const redacted = await page.evaluate(() => navigator.clipboard.readText())
    expect(redacted).toBe(await exported(true))
    expect(redacted).toContain('[REDACTED:anthropic-api-key]')
    expect(redacted).not.toContain(DEMO_SECRET)

    // The clipboard takes the text when its fetch ends: wait until it holds exactly the export.
    const clipboardHolds = (text: string) => page.waitForFunction((expected) => navigator.clipboard.readText().then((now) => now === expected), text)
    const withSecrets = await exported(false)
    expect(withSecrets).toContain(DEMO_SECRET)
    await page.getByRole('button', { name: 'Copy with secrets' }).click()
    await clipboardHolds(withSecrets)
    // What is copied is what is shown: the hidden turns only once they are shown.
    expect(withSecrets).not.toContain('Renamed 14 fields')
    const shownWithHidden = await exported(true, true)
    expect(shownWithHidden).toContain('Renamed 14 fields')
    await page.getByRole('button', { name: '2 hidden turns — show' }).click()
    await page.getByRole('button', { name: 'Copy as Markdown' }).click()
    await page.getByText('Copied with secrets replaced by').waitFor()
    await clipboardHolds(shownWithHidden)

    // A session without secrets is copied as it is, with nothing more to offer.
    await page.goto(`${at.server.app.url}/sessions/demo-auth`)
    await page.getByRole('button', { name: 'Copy as Markdown' }).click()
    await page.getByText('Copied', { exact: true }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await fetch(`${at.server.app.url}/api/sessions/demo-auth/export?format=md&includeHidden=false`).then((r) => r.text()))
    expect(await page.getByRole('button', { name: 'Copy with secrets' }).count()).toBe(0)
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  })
})
