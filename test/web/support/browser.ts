import { afterAll, beforeAll } from 'bun:test'
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'

/** The system Chrome or Chromium: `$CHROME`, else one on the PATH or at the usual install paths; null when there is none. */
export function findChrome(): string | null {
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
  const candidates = [process.env.CHROME, ...names.map((name) => Bun.which(name)), ...names.map((name) => `/usr/bin/${name}`)]
  return candidates.find((path): path is string => !!path && existsSync(path)) ?? null
}

export const chrome = findChrome()

/** Why browser tests are skipped here, printed once; null when they run. */
export const noBrowser = chrome ? null : 'no Chrome or Chromium found (set CHROME=/path/to/chrome); browser tests skipped'
if (noBrowser) console.warn(noBrowser)

/** Launches the system browser headless, with nothing phoning home. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chrome!,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** What a page did that a test may want to refuse: dialogs opened, console errors, uncaught errors. */
export interface PageTrouble {
  dialogs: string[]
  consoleErrors: string[]
  pageErrors: string[]
}

/** A page in a fresh context with its trouble recorded. Width 1280 and light unless told. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; trouble: PageTrouble }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', ...options })
  const page = await context.newPage()
  // Waits are for conditions that come within seconds; a missing one should fail the test soon, with its name.
  page.setDefaultTimeout(15_000)
  const trouble: PageTrouble = { dialogs: [], consoleErrors: [], pageErrors: [] }
  page.on('dialog', (dialog) => {
    trouble.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  page.on('console', (message) => {
    if (message.type() === 'error') trouble.consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => trouble.pageErrors.push(error.message))
  return { context, page, trouble }
}

/** Whether the page scrolls sideways (its layout is wider than the window). */
export const overflowsSideways = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)

/** A browser and a server for a test file: started before its tests, stopped after them. */
export function browserAndServer<T extends AsyncDisposable>(start: () => Promise<T>): { browser: Browser; server: T } {
  const state = {} as { browser: Browser; server: T }
  beforeAll(async () => {
    ;[state.browser, state.server] = await Promise.all([launch(), start()])
  }, 120_000)
  afterAll(async () => {
    await state.browser?.close()
    await state.server?.[Symbol.asyncDispose]()
  })
  return state
}
