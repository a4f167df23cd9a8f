import { describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { browserAndServer, noBrowser, openPage } from './support/browser'
import { demoSessions } from './support/data'
import { serveSeeded } from './support/served'

/** Waits until the focused element sits in list item `index` (keys move focus within a frame). */
const focusReaches = (page: Page, tag: string, index: number) =>
  page.waitForFunction(
    ([tag, index]) => document.activeElement?.tagName === tag && document.activeElement.closest('[data-index]')?.getAttribute('data-index') === String(index),
    [tag, index] as const,
  )

const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null
    return { tag: element?.tagName ?? null, id: element?.id ?? null, href: element?.getAttribute('href') ?? null, index: element?.closest('[data-index]')?.getAttribute('data-index') ?? null }
  })

describe.skipIf(noBrowser !== null)('keyboard: / to search, ↓/↑ and Enter in the box, j/k and Enter elsewhere', () => {
  const at = browserAndServer(() => serveSeeded(demoSessions()))

  test('/ focuses the search box; typing shows results; ↓/↑ choose; Enter opens the session at the matching message', async () => {
    const { context, page, trouble } = await openPage(at.browser)
    await page.goto(`${at.server.url}/`)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await page.keyboard.press('/')
    expect(await focused(page)).toMatchObject({ tag: 'INPUT', id: 'search-input' })
    await page.keyboard.type('the')
    const results = page.locator('#search-results > li')
    await results.nth(1).waitFor()
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/search?q=the')
    expect(await results.nth(0).getAttribute('aria-current')).toBe('true')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowUp')
    expect(await results.nth(1).getAttribute('aria-current')).toBe('true')
    expect(await focused(page)).toMatchObject({ id: 'search-input' })
    const target = (await results.nth(1).locator('a[data-nav]').getAttribute('href'))!
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname + url.hash === target)
    const anchor = decodeURIComponent(target.split('#')[1]!)
    const message = page.locator(`[id="${anchor}"]`)
    await message.and(page.locator('.anchored')).waitFor()
    expect(await message.isVisible()).toBe(true)
    expect(await focused(page)).toMatchObject({ tag: 'ARTICLE', id: anchor })
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  })

  test('in a list, j/k move through the rows and Enter opens the selected one; in a session they move through messages', async () => {
    const { context, page } = await openPage(at.browser)
    await page.goto(`${at.server.url}/sessions`)
    const rows = page.locator('.virtual [data-index] a[data-nav]')
    await rows.nth(3).waitFor()
    await page.keyboard.press('j')
    await focusReaches(page, 'A', 0)
    await page.keyboard.press('j')
    await page.keyboard.press('j')
    await page.keyboard.press('k')
    await focusReaches(page, 'A', 1)
    const second = (await rows.nth(1).getAttribute('href'))!
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === second)
    await page.locator('article.message').first().waitFor()
    await page.keyboard.press('j')
    await page.keyboard.press('j')
    await focusReaches(page, 'ARTICLE', 1)
    await page.keyboard.press('k')
    await focusReaches(page, 'ARTICLE', 0)
    await context.close()
  })

  test('on the search page, j/k move through the results once focus left the box, and Enter opens', async () => {
    const { context, page } = await openPage(at.browser)
    await page.goto(`${at.server.url}/search?q=the`)
    const results = page.locator('#search-results > li')
    await results.nth(1).waitFor()
    await page.locator('h1').click()
    await page.keyboard.press('j')
    expect(await results.nth(0).locator('a[data-nav]').evaluate((a) => a === document.activeElement)).toBe(true)
    await page.keyboard.press('j')
    await page.keyboard.press('j')
    await page.keyboard.press('k')
    expect(await results.nth(1).getAttribute('aria-current')).toBe('true')
    const target = (await results.nth(1).locator('a[data-nav]').getAttribute('href'))!
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname + url.hash === target)
    await context.close()
  })

  test('Tab reaches the skip link first, and focus is visible', async () => {
    const { context, page } = await openPage(at.browser)
    await page.goto(`${at.server.url}/sessions`)
    await page.getByRole('heading', { name: 'Sessions' }).waitFor()
    await page.keyboard.press('Tab')
    expect(await focused(page)).toMatchObject({ tag: 'A', href: '#main' })
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none')
    await page.keyboard.press('Enter')
    expect(await focused(page)).toMatchObject({ tag: 'MAIN' })
    await context.close()
  })
})
