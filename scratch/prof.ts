import { hostileSession } from '../test/web/support/data'
import { serveSeeded } from '../test/web/support/served'
import { launch, openPage } from '../test/web/support/browser'
await using app = await serveSeeded([hostileSession()])
const browser = await launch()
const { page, context } = await openPage(browser)
await page.goto(`${app.url}/nothing`)
const cdp = await context.newCDPSession(page)
await cdp.send('Profiler.enable')
await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
await cdp.send('Profiler.start')
await page.evaluate(() => history.pushState(null, '', '/sessions/hostile'))
await page.evaluate(() => dispatchEvent(new PopStateEvent('popstate')))
await page.locator('article.message').first().waitFor()
await page.waitForTimeout(500)
const { profile } = await cdp.send('Profiler.stop') as any
const self = new Map<string, number>()
const dt = profile.timeDeltas as number[]
const byId = new Map(profile.nodes.map((n: any) => [n.id, n]))
profile.samples.forEach((id: number, i: number) => { const n: any = byId.get(id); const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`; self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000) })
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${v.toFixed(1)}ms ${k}`).join('\n'))
await browser.close()
