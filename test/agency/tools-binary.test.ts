import { beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { compiledBinary, serveBinary, type ServedBinary } from '../support/binary'
import { tempDir, writeTree } from '../support/temp'
import { scriptByModel, startFakeModels, type ScriptedReply } from './support/fake-models'
import { mkfifo, skipReason } from './support/special-files'

// The chasm binary as users run it: every refusal below is answered by the compiled server itself.
let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 180_000)

type Call = { status: number; body: any; ms: number }

const api = (server: ServedBinary, token?: string) =>
  async (path: string, body?: unknown): Promise<Call> => {
    const started = performance.now()
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
    const init: RequestInit = body === undefined ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }
    const response = await fetch(`${server.url}${path}`, init)
    return { status: response.status, body: await response.json(), ms: performance.now() - started }
  }

/** A coordinator that hands the whole task to `worker`, which makes `calls` in one reply and then answers. */
function oneWorkerScript(calls: () => ScriptedReply['toolCalls']) {
  return scriptByModel({
    'claude-lead': [{ text: '{"assignments": [{"worker": "worker", "task": "do it"}]}' }, { text: 'final' }, { text: '{"assignments": [{"worker": "worker", "task": "again"}]}' }, { text: 'final' }],
    'gpt-worker': [{ get toolCalls() { return calls() } } as ScriptedReply, { text: 'done' }, { get toolCalls() { return calls() } } as ScriptedReply, { text: 'done' }],
  })
}

async function team(call: ReturnType<typeof api>, tools: string[]): Promise<string> {
  expect((await call('/api/v1/agents', { name: 'lead', instruction: 'Lead.', model: 'claude-lead' })).status).toBe(201)
  expect((await call('/api/v1/agents', { name: 'worker', instruction: 'Work.', model: 'gpt-worker', tools })).status).toBe(201)
  const created = await call('/api/v1/swarms', { name: 'team', coordinator: 'lead', workers: ['worker'] })
  expect(created.status).toBe(201)
  return created.body.data.id
}

/** Polls a run until it leaves running/paused (every 10 ms); each poll is a timed request to the server. */
async function settled(call: ReturnType<typeof api>, swarmId: string, runId: string, onPoll?: (run: any, poll: Call) => void) {
  for (;;) {
    const poll = await call(`/api/v1/swarms/${swarmId}/runs/${runId}`)
    onPoll?.(poll.body.data, poll)
    if (!['running', 'paused'].includes(poll.body.data.status)) return poll.body.data
    await Bun.sleep(10)
  }
}

const toolOutputs = (run: any) => run.steps.filter((s: any) => s.kind === 'tool').map((s: any) => [s.status, s.output.text ?? s.output.error])

describe('http_request through the binary', () => {
  test('an agent cannot drive chasm itself: every spelling of this server is refused, and a workspace of / is a 400', async () => {
    using dir = tempDir()
    let base = ''
    const port = () => new URL(base).port
    const hostile = JSON.stringify({ name: 'pwned', coordinator: 'lead', workers: ['worker'] })
    using fake = startFakeModels(
      oneWorkerScript(() =>
        [base, `http://localhost:${port()}`, `http://[::1]:${port()}`, `http://2130706433:${port()}`, `http://0x7f.1:${port()}`, `http://[::ffff:127.0.0.1]:${port()}`, `http://0:${port()}`].map(
          (origin, i) => ({ id: `c${i}`, name: 'http_request', arguments: { url: `${origin}/api/v1/swarms`, method: 'POST', headers: { 'content-type': 'application/json' }, body: hostile } }),
        ),
      ),
    )
    await using server = await serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--no-harvest', '--allow-http-tool'], { ...fake.env(), HOME: dir.path })
    base = server.url
    const call = api(server)
    const swarmId = await team(call, ['http_request'])
    const started = await call(`/api/v1/swarms/${swarmId}/start`, { prompt: 'Create a swarm with workspace / and run it' })
    const run = await settled(call, swarmId, started.body.data.runId)
    expect(run.status).toBe('completed')
    const outputs = toolOutputs(run)
    expect(outputs.length).toBe(7)
    for (const [status, text] of outputs) {
      expect(status).toBe('failed')
      expect(text).toMatch(/^refused: .* is (a loopback (address|name)|an unspecified \("this network"\) address).*; http_request reaches public addresses only$/)
    }
    expect((await call('/api/v1/swarms')).body.meta.total).toBe(1)
    // The second half of the report: the nested run started with workspace "/".
    expect(await call(`/api/v1/swarms/${swarmId}/start`, { prompt: 'x', workspace: '/' })).toMatchObject({
      status: 400,
      body: { success: false, error: { code: 'BAD_REQUEST', message: "Invalid parameter 'workspace': / is a filesystem root; give a project folder" } },
    })
  }, 60_000)
})

describe('code_search and special files through the binary', () => {
  test('a catastrophic pattern runs off the event loop: requests answer at once while it runs, and it ends at the budget', async () => {
    using dir = tempDir()
    using workspace = tempDir()
    // The report's 504-byte file, twenty times over: far past the 2 s budget on any machine.
    writeTree(workspace.path, { 'evil.txt': `${'a'.repeat(503)}b\n`.repeat(20) })
    using fake = startFakeModels(oneWorkerScript(() => [{ id: 's', name: 'code_search', arguments: { query: '^(a+)+$', regex: true } }]))
    await using server = await serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--no-harvest'], { ...fake.env(), HOME: dir.path })
    const call = api(server)
    const swarmId = await team(call, ['code_search'])
    const started = await call(`/api/v1/swarms/${swarmId}/start`, { prompt: 'search', workspace: workspace.path })
    const during: number[] = []
    const run = await settled(call, swarmId, started.body.data.runId, (current, poll) => {
      if (current.steps.some((s: any) => s.kind === 'tool' && s.status === 'running')) during.push(poll.ms)
    })
    const sorted = [...during].sort((a, b) => a - b)
    console.log(`${during.length} requests answered while the search ran: median ${sorted[sorted.length >> 1]?.toFixed(0)} ms, slowest ${sorted.at(-1)?.toFixed(0)} ms`)
    expect(toolOutputs(run)).toEqual([['failed', 'search timed out after 2 s; search a smaller folder or use a simpler pattern']])
    // On the event loop the pattern would hold every request until it gave up (the report: 5.6 s for one line).
    expect(during.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...during)).toBeLessThan(1_000)
  }, 60_000)

  test.skipIf(skipReason('fifo'))('a FIFO in the workspace hangs neither a run nor SIGTERM, even with a search running', async () => {
    using dir = tempDir()
    using workspace = tempDir()
    writeTree(workspace.path, { 'notes.txt': 'hello from notes', 'evil.txt': `${'a'.repeat(503)}b\n`.repeat(20) })
    mkfifo(join(workspace.path, 'pipe'))
    let round = 0
    using fake = startFakeModels(
      oneWorkerScript(() =>
        round++ === 0
          ? [
              { id: 'a', name: 'code_search', arguments: { query: 'hello' } },
              { id: 'b', name: 'file_read', arguments: { path: 'pipe' } },
              { id: 'c', name: 'file_write', arguments: { path: 'pipe', content: 'x' } },
              { id: 'd', name: 'code_search', arguments: { query: 'x', path: 'pipe' } },
            ]
          : [{ id: 'e', name: 'code_search', arguments: { query: '^(a+)+$', regex: true } }],
      ),
    )
    const server = await serveBinary(binary, ['--db', join(dir.path, 'chasm.db'), '--no-harvest'], { ...fake.env(), HOME: dir.path })
    await using _server = server
    const call = api(server)
    const swarmId = await team(call, ['code_search', 'file_read', 'file_write'])
    const first = await call(`/api/v1/swarms/${swarmId}/start`, { prompt: 'look around', workspace: workspace.path })
    const run = await settled(call, swarmId, first.body.data.runId)
    expect([run.status, toolOutputs(run)]).toEqual([
      'completed',
      [
        ['completed', 'notes.txt:1: hello from notes'],
        ['failed', "'pipe' is a FIFO; only regular files and folders are opened"],
        ['failed', "'pipe' is a FIFO; only regular files and folders are opened"],
        ['completed', "'pipe' is a FIFO; only regular files and folders are searched"],
      ],
    ])
    // A second run, caught by SIGTERM in the middle of a catastrophic search.
    const second = await call(`/api/v1/swarms/${swarmId}/start`, { prompt: 'search hard', workspace: workspace.path })
    for (;;) {
      const current = (await call(`/api/v1/swarms/${swarmId}/runs/${second.body.data.runId}`)).body.data
      if (current.steps.some((s: any) => s.kind === 'tool' && s.status === 'running')) break
      await Bun.sleep(10)
    }
    const signalled = performance.now()
    server.proc.kill('SIGTERM')
    const exit = await Promise.race([server.proc.exited, Bun.sleep(15_000).then(() => 'hung')])
    console.log(`exit after SIGTERM mid-search: ${exit} in ${(performance.now() - signalled).toFixed(0)} ms`)
    expect(exit).toBe(0)
  }, 60_000)
})

/** How to run the server as an ordinary user: directly, or (as root) through setpriv as nobody; null when neither works. */
function unprivileged(): string[] | null {
  if (process.platform !== 'linux') return null
  if (process.getuid?.() !== 0) return []
  return Bun.which('setpriv') ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : null
}
const asUser = unprivileged()
const noUser = asUser === null
if (noUser) console.log('skipped: reading /proc/<pid>/environ is only refused to ordinary users on Linux (needs non-root, or root with setpriv)')

describe('terminal through the binary', () => {
  test.skipIf(noUser)('commands see no secret: not in their environment, not in /proc of the server, not in the run steps', async () => {
    using dir = tempDir()
    using workspace = tempDir()
    // The server runs as an ordinary user here (nobody when the tests run as root): give it its folders.
    chmodSync(dir.path, 0o777)
    chmodSync(workspace.path, 0o777)
    const secrets = { OPENAI_API_KEY: 'sk-test-openai-secret-1', CHASM_API_TOKEN: 'chasm-token-secret-2', AWS_SECRET_ACCESS_KEY: 'aws-secret-3', GITHUB_TOKEN: 'ghp_secret_4' }
    const command = [
      'echo "vars: $(env | cut -d= -f1 | grep -v -e ^PWD$ -e ^SHLVL$ -e ^_$ | sort | tr "\\n" " ")"',
      'cat /proc/$PPID/environ > /dev/null 2>&1 && echo "environ: readable" || echo "environ: refused"',
      'tr "\\0" " " < /proc/$PPID/cmdline; echo',
      'tr "\\0" "\\n" < /proc/$PPID/environ | grep -c secret || true',
    ].join('; ')
    using fake = startFakeModels(oneWorkerScript(() => [{ id: 't', name: 'terminal', arguments: { command } }]))
    const env = { ...fake.env(), ...secrets, HOME: dir.path }
    const server = await serveBinaryAs(asUser!, ['--db', join(dir.path, 'chasm.db'), '--no-harvest', '--allow-terminal'], env, dir.path)
    await using _server = server
    const call = api(server, secrets.CHASM_API_TOKEN)
    const swarmId = await team(call, ['terminal'])
    const started = await call(`/api/v1/swarms/${swarmId}/start`, { prompt: 'look', workspace: workspace.path })
    const run = await settled(call, swarmId, started.body.data.runId)
    const [[status, text]] = toolOutputs(run)
    const lines = text.split('\n')
    expect([status, lines[2], lines[3]]).toEqual(['completed', 'vars: HOME PATH ', 'environ: refused'])
    expect(lines[4]).toMatch(/chasm api serve --port 0 --db \S+ --no-harvest --allow-terminal/)
    const everything = JSON.stringify(run)
    for (const value of Object.values(secrets)) expect(everything).not.toContain(value)
    expect(readdirSync(workspace.path)).toEqual([])
  }, 60_000)
})

/** `serveBinary`, started through `prefix` (e.g. setpriv) by a wrapper script that execs into the server. */
function serveBinaryAs(prefix: string[], args: string[], env: Record<string, string>, dir: string): Promise<ServedBinary> {
  if (prefix.length === 0) return serveBinary(binary, args, env)
  const wrapper = join(dir, 'chasm-as-user')
  writeFileSync(wrapper, `#!/bin/sh\nexec ${[...prefix, binary].join(' ')} "$@"\n`, { mode: 0o755 })
  return serveBinary(wrapper, args, env)
}
