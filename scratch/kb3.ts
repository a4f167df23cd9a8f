import { demoSessions } from '../test/web/support/data'
import { serveSeeded } from '../test/web/support/served'
import { launch, openPage } from '../test/web/support/browser'
await using app = await serveSeeded(demoSessions())
const browser = await launch()
const { page, trouble } = await openPage(browser)
const where = () => page.evaluate(() => (document.activeElement?.closest('[data-index]')?.getAttribute('data-index') ?? '-') + ' sel=' + [...document.querySelectorAll('.row.selected')].map(r => r.getAttribute('data-index')))
await page.goto(app.url + '/sessions')
await page.locator('.virtual [data-index] a[data-nav]').nth(3).waitFor()
for (const k of ['j', 'j', 'j', 'k']) { await page.keyboard.press(k); console.log(k, await where()) }
await page.waitForTimeout(300); console.log('later', await where())
await browser.close()
