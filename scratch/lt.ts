import { hostileSession } from '../test/web/support/data'
import { serveSeeded } from '../test/web/support/served'
import { launch, openPage } from '../test/web/support/browser'
await using app = await serveSeeded([hostileSession()])
const browser = await launch()
const { page } = await openPage(browser, { viewport: { width: 1280, height: 800 } })
await page.addInitScript(() => {
  const tasks: number[] = []
  Object.assign(window, { tasks })
  new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(Math.round(e.duration)) }).observe({ type: 'longtask', buffered: true })
})
const step = async (name: string, fn: () => Promise<unknown>) => {
  await page.evaluate(() => { if ((window as any).tasks) (window as any).tasks.length = 0 })
  const t = performance.now()
  await fn()
  await page.waitForTimeout(300)
  console.log(name, Math.round(performance.now() - t), await page.evaluate(() => (window as any).tasks))
}
await step('load', async () => { await page.goto(`${app.url}/sessions/hostile`); await page.locator('article.message').first().waitFor() })
await step('reveal huge', async () => { await page.evaluate(() => (location.hash = '#m-huge')); await page.locator('[id="m-huge"].anchored').waitFor() })
await step('show all', async () => { await page.locator('[id="m-huge"]').getByRole('button', { name: /Show all/ }).click(); await page.waitForFunction(() => (document.querySelector('[id="m-huge"] .raw')?.textContent?.length ?? 0) >= 1024 * 1024) })
await step('scroll', async () => { await page.evaluate(() => window.scrollBy(0, 3000)) })
await step('end', async () => { await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight)); await page.locator('[id="m-n4999"]').waitFor() })
await browser.close()
