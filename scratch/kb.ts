import { demoSessions } from '../test/web/support/data'
import { serveSeeded } from '../test/web/support/served'
import { launch, openPage } from '../test/web/support/browser'
await using app = await serveSeeded(demoSessions())
const browser = await launch()
const { page, trouble } = await openPage(browser)
page.on('console', (m) => console.log('console:', m.text()))
await page.goto(app.url + '/search?q=the')
await page.locator('#search-results > li').nth(1).waitFor()
console.log(await page.locator('#search-results').innerHTML())
await page.goto(app.url + '/sessions/demo-auth')
await page.locator('article.message').first().waitFor()
await page.waitForTimeout(500)
for (const k of ['j', 'j', 'j']) {
  await page.keyboard.press(k)
  await page.waitForTimeout(200)
  console.log(await page.evaluate(() => document.activeElement?.id + ' ' + document.activeElement?.closest('[data-index]')?.getAttribute('data-index') + ' y=' + scrollY))
}
console.log(JSON.stringify(trouble))
await browser.close()
