import { demoSessions } from '../test/web/support/data'
import { serveSeeded } from '../test/web/support/served'
import { launch, openPage } from '../test/web/support/browser'
await using app = await serveSeeded(demoSessions())
const browser = await launch()
const { page, trouble } = await openPage(browser)
await page.goto(app.url + '/')
await page.getByRole('heading', { name: 'Overview' }).waitFor()
await page.keyboard.press('/')
await page.keyboard.type('the')
const results = page.locator('#search-results > li')
await results.nth(1).waitFor()
for (let i = 0; i < 5; i++) { console.log(await page.evaluate(() => [...document.querySelectorAll('#search-results > li')].map(li => li.id + ':' + li.getAttribute('aria-current')).join(' '))); await page.waitForTimeout(100) }
console.log(JSON.stringify(trouble))
await browser.close()
