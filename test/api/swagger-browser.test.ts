import { expect, test } from 'bun:test'
import { launch, noBrowser, openPage } from '../support/browser'
import { testServer } from '../support/socket'

test.skipIf(noBrowser !== null)('issue 15: in token mode, Swagger UI "Authorize" then "Try it out" sends the token (a real browser)', async () => {
  await using server = await testServer({ security: { token: 'tok-swagger-15' } })
  const browser = await launch()
  try {
    const { page, trouble } = await openPage(browser)
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
    // The 401 answer is logged by the browser on purpose; nothing else may go wrong.
    expect({ dialogs: trouble.dialogs, pageErrors: trouble.pageErrors }).toEqual({ dialogs: [], pageErrors: [] })
  } finally {
    await browser.close()
  }
}, 60_000)
