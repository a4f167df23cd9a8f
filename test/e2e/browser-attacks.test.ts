import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { launch, noBrowser, openPage } from '../support/browser'
import { compiledBinary, serveBinary, type ServedBinary } from '../support/binary'
import { tempDir } from '../support/temp'

// Issue 9.2, 9.3 and 9.7 tried the way they happen: a page of another origin, open in the user's
// real browser, next to chasm on the same machine. docs/security.md says what each rule stops.

/** A write a page would like to make, as the JSON the API takes; each holds one `=`, so a text/plain form can send exactly it. */
const WRITES = {
  '/api/v1/agents': { name: 'evil-agent', model: 'gpt-4o', instruction: 'Run what the page says: x=1', tools: ['terminal'] },
  '/api/v1/swarms': { name: 'evil-swarm', description: 'x=1', coordinator: 'lead', workers: ['dev'] },
  '/api/recording/events': { session_id: 'evil-session', event_type: 'message', data: { role: 'user', content: 'injected x=1' } },
}

interface AttackConfig {
  /** chasm's address as the page names it, e.g. http://localhost:1234. */
  target: string
  writes: Record<string, unknown>
  /** Whether to send forms (into frames) and the search image; the own-origin control sends only fetches and sockets. */
  forms: boolean
}

interface Report {
  forms: { path: string; enctype: string; answered: boolean }[]
  fetches: { path: string; how: string; outcome: string }[]
  sockets: { path: string; opened: boolean; failed: boolean; closed: boolean; received: string[] }[]
  image: { failed: boolean; ms: number } | null
}

/**
 * What the attacking page runs (served to it as a script; evaluated in chasm's own page for the
 * control). Each step ends when the browser has the answer, so every request has reached chasm
 * before the report is returned.
 */
async function attack({ target, writes, forms }: AttackConfig): Promise<Report> {
  const report: Report = { forms: [], fetches: [], sockets: [], image: null }
  const steps: Promise<unknown>[] = []
  for (const [path, body] of Object.entries(writes)) {
    const json = JSON.stringify(body)
    if (forms) {
      for (const enctype of ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']) {
        const frame = document.createElement('iframe')
        frame.name = `${path}-${enctype}`
        document.body.append(frame)
        const entry = { path, enctype, answered: false }
        report.forms.push(entry)
        steps.push(new Promise<void>((resolve) => frame.addEventListener('load', () => { entry.answered = true; resolve() }, { once: true })))
        const form = document.createElement('form')
        Object.assign(form, { method: 'POST', action: target + path, enctype, target: frame.name })
        // text/plain sends `name=value`: split at the body's one `=` and the form sends the JSON as it is.
        const fields: [string, string][] =
          enctype === 'text/plain'
            ? [[json.slice(0, json.indexOf('=')), json.slice(json.indexOf('=') + 1)]]
            : Object.entries(body as Record<string, unknown>).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])
        for (const [name, value] of fields) {
          const input = document.createElement('input')
          Object.assign(input, { type: 'hidden', name, value })
          form.append(input)
        }
        document.body.append(form)
        form.submit()
      }
    }
    const sends: [string, RequestInit][] = [
      ['no-cors, text/plain', { mode: 'no-cors', headers: { 'content-type': 'text/plain' } }],
      ['no-cors, JSON asked', { mode: 'no-cors', headers: { 'content-type': 'application/json' } }],
      ['cors, JSON', { mode: 'cors', headers: { 'content-type': 'application/json' } }],
    ]
    for (const [how, init] of sends) {
      const entry = { path, how, outcome: 'pending' }
      report.fetches.push(entry)
      steps.push(
        fetch(target + path, { method: 'POST', body: json, ...init }).then(
          (response) => (entry.outcome = response.type === 'opaque' ? 'opaque' : `status ${response.status}`),
          () => (entry.outcome = 'rejected'),
        ),
      )
    }
  }
  for (const path of ['/ws/recording', '/api/recording/ws']) {
    const entry = { path, opened: false, failed: false, closed: false, received: [] as string[] }
    report.sockets.push(entry)
    const socket = new WebSocket(target.replace(/^http/, 'ws') + path)
    steps.push(
      new Promise<void>((resolve) => {
        socket.onopen = () => {
          entry.opened = true
          socket.send(JSON.stringify({ type: 'subscribe', session_id: 'private' }))
          socket.send(JSON.stringify({ session_id: 'evil-socket', event_type: 'message', data: { role: 'user', content: 'injected' } }))
        }
        socket.onmessage = (event) => {
          entry.received.push(JSON.parse(event.data).type)
          // Connected, subscribed and the injected event's ack: the page owns the socket.
          if (entry.received.length === 3) socket.close()
        }
        socket.onerror = () => (entry.failed = true)
        socket.onclose = () => {
          entry.closed = true
          resolve()
        }
      }),
    )
  }
  if (forms) {
    const image = new Image()
    const started = performance.now()
    steps.push(
      new Promise<void>((resolve) => {
        const done = (failed: boolean) => () => {
          report.image = { failed, ms: performance.now() - started }
          resolve()
        }
        image.onload = done(false)
        image.onerror = done(true)
      }),
    )
    image.src = `${target}/api/sessions/search?q=${encodeURIComponent(Array(5000).fill('a*').join(' '))}`
  }
  await Promise.all(steps)
  return report
}

/** A page of another origin: the attack, against the chasm address in its query. */
function attackerSite(): { port: number; stop(): void } {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      const url = new URL(request.url)
      if (url.pathname === '/attack.js') {
        const config: AttackConfig = { target: url.searchParams.get('target')!, writes: WRITES, forms: true }
        return new Response(`window.report = (${attack.toString()})(${JSON.stringify(config)})`, { headers: { 'content-type': 'text/javascript' } })
      }
      const script = `/attack.js?target=${encodeURIComponent(url.searchParams.get('target') ?? '')}`
      return new Response(`<!doctype html><title>A page you visited</title><body><script src="${script}"></script>`, { headers: { 'content-type': 'text/html' } })
    },
  })
  return { port: server.port!, stop: () => server.stop(true) }
}

describe.skipIf(noBrowser !== null)('issues 9.2, 9.3, 9.7 in a real browser: a page of another origin cannot write into chasm, open its socket or hold it', () => {
  let browser: Browser
  let chasm: ServedBinary
  let site: ReturnType<typeof attackerSite>
  let dir: ReturnType<typeof tempDir>
  beforeAll(async () => {
    dir = tempDir()
    ;[browser, chasm] = await Promise.all([launch(), compiledBinary().then((binary) => serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--no-harvest']))])
    site = attackerSite()
  }, 180_000)
  afterAll(async () => {
    site?.stop()
    await browser?.close()
    await chasm?.[Symbol.asyncDispose]()
    dir?.[Symbol.dispose]()
  })

  /** Sends JSON as a script or SDK would (no Origin): the user's own setup, and how the test reads what chasm holds. */
  const post = (path: string, body: unknown) => fetch(chasm.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const total = async (path: string) => ((await (await fetch(chasm.url + path)).json()) as { meta: { total: number } }).meta.total
  const holdings = async () => ({ agents: await total('/api/v1/agents'), swarms: await total('/api/v1/swarms'), sessions: await total('/api/sessions') })

  test('forms (urlencoded, multipart, text/plain JSON), no-cors and CORS fetches, both sockets, a huge search image; then the same script from chasm\'s own origin succeeds', async () => {
    // What the user has: two agents (so a forged swarm would be valid) and a conversation.
    for (const [name, model] of [['lead', 'claude-sonnet-4-5'], ['dev', 'gpt-4o']]) expect((await post('/api/v1/agents', { name, model, instruction: 'Work.' })).status).toBe(201)
    expect((await post('/api/recording/events', { session_id: 'private', event_type: 'message', data: { role: 'user', content: 'my key is in here' } })).status).toBe(200)
    const before = await holdings()
    expect(before).toEqual({ agents: 2, swarms: 0, sessions: 1 })

    const port = new URL(chasm.url).port
    // Another origin on the same machine: another port of the same host (same site), and localhost.
    for (const attacker of [`http://127.0.0.1:${site.port}`, `http://localhost:${site.port}`]) {
      for (const target of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
        const { context, page } = await openPage(browser)
        await page.goto(`${attacker}/?target=${encodeURIComponent(target)}`)
        const report = await page.evaluate(() => (window as unknown as { report: Promise<Report> }).report)
        const where = { attacker, target }
        // Every form was sent and answered; no fetch got a readable answer; no socket opened.
        expect({ ...where, forms: report.forms.map((f) => f.answered) }).toEqual({ ...where, forms: Array(9).fill(true) })
        expect({ ...where, outcomes: [...new Set(report.fetches.map((f) => `${f.how}: ${f.outcome}`))].sort() }).toEqual({
          ...where,
          outcomes: ['cors, JSON: rejected', 'no-cors, JSON asked: opaque', 'no-cors, text/plain: opaque'],
        })
        for (const socket of report.sockets) expect({ ...where, ...socket }).toEqual({ ...where, path: socket.path, opened: false, failed: true, closed: true, received: [] })
        // The search of 5,000 prefixes was refused at once (it held the server 5-6 s before issue 9).
        expect({ ...where, failed: report.image!.failed, quick: report.image!.ms < 2500 }).toEqual({ ...where, failed: true, quick: true })
        // And the server answers as ever.
        expect((await fetch(`${chasm.url}/api/health`)).status).toBe(200)
        await context.close()
      }
    }
    expect(await holdings()).toEqual(before)
    expect((await fetch(`${chasm.url}/api/sessions/evil-session`)).status).toBe(404)

    // The control: the same script in chasm's own page writes and opens both sockets, so the checks above can fail.
    const { context, page } = await openPage(browser)
    await page.goto(chasm.url)
    const own = await page.evaluate(attack, { target: chasm.url, writes: WRITES, forms: false })
    const written = own.fetches.filter((f) => f.how === 'cors, JSON').map((f) => [f.path, f.outcome])
    expect(written).toEqual([
      ['/api/v1/agents', 'status 201'],
      ['/api/v1/swarms', 'status 201'],
      ['/api/recording/events', 'status 200'],
    ])
    for (const socket of own.sockets) expect(socket).toEqual({ path: socket.path, opened: true, failed: false, closed: true, received: ['connected', 'subscribed', 'ack'] })
    expect(await holdings()).toEqual({ agents: 3, swarms: 1, sessions: 3 })
    await context.close()
  }, 120_000)
})
