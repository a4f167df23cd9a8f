#!/usr/bin/env bun
/**
 * Web app benchmark (docs/benchmarks.md "web.ts"): what the app adds to the binary and its start,
 * the first load's weight, and in Chromium on a 1M-message database: navigation → session list
 * painted, search results painted after the debounce, a 5,000-message session opened and scrolled.
 * Each browser figure is printed beside the API call it waits for, measured in the same page.
 *   bun scripts/bench/web.ts [--sessions 100000] [--messages 10] [--runs 7]
 * Needs Chrome or Chromium (CHROME=/path, or on the PATH).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Page } from 'playwright-core'
import { openDatabase, replaceSessions, type MessageInput, type SessionInput } from '../../src/db'
import { launch, noBrowser } from '../../test/web/support/browser'
import { build, outfileFor } from '../build'
import { benchDatabase, COMMON_TERM, RARE_TERM, textSource } from './corpus'
import { median, ms, percentile } from './stats'

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '100000' }, messages: { type: 'string', default: '10' }, runs: { type: 'string', default: '7' } } })
const sessions = Number(values.sessions)
const perSession = Number(values.messages)
const runs = Number(values.runs)
const root = join(import.meta.dir, '..', '..')
const KB = 1024
const MB = 1024 * 1024

/** The 5,000-message session, updated last so it heads the session list. */
const LONG_ID = 'bench-web-5000'

function longSession(): SessionInput {
  const { random, pick, sentence } = textSource(7)
  const start = Date.parse('2030-01-01T00:00:00Z')
  const messages: MessageInput[] = Array.from({ length: 5000 }, (_, m) => {
    const assistant = m % 2 === 1
    return {
      id: `${LONG_ID}-${m}`,
      role: assistant ? 'assistant' : 'user',
      content: assistant
        ? `${sentence(30 + Math.floor(random() * 60))}.\n\n\`\`\`ts\nconst ${pick()} = ${pick()}(${pick()})\nexport function ${pick()}() {\n  return ${pick()}\n}\n\`\`\`\n\n- ${sentence(8)}\n- ${sentence(6)}`
        : `${sentence(10 + Math.floor(random() * 25))}?`,
      timestamp: start + m * 1000,
      model: assistant ? 'gpt-4o' : null,
      toolInvocations: assistant && m % 5 === 1 ? [{ id: `${LONG_ID}-t${m}`, name: 'read_file', input: { path: `src/${pick()}.ts` }, output: sentence(40), status: 'completed' }] : [],
    }
  })
  return { id: LONG_ID, provider: 'claude-code', origin: 'harvest', title: 'A 5,000-message session', model: 'gpt-4o', created: start, updated: start + 5000 * 1000, workspace: null, messages }
}

/** The read benchmark's corpus plus the long session, in a copy of its own. */
function webDatabase(): string {
  const base = benchDatabase(`read-${sessions}x${perSession}`, { sessions, messagesPerSession: perSession })
  const path = join(dirname(base), `web-${sessions}x${perSession}.db`)
  if (!existsSync(path)) {
    copyFileSync(base, `${path}.partial`)
    const chasm = openDatabase(`${path}.partial`)
    replaceSessions(chasm.sqlite, [longSession()])
    chasm.close()
    copyFileSync(`${path}.partial`, path)
    rmSync(`${path}.partial`)
  }
  return path
}

/** Builds the binary as `scripts/build.ts` does, optionally with the web app left out (the baseline). */
async function compile(outfile: string, withWeb: boolean): Promise<string> {
  const noWebApp: Bun.BunPlugin = {
    name: 'no-web-app',
    setup(builder) {
      builder.onResolve({ filter: /\/web\/index\.html$/ }, (args) => ({ path: args.path, namespace: 'no-web-app' }))
      builder.onLoad({ filter: /.*/, namespace: 'no-web-app' }, () => ({ contents: 'export default { index: "", files: [] }', loader: 'js' }))
    },
  }
  const result = await Bun.build({
    entrypoints: [join(root, 'src/main.ts')],
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
    minify: true,
    bytecode: true,
    format: 'esm',
    plugins: withWeb ? [] : [noWebApp],
  })
  if (!result.success) throw new AggregateError(result.logs, `build of ${outfile} failed`)
  return outfile
}

/** Spawns `api serve` and resolves with its URL once it printed the listening line. */
async function serve(binary: string, db: string) {
  const started = performance.now()
  const proc = Bun.spawn([binary, 'api', 'serve', '--port', '0', '--db', db, '--no-harvest'], { stdout: 'pipe', stderr: 'ignore' })
  const reader = proc.stdout.getReader()
  let out = ''
  while (!out.includes('listening on')) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`${binary} exited before listening`)
    out += new TextDecoder().decode(value)
  }
  reader.releaseLock()
  return { proc, started, url: /listening on (\S+)/.exec(out)![1]!, stop: async () => (proc.kill('SIGTERM'), await proc.exited) }
}

/** Spawn → first `/api/health` answer, median of 11. */
async function startup(binary: string, db: string): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < 11; i++) {
    const server = await serve(binary, db)
    await (await fetch(`${server.url}/api/health`)).json()
    times.push(performance.now() - server.started)
    await server.stop()
  }
  return times
}

console.log(`# chasm web app benchmark (${sessions} sessions × ${perSession} messages + one of 5,000)`)
const db = webDatabase()

// --- The binary: what the app adds, and that it still starts at once (the app loads on first request).
await build(null)
const work = mkdtempSync(join(tmpdir(), 'chasm-web-bench-'))
const withWeb = await compile(join(work, 'with-web'), true)
const withoutWeb = await compile(join(work, 'without-web'), false)
const [sizeWith, sizeWithout] = [Bun.file(withWeb).size, Bun.file(withoutWeb).size]
console.log(`binary: ${(sizeWith / MB).toFixed(1)} MB with the app, ${(sizeWithout / MB).toFixed(1)} MB without: +${((sizeWith - sizeWithout) / MB).toFixed(2)} MB (target ≤ 3 MB)`)
const startWith = await startup(withWeb, db)
const startWithout = await startup(withoutWeb, db)
console.log(
  `binary start → first response: median ${ms(median(startWith))} with the app, ${ms(median(startWithout))} without (×${(median(startWith) / median(startWithout)).toFixed(2)}; target ≤ 100 ms)`,
)

const server = await serve(outfileFor(null), db)
const base = server.url
{
  // The first page request loads the bundle into memory; later ones are served from it.
  const first = performance.now()
  const shell = await (await fetch(`${base}/`)).text()
  const firstMs = performance.now() - first
  const again = performance.now()
  await (await fetch(`${base}/sessions`)).text()
  const againMs = performance.now() - again
  let raw = 0
  let gzip = 0
  const parts: string[] = []
  for (const asset of [...shell.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)) {
    const plain = (await (await fetch(base + asset, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).byteLength
    // The bytes on the wire: Bun's fetch would otherwise undo the gzip.
    const zipped = (await (await fetch(base + asset, { headers: { 'accept-encoding': 'gzip' }, decompress: false })).arrayBuffer()).byteLength
    raw += plain
    gzip += zipped
    parts.push(`${asset.split('/').pop()} ${(plain / KB).toFixed(1)} KB → ${(zipped / KB).toFixed(1)} KB`)
  }
  const shellZipped = Bun.gzipSync(new TextEncoder().encode(shell)).byteLength
  console.log(`first load: shell + ${parts.length} assets, ${((raw + shell.length) / KB).toFixed(1)} KB, ${((gzip + shellZipped) / KB).toFixed(1)} KB gzip (target ≤ 250 KB): ${parts.join('; ')}`)
  console.log(`shell: first request (loads the bundle) ${ms(firstMs)}, then ${ms(againMs)}`)
}

if (noBrowser) {
  console.log(noBrowser)
} else {
  const browser = await launch()
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(60_000)

  /** Time from `startMark` to the app's `paintMark`, in ms, once the app set it. */
  const between = (startMark: string, paintMark: string) =>
    page.waitForFunction(
      ([start, paint]) => {
        const a = performance.getEntriesByName(start).at(-1)
        const b = performance.getEntriesByName(paint).at(-1)
        return a && b && b.startTime >= a.startTime ? b.startTime - a.startTime : null
      },
      [startMark, paintMark] as const,
    ).then((handle) => handle.jsonValue() as Promise<number>)

  /** Median time of an API call made from the page (fetch and JSON parse): the floor under each figure. */
  const apiFloor = async (path: string) => {
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      times.push(await page.evaluate(async (p) => {
        const t = performance.now()
        await (await fetch(p)).json()
        return performance.now() - t
      }, path))
    }
    return median(times)
  }

  const clickAndWait = async (selector: string, paintMark: string) => {
    await page.evaluate(([sel]) => {
      performance.clearMarks()
      performance.mark('bench:click')
      ;(document.querySelector(sel!) as HTMLElement).click()
    }, [selector])
    return between('bench:click', paintMark)
  }

  // Navigation → session list painted: in the app (a click on "Sessions"), and a cold page load.
  // From the overview once it has loaded (a person reads it first), to the list on screen.
  const overviewLoaded = async () => {
    await page.locator('table tbody tr').first().waitFor()
    await page.locator('.cards dd').first().waitFor()
  }
  await page.goto(`${base}/`)
  await overviewLoaded()
  const inApp: number[] = []
  for (let i = 0; i < runs; i++) {
    inApp.push(await clickAndWait('nav a[href="/sessions"]', 'chasm:sessions-painted'))
    await page.evaluate(() => (document.querySelector('nav a[href="/"]') as HTMLElement).click())
    await overviewLoaded()
  }
  const cold: number[] = []
  for (let i = 0; i < runs; i++) {
    await page.goto(`${base}/sessions`)
    cold.push(await page.waitForFunction(() => performance.getEntriesByName('chasm:sessions-painted')[0]?.startTime ?? null).then((h) => h.jsonValue() as Promise<number>))
  }
  const listFloor = await apiFloor('/api/sessions?limit=100&offset=0')
  console.log(
    `session list painted: after a click p50 ${ms(median(inApp))} p95 ${ms(percentile(inApp, 95))}; cold page load p50 ${ms(median(cold))} (target ≤ 500 ms); its API call alone ${ms(listFloor)}`,
  )

  // Search: time from the debounced request to the results on screen.
  const terms = [RARE_TERM, COMMON_TERM, 'error handler', 'buffer stream', 'nothingmatchesthis']
  const searchTimes: string[] = []
  const searchAll: number[] = []
  for (const term of terms) {
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      await page.evaluate(() => performance.clearMarks())
      await page.locator('#search-input').fill('')
      await page.locator('#search-input').fill(term)
      times.push(await between('chasm:search-sent', 'chasm:search-painted'))
    }
    const floor = await apiFloor(`/api/sessions/search?q=${encodeURIComponent(term)}&limit=30`)
    searchAll.push(...times)
    searchTimes.push(`'${term}' ${ms(median(times))} (API ${ms(floor)})`)
  }
  console.log(`search results painted after the debounce: p50 ${ms(median(searchAll))}, p95 ${ms(percentile(searchAll, 95))} (target ≤ 150 ms): ${searchTimes.join('; ')}`)

  // A 5,000-message session: opened from the list (it is the newest), then scrolled end to end.
  const opens: number[] = []
  for (let i = 0; i < runs; i++) {
    await page.goto(`${base}/sessions`)
    await page.locator('.virtual [data-index="0"] a').waitFor()
    opens.push(await clickAndWait('.virtual [data-index="0"] a', 'chasm:session-painted'))
  }
  const sessionFloor = await apiFloor(`/api/sessions/${LONG_ID}`)
  console.log(`5,000-message session painted after a click: p50 ${ms(median(opens))}, p95 ${ms(percentile(opens, 95))} (target ≤ 500 ms); its API call alone ${ms(sessionFloor)}`)
  console.log(await scroll(page, 'screen', 3000))
  console.log(await scroll(page, 300, 1500))
  await browser.close()
}

/**
 * Scrolls the open session by `step` px a frame (a screenful is a fling far faster than a hand; 300 px
 * is a quick wheel), at most `frames` frames, then jumps about; reports Chromium's long tasks.
 */
async function scroll(page: Page, step: number | 'screen', frames: number): Promise<string> {
  await page.evaluate(() => window.scrollTo(0, 0))
  const result = await page.evaluate(
    async ([step, frames]) => {
      const tasks: number[] = []
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push(entry.duration)
      }).observe({ type: 'longtask' })
      const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))
      const started = performance.now()
      let count = 0
      while (window.scrollY + window.innerHeight < document.documentElement.scrollHeight - 2 && count < frames) {
        window.scrollBy(0, step === 'screen' ? window.innerHeight : step)
        await frame()
        count++
      }
      for (const at of [0.5, 0.1, 0.9, 0]) {
        window.scrollTo(0, document.documentElement.scrollHeight * at)
        await frame()
        await frame()
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
      return { tasks, count, seconds: (performance.now() - started) / 1000 }
    },
    [step, frames] as const,
  )
  const longest = Math.max(0, ...result.tasks)
  const how = step === 'screen' ? 'a screen' : `${step} px`
  return `scrolling it ${how} a frame (${result.count} frames in ${result.seconds.toFixed(1)} s, then 4 jumps): ${result.tasks.length} long tasks, longest ${ms(longest)} (target: none over 200 ms)`
}

await server.stop()
rmSync(work, { recursive: true, force: true })
