import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launch, noBrowser, openPage, overflowsSideways } from './support/browser'
import { populatedServer } from './support/world'

/** Set CHASM_SCREENSHOTS=docs/screenshots to save a picture of every page in every variant. */
const screenshots = process.env.CHASM_SCREENSHOTS

interface PageSpec {
  name: string
  path: (world: World) => string
  heading: string | RegExp
  /** What must be on screen once the page has loaded its data. */
  ready: (page: Page) => Promise<unknown>
  /** A console error the page causes on purpose (the browser logs every 404 answer). */
  expectedError?: string
}

type World = Awaited<ReturnType<typeof populatedServer>>

const PAGES: PageSpec[] = [
  { name: 'overview', path: () => '/', heading: 'Overview', ready: (p) => p.getByRole('link', { name: /Fix the token refresh race/ }).waitFor() },
  { name: 'sessions', path: () => '/sessions', heading: 'Sessions', ready: (p) => p.getByRole('link', { name: /Speed up the CSV import/ }).waitFor() },
  {
    name: 'session',
    path: () => '/sessions/demo-auth',
    heading: 'Fix the token refresh race in the auth middleware',
    ready: (p) => p.locator('.hljs-keyword').first().waitFor(),
  },
  { name: 'session-rtl-cjk', path: () => '/sessions/demo-i18n', heading: /ترجمة/, ready: (p) => p.getByText('结账').first().waitFor() },
  { name: 'search', path: () => '/search?q=refresh%20token', heading: 'Search', ready: (p) => p.locator('.results mark').first().waitFor() },
  { name: 'workspaces', path: () => '/workspaces', heading: 'Workspaces', ready: (p) => p.getByRole('link', { name: /billing-api/ }).waitFor() },
  { name: 'workspace', path: () => '/workspaces', heading: 'billing-api', ready: (p) => p.getByRole('link', { name: /Fix the token refresh race/ }).waitFor() },
  { name: 'live', path: () => '/live', heading: 'Live recordings', ready: (p) => p.getByText('Pairing on the release notes').waitFor() },
  { name: 'agents', path: () => '/agents', heading: 'Agents', ready: (p) => p.getByRole('heading', { name: 'lead' }).waitFor() },
  { name: 'swarms', path: () => '/swarms', heading: 'Swarms', ready: (p) => p.getByRole('link', { name: /schema-team/ }).waitFor() },
  { name: 'swarm', path: (w) => `/swarms/${w.swarmId}`, heading: 'schema-team', ready: (p) => p.locator('.result').waitFor() },
  { name: 'usage', path: () => '/usage', heading: 'Usage', ready: (p) => p.getByText(/No usage recorded in this period|By model/).first().waitFor(),
    expectedError: 'Failed to load resource: the server responded with a status of 404 (Not Found)',
  },
  { name: 'not-found', path: () => '/no/such/page', heading: 'Nothing here', ready: () => Promise.resolve() },
]

const VARIANTS = [
  { width: 1280, scheme: 'light' },
  { width: 1280, scheme: 'dark' },
  { width: 375, scheme: 'light' },
  { width: 375, scheme: 'dark' },
] as const

describe.skipIf(noBrowser !== null)('every page, at 1280 and 375 px, light and dark', () => {
  let browser: Browser
  let world: World
  beforeAll(async () => {
    ;[browser, world] = await Promise.all([launch(), populatedServer()])
    if (screenshots) mkdirSync(screenshots, { recursive: true })
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await world?.[Symbol.asyncDispose]()
  })

  for (const variant of VARIANTS) {
    test(`${variant.width} px, ${variant.scheme}`, async () => {
      const { context, page, trouble } = await openPage(browser, { viewport: { width: variant.width, height: 900 }, colorScheme: variant.scheme })
      try {
        for (const spec of PAGES) {
          // The workspace page is reached the way a person gets there: from the list.
          await page.goto(world.app.url + spec.path(world))
          if (spec.name === 'workspace') await page.getByRole('link', { name: /billing-api/ }).click()
          await spec.ready(page)
          await expect(page.getByRole('heading', { level: 1 }).first().textContent()).resolves.toMatch(spec.heading)
          expect({ page: spec.name, banner: await page.getByRole('banner').count(), nav: await page.getByRole('navigation', { name: 'Main' }).count(), main: await page.getByRole('main').count() }).toEqual({
            page: spec.name,
            banner: 1,
            nav: 1,
            main: 1,
          })
          expect({ page: spec.name, sideways: await overflowsSideways(page) }).toEqual({ page: spec.name, sideways: false })
          if (spec.expectedError) trouble.consoleErrors.splice(trouble.consoleErrors.indexOf(spec.expectedError), 1)
          expect({ page: spec.name, ...trouble }).toEqual({ page: spec.name, dialogs: [], consoleErrors: [], pageErrors: [] })
          // Nothing was fetched from anywhere but the server itself (no CDN, fonts or trackers).
          const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name))
          expect({ page: spec.name, elsewhere: fetched.filter((url) => !url.startsWith(world.app.url)) }).toEqual({ page: spec.name, elsewhere: [] })
          if (screenshots) await page.screenshot({ path: join(screenshots, `${spec.name}-${variant.width}-${variant.scheme}.png`) })
        }
        // The theme follows the system.
        const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
        expect(background).toBe(variant.scheme === 'dark' ? 'rgb(21, 23, 28)' : 'rgb(255, 255, 255)')
      } finally {
        await context.close()
      }
    }, 120_000)
  }
})
