import { describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import type { SessionInput } from '../../src/db'
import { browserAndServer, noBrowser, openPage } from '../support/browser'
import { serveSeeded } from './support/served'

const DAY = 86_400_000

/** A one-message session updated at `updated`, its message half a day before. */
const session = (id: string, title: string, updated: string, text: string): SessionInput => ({
  id,
  provider: 'claude-code',
  origin: 'harvest',
  title,
  model: null,
  created: Date.parse(updated) - DAY,
  updated: Date.parse(updated),
  workspace: null,
  messages: [{ id: `${id}-1`, role: 'user', content: text, timestamp: Date.parse(updated) - DAY / 2, model: null }],
})

// The best match is the oldest and the weakest the newest, so the two orders are each other's reverse.
const SESSIONS = [
  session('best-old', 'Websocket storms after deploys', '2025-03-01T09:00:00Z', 'Every client tries to reconnect at once: reconnect, reconnect, reconnect.'),
  session('middle', 'Client backoff', '2025-08-01T09:00:00Z', 'Should the client reconnect twice? Reconnect with a jittered backoff.'),
  session(
    'weak-new',
    'Billing export release notes',
    '2026-01-05T09:00:00Z',
    'Release notes for the billing export: the CSV columns, the retry queue, the new invoice layout, the tax rounding fix, and the dashboard client may reconnect after an upgrade.',
  ),
  session('unrelated', 'Speed up the CSV import', '2026-01-06T09:00:00Z', 'Stream the rows instead of loading the whole file.'),
]
const BEST_FIRST = ['Websocket storms after deploys', 'Client backoff', 'Billing export release notes']
const NEWEST_FIRST = BEST_FIRST.toReversed()

/** Waits until the results are exactly `titles`, in that order. */
const resultsAre = (page: Page, titles: string[]) =>
  page.waitForFunction(
    (want) => [...document.querySelectorAll('#search-results > li .item-title')].map((title) => title.textContent).join('\n') === want.join('\n'),
    titles,
  )

describe.skipIf(noBrowser !== null)('search: best match or most recent first', () => {
  const at = browserAndServer(() => serveSeeded(SESSIONS))

  test('the order is chosen with the keyboard, kept in the address through typing and a reload, and is the API\'s', async () => {
    const api = async (sort: string) =>
      ((await (await fetch(`${at.server.url}/api/sessions/search?q=reconnect&sort=${sort}`)).json()) as { data: { title: string }[] }).data.map((r) => r.title)
    expect({ relevance: await api('relevance'), recent: await api('recent') }).toEqual({ relevance: BEST_FIRST, recent: NEWEST_FIRST })

    const { context, page, trouble } = await openPage(at.browser)
    await page.goto(`${at.server.url}/search?q=reconnect`)
    await resultsAre(page, BEST_FIRST)
    const order = page.getByRole('combobox', { name: 'Order' })
    expect(await order.inputValue()).toBe('relevance')
    expect(await order.locator('option').allTextContents()).toEqual(['Best match', 'Most recent'])

    await order.focus()
    await page.keyboard.press('ArrowDown')
    await page.waitForURL((url) => url.search === '?q=reconnect&sort=recent')
    await resultsAre(page, NEWEST_FIRST)

    await page.reload()
    await resultsAre(page, NEWEST_FIRST)
    expect(await order.inputValue()).toBe('recent')

    // Typing a new query keeps the order.
    await page.keyboard.press('/')
    await page.keyboard.press('End')
    await page.keyboard.type(' client')
    await page.waitForURL((url) => url.search === '?q=reconnect%20client&sort=recent')
    await resultsAre(page, NEWEST_FIRST)

    await order.focus()
    await page.keyboard.press('ArrowUp')
    await page.waitForURL((url) => url.search === '?q=reconnect%20client')
    await resultsAre(page, BEST_FIRST)
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  })

  test('an order the address does not know is the default', async () => {
    const { context, page, trouble } = await openPage(at.browser)
    await page.goto(`${at.server.url}/search?q=reconnect&sort=oldest`)
    await resultsAre(page, BEST_FIRST)
    expect(await page.getByRole('combobox', { name: 'Order' }).inputValue()).toBe('relevance')
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  })
})
