import { beforeAll, describe, expect, test } from 'bun:test'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { compiledBinary } from '../support/binary'
import { CLAUDE_SESSION, CLAUDE_TRANSCRIPT, claudeUser } from '../support/claude-code'
import { runChasm } from '../support/cli'
import { fixtureTree, tempDir, tempHome } from '../support/temp'
import { until } from '../support/wait'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 120_000)

const CODEX_FILE = '.codex/sessions/2026/02/10/rollout-2026-02-10T14-02-11-01952f3a-7b6c-7d8e-9f01-23456789abcd.jsonl'

const userLine = (uuid: string, text: string) => claudeUser(CLAUDE_SESSION, uuid, text, { timestamp: '2026-03-01T10:20:30.000Z' })

/** `chasm watch …args` as a process, with what it printed so far. */
function watch(args: string[]) {
  const proc = Bun.spawn([binary, 'watch', ...args], { stdout: 'pipe', stderr: 'pipe', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } })
  const out = { stdout: '', stderr: '' }
  const drain = async (stream: ReadableStream<Uint8Array>, key: 'stdout' | 'stderr') => {
    for await (const chunk of stream) out[key] += new TextDecoder().decode(chunk)
  }
  void drain(proc.stdout, 'stdout')
  void drain(proc.stderr, 'stderr')
  return { proc, out, [Symbol.dispose]: () => proc.exitCode === null && proc.kill('SIGKILL') }
}

describe('chasm watch (issue 12)', () => {
  test('prints each new message as it arrives, provider · workspace · role · first line; Ctrl-C exits 0', async () => {
    using dir = tempDir()
    using home = tempHome({ ...fixtureTree('claude-code'), ...fixtureTree('codex') })
    using watcher = watch(['--db', join(dir.path, 'chasm.db'), '--home', home.path])
    await until(() => watcher.out.stderr.includes('watching'), 'the catch-up harvest and watching')
    // What was there before is not news.
    expect(watcher.out.stdout).toBe('')
    appendFileSync(join(home.path, CLAUDE_TRANSCRIPT), userLine('w-1', 'first line of the prompt\nsecond line'))
    await until(() => watcher.out.stdout.includes('first line'), 'the new message')
    expect(watcher.out.stdout).toBe('10:20:30 claude-code todo-api user: first line of the prompt\n')
    watcher.proc.kill('SIGINT')
    expect(await watcher.proc.exited).toBe(0)
  }, 30_000)

  test('--json prints one envelope per line (JSON Lines); --provider leaves the others out; SIGTERM exits 0', async () => {
    using dir = tempDir()
    using home = tempHome({ ...fixtureTree('claude-code'), ...fixtureTree('codex') })
    using watcher = watch(['--db', join(dir.path, 'chasm.db'), '--home', home.path, '--json', '--provider', 'claude-code'])
    // With --json nothing is said on stderr when watching starts (a prompt before that is caught up
    // quietly), so prompts are appended until one is printed; a Codex line goes in with each.
    let prompts = 0
    await until(() => {
      if (watcher.out.stdout.endsWith('\n')) return true
      appendFileSync(
        join(home.path, CODEX_FILE),
        `${JSON.stringify({ timestamp: '2026-03-01T10:00:00.000Z', type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'not watched' }] } })}\n`,
      )
      appendFileSync(join(home.path, CLAUDE_TRANSCRIPT), userLine(`w-${++prompts}`, 'watched'))
      return false
    }, 'a Claude Code message printed', { pollMs: 250 })
    expect(watcher.out.stderr).toBe('')
    const lines = watcher.out.stdout.trimEnd().split('\n').map((line) => JSON.parse(line))
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) {
      expect(line).toEqual({
        success: true,
        data: {
          kind: 'message',
          provider: 'claude-code',
          sessionId: CLAUDE_SESSION,
          workspace: '/home/dev/projects/todo-api',
          message: expect.objectContaining({ id: expect.stringMatching(/^w-\d+$/), role: 'user', content: 'watched', timestamp: '2026-03-01T10:20:30.000Z' }),
        },
      })
    }
    watcher.proc.kill('SIGTERM')
    expect(await watcher.proc.exited).toBe(0)
  }, 30_000)

  test('an unknown provider is a usage error', async () => {
    using dir = tempDir()
    const { code, stderr } = await runChasm(['watch', '--db', join(dir.path, 'chasm.db'), '--provider', 'nope'])
    expect({ code, stderr }).toEqual({ code: 2, stderr: expect.stringContaining('unknown provider nope') })
  })
})
