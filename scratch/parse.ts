import { hostileSession } from '../test/web/support/data'
import { serveSeeded } from '../test/web/support/served'
import { launch, openPage } from '../test/web/support/browser'
await using app = await serveSeeded([hostileSession()])
const browser = await launch()
const { page } = await openPage(browser)
await page.goto(`${app.url}/nothing`)
console.log(await page.evaluate(async () => {
  const text = await (await fetch('/api/sessions/hostile')).text()
  let t = performance.now(); JSON.parse(text); const plain = performance.now() - t
  t = performance.now(); JSON.parse(text, (k, v) => (typeof v !== 'string' ? v : v)); const revived = performance.now() - t
  return { bytes: text.length, plain, revived }
}))
await browser.close()
