import { describe, expect, test } from 'bun:test'
import type { HarvestStatus } from '../../src/harvest'
import { browserAndServer, noBrowser, openPage } from '../support/browser'
import { serveHarvestedFixtures } from './support/served'

// A file whose name is markup: the harvest reports it as a problem naming the file.
const HOSTILE_NAME = '<img src=x onerror=alert("problem")>.jsonl'

describe.skipIf(noBrowser !== null)('overview: the last harvests and their problems', () => {
  const at = browserAndServer(() => serveHarvestedFixtures({ '.claude/projects/-home-dev-broken': { [HOSTILE_NAME]: '{not json\n' } }))

  test('recent runs as /api/harvest/status reports them, the newest run\'s problems unfolded and shown as text', async () => {
    const status = ((await (await fetch(`${at.server.url}/api/harvest/status`)).json()) as { data: HarvestStatus }).data
    const [run] = status.runs
    expect(run!.problemList.some((problem) => problem.source.endsWith(HOSTILE_NAME))).toBe(true)

    const { context, page, trouble } = await openPage(at.browser)
    await page.goto(at.server.url)
    const runs = page.getByRole('table', { name: 'Recent harvests' })
    await runs.waitFor()
    expect(await runs.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(status.runs.map((r) => r.status))
    expect(await runs.locator('tbody tr td:nth-child(3)').allTextContents()).toEqual(status.runs.map((r) => String(r.problems)))

    const problems = page.locator('details.run-problems[open]')
    await expect(problems.locator('summary').textContent()).resolves.toStartWith(`${run!.problems} problem`)
    const items = await problems.locator('li').evaluateAll((list) => list.map((li) => ({ provider: li.querySelector('.tag')?.textContent, source: li.querySelector('.path')?.textContent, message: li.querySelector('div')?.textContent })))
    expect(items).toEqual(run!.problemList)
    // The markup in the file name is text: no element came of it, nothing ran.
    expect(await page.locator('.run-problems img').count()).toBe(0)
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  })
})
