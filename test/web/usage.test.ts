import { describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import type { UsageRow } from '../../src/db'
import { browserAndServer, noBrowser, openPage } from '../support/browser'
import { serveHarvestedFixtures } from './support/served'

// The page's own formats (src/web/render/format.ts) in the locale the test's browser runs in.
const count = new Intl.NumberFormat('en-US')
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 4 })
const cost = (row: Pick<UsageRow, 'costUsd' | 'unpricedModels'>) =>
  row.costUsd === null ? `unknown (no price for ${row.unpricedModels.map((m) => m || '(no model recorded)').join(', ')})` : money.format(row.costUsd)

/** A table row as the page should show a row of `/api/usage`. */
const shown = (row: UsageRow, name: string) => [
  name,
  ...[row.sessions, row.messages, row.inputTokens, row.outputTokens, row.cacheReadTokens, row.cacheWriteTokens].map((n) => count.format(n)),
  cost(row),
]

/** The cells of the page's table captioned `caption`, row by row. */
const tableCells = (page: Page, caption: string) =>
  page
    .getByRole('table')
    .filter({ has: page.getByText(caption, { exact: true }) })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent)))

describe.skipIf(noBrowser !== null)('usage: the page shows exactly what /api/usage reports, from a real harvest', () => {
  // Every assistant's fixture home, harvested by the binary: real-shaped token usage, priced and unpriced models.
  const at = browserAndServer(() => serveHarvestedFixtures())
  const usage = async (query: string): Promise<UsageRow[]> => ((await (await fetch(`${at.server.url}/api/usage?${query}`)).json()) as { data: UsageRow[] }).data

  test('tables by model and by provider, totals, one chart series per provider, unknown cost named', async () => {
    const [models, providers, days] = await Promise.all([usage('groupBy=model&limit=10000'), usage('groupBy=provider&limit=10000'), usage('groupBy=day&limit=10000')])
    // The fixtures hold what the page must handle: several providers, priced and unpriced models.
    expect(providers.length).toBeGreaterThan(3)
    expect(models.some((row) => row.costUsd === null)).toBe(true)
    expect(models.some((row) => row.costUsd !== null)).toBe(true)

    const { context, page, trouble } = await openPage(at.browser, { locale: 'en-US' })
    // The fixtures are older than the default 30 days: the page says so and offers all time.
    await page.goto(`${at.server.url}/usage`)
    await page.getByText('No usage recorded in this period (last 30 days).').waitFor()
    await page.getByRole('link', { name: 'Show all time' }).click()
    await page.getByRole('table').filter({ has: page.getByText('By model', { exact: true }) }).waitFor()
    expect(new URL(page.url()).search).toBe('?period=all')
    expect(await page.getByRole('combobox', { name: 'Period' }).inputValue()).toBe('all')

    expect(await tableCells(page, 'By model')).toEqual(models.map((row) => shown(row, row.key || '(no model recorded)')))
    expect(await tableCells(page, 'By provider')).toEqual(providers.map((row) => shown(row, row.key!)))

    const totals = page.getByLabel('Totals of the period', { exact: true })
    const sum = (pick: (row: UsageRow) => number) => providers.reduce((n, row) => n + pick(row), 0)
    const unpriced = [...new Set(providers.flatMap((row) => row.unpricedModels))].sort()
    expect(await totals.locator('dd').allTextContents()).toEqual([
      count.format(sum((r) => r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens)),
      cost({ costUsd: providers.some((r) => r.costUsd === null) ? null : sum((r) => r.costUsd!), unpricedModels: unpriced }),
      count.format(sum((r) => r.messages)),
      count.format(sum((r) => r.sessions)),
    ])

    // The messages chart has one series per provider (uPlot's legend names them after the time axis).
    const legend = page.getByRole('img', { name: 'Messages per day by assistant' }).locator('.u-legend .u-series .u-label')
    expect((await legend.allTextContents()).slice(1)).toEqual(providers.map((row) => row.key!))
    // Days whose cost is unknown are counted and their models named, never priced as 0.
    const unknownDays = days.filter((row) => row.costUsd === null).length
    expect(unknownDays).toBeGreaterThan(0)
    const note = await page.getByRole('note').textContent()
    expect(note).toContain(days.some((row) => row.costUsd !== null) ? `Cost unknown on ${count.format(unknownDays)} of ${count.format(days.length)} days` : 'Cost unknown')
    for (const model of unpriced) expect(note).toContain(model || '(no model recorded)')
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  })

  test('a period asks the route for that period and shows its rows only', async () => {
    const { context, page, trouble } = await openPage(at.browser, { locale: 'en-US' })
    const asked: URLSearchParams[] = []
    page.on('request', (request) => {
      const url = new URL(request.url())
      if (url.pathname === '/api/usage') asked.push(url.searchParams)
    })
    await page.goto(`${at.server.url}/usage?period=365`)
    const from = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10)
    const models = await usage(`groupBy=model&limit=10000&from=${from}`)
    const all = await usage('groupBy=model&limit=10000')
    // The fixtures span more than a year: the period leaves some usage out.
    expect(models.length).toBeGreaterThan(0)
    expect(models).not.toEqual(all)
    await page.getByRole('table').filter({ has: page.getByText('By model', { exact: true }) }).waitFor()
    expect(await tableCells(page, 'By model')).toEqual(models.map((row) => shown(row, row.key || '(no model recorded)')))
    expect(asked.length).toBeGreaterThan(0)
    expect(asked.every((query) => query.get('from') === from)).toBe(true)
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  })
})
