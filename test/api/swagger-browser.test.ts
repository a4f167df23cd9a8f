import { expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { testServer } from '../support/socket'

// The system Chromium (or Chrome); the test is skipped, saying why, where there is none.
const chrome = [process.env.CHROME, Bun.which('chromium'), Bun.which('google-chrome'), '/usr/bin/chromium'].find((path): path is string => !!path && existsSync(path))
if (!chrome) console.warn('swagger-browser: no Chromium found (set CHROME=/path/to/chrome); the Swagger UI browser test is skipped')

test.skipIf(!chrome)('issue 15: in token mode, Swagger UI "Authorize" then "Try it out" sends the token (a real browser)', async () => {
  await using server = testServer({ security: { token: 'tok-swagger-15' } })
  const browser = await chromium.launch({
    executablePath: chrome!,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
  try {
    const page = await browser.newPage()
    page.setDefaultTimeout(15_000)
    // The docs are public in token mode; the trailing-slash address works as well.
    await page.goto(`${server.url}/swagger/`)
    const operation = page.locator('#operations-System-getApiStats')
    await operation.locator('.opblock-summary').click()
    await operation.getByRole('button', { name: 'Try it out' }).click()
    const execute = operation.getByRole('button', { name: 'Execute' })
    // Waits for the answer of the request just sent (the response table is redrawn with it).
    const answered = (code: string) => operation.locator('.live-responses-table .response .response-col_status', { hasText: new RegExp(`^${code}$`) }).waitFor()

    await execute.click()
    await answered('401')

    await page.locator('.auth-wrapper .authorize').click()
    const dialog = page.locator('.modal-ux')
    await dialog.locator('input').fill('tok-swagger-15')
    await dialog.locator('button.modal-btn.authorize').click()
    await dialog.locator('button.btn-done').click()

    await operation.getByRole('button', { name: 'Clear' }).click()
    await execute.click()
    await answered('200')
    expect(await operation.locator('.live-responses-table .response .response-col_description').innerText()).toContain('"totalSessions": 0')
  } finally {
    await browser.close()
  }
}, 60_000)
