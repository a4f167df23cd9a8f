import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser } from 'playwright-core'
import { latch, scriptByModel, startFakeModels, type FakeModels } from '../agency/support/fake-models'
import { launch, noBrowser, openPage } from './support/browser'
import { serveSeeded } from './support/served'
import { api } from './support/world'

describe.skipIf(noBrowser !== null)('swarms: create one, start a run, watch its steps arrive, pause, resume, stop', () => {
  let browser: Browser
  let app: Awaited<ReturnType<typeof serveSeeded>>
  let fake: FakeModels
  const firstWork = latch()
  const secondWork = latch()
  beforeAll(async () => {
    fake = startFakeModels(
      scriptByModel({
        'claude-lead': [
          { text: '{"assignments": [{"worker": "dev", "task": "Write the function"}]}', usage: { input: 100, output: 20 } },
          { text: 'All done: `slugify` is in **src/slug.ts**.', usage: { input: 200, output: 30 } },
          { text: '{"assignments": [{"worker": "dev", "task": "Again"}]}' },
        ],
        'gpt-dev': [
          { text: 'export const slugify = (s: string) => s.toLowerCase()', hold: firstWork.promise, usage: { input: 50, output: 15 } },
          { text: 'never seen', hold: secondWork.promise },
        ],
      }),
    )
    ;[browser, app] = await Promise.all([launch(), serveSeeded([], [], fake.env())])
    await api(app.url, '/api/v1/agents', { name: 'lead', model: 'claude-lead', role: 'coordinator', instruction: 'Plan and merge.' })
    await api(app.url, '/api/v1/agents', { name: 'dev', model: 'gpt-dev', role: 'coder', instruction: 'Write code.' })
  }, 120_000)
  afterAll(async () => {
    firstWork.release()
    secondWork.release()
    await browser?.close()
    await app?.[Symbol.asyncDispose]()
    fake?.stop()
  })

  test('a run watched to the end against the fake model server, then one stopped', async () => {
    const { context, page, trouble } = await openPage(browser)
    const status = page.locator('.page-head [role="status"]')
    await page.goto(`${app.url}/swarms`)
    await page.getByLabel('Name', { exact: true }).fill('ui-team')
    await page.getByRole('combobox', { name: /^Coordinator/ }).selectOption('lead')
    await page.getByRole('checkbox', { name: /dev/ }).check()
    await page.getByRole('button', { name: 'Create swarm' }).click()
    await page.getByRole('heading', { level: 1, name: 'ui-team' }).waitFor()
    expect(await status.textContent()).toBe('idle')
    await page.evaluate(() => Object.assign(window, { stayed: true }))

    await page.getByLabel('Prompt').fill('Write a slugify function')
    await page.getByRole('button', { name: 'Start run' }).click()
    const steps = page.locator('ol.steps > li')
    // The plan arrives, and the worker's step shows as running while the model is still answering.
    await steps.nth(1).locator('.tag', { hasText: 'running' }).waitFor()
    expect(await steps.nth(0).textContent()).toContain('lead')
    expect(await steps.nth(0).locator('.tag', { hasText: 'completed' }).count()).toBe(1)
    await status.filter({ hasText: 'running' }).waitFor()

    await page.getByRole('button', { name: 'Pause' }).click()
    await status.filter({ hasText: 'paused' }).waitFor()
    firstWork.release()
    // The worker's call finishes and is kept; the run then waits at the step boundary.
    await steps.nth(1).locator('.tag', { hasText: 'completed' }).waitFor()
    await page.getByText('export const slugify').first().waitFor()
    expect(await steps.count()).toBe(2)
    expect(fake.requests.length).toBe(2)

    await page.getByRole('button', { name: 'Resume' }).click()
    await page.locator('.result strong', { hasText: 'src/slug.ts' }).waitFor()
    await status.filter({ hasText: 'completed' }).waitFor()
    expect(await steps.count()).toBe(3)
    expect(await steps.nth(2).textContent()).toContain('synthesis')
    expect(await steps.nth(2).textContent()).toContain('200 in / 30 out tokens')

    // A second run, stopped while its worker is still thinking.
    await page.getByLabel('Prompt').fill('Do it again')
    await page.getByRole('button', { name: 'Start run' }).click()
    await steps.nth(1).locator('.tag', { hasText: 'running' }).waitFor()
    await page.getByRole('button', { name: 'Stop' }).click()
    await status.filter({ hasText: 'stopped' }).waitFor()
    await page.locator('#run-title .tag', { hasText: 'stopped' }).waitFor()
    expect(await page.getByRole('navigation', { name: 'Runs' }).getByRole('link').count()).toBe(2)

    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true)
    expect(trouble).toEqual({ dialogs: [], consoleErrors: [], pageErrors: [] })
    await context.close()
  }, 90_000)
})
