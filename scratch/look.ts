import { demoSessions, hostileSession } from '../test/web/support/data'
import { serveSeeded } from '../test/web/support/served'
import { launch, openPage } from '../test/web/support/browser'
await using app = await serveSeeded([...demoSessions(), hostileSession()])
const browser = await launch()
const paths = process.argv.slice(2)
for (const scheme of ['light', 'dark'] as const) {
  const { page, trouble } = await openPage(browser, { colorScheme: scheme, viewport: { width: Number(process.env.W ?? 1280), height: 900 } })
  for (const p of paths) {
    await page.goto(app.url + p)
    await page.waitForTimeout(1500)
    await page.screenshot({ path: `/tmp/shot-${scheme}-${p.replace(/[^a-z0-9]/gi, '_')}.png` })
  }
  console.log(scheme, JSON.stringify(trouble))
}
await browser.close()
