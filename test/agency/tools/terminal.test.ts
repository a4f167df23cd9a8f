import { describe, expect, test } from 'bun:test'
import { childEnvironment, redactor, runTool, secretValues, TOOLS } from '../../../src/agency/tools'
import { TERMINAL_OUTPUT_LIMIT } from '../../../src/agency/tools/terminal'
import { tempDir, writeTree } from '../../support/temp'
import { toolContext } from '../support/tools'

// The commands below are POSIX shell; the Windows code path (cmd.exe) is exercised by CI on Windows only through refusal.
const posix = process.platform !== 'win32'

describe('terminal', () => {
  test('is refused unless the server allows it', async () => {
    using dir = tempDir()
    expect(await runTool(TOOLS.terminal, { command: 'echo hi' }, toolContext(dir.path))).toEqual({
      ok: false,
      output: 'the terminal tool is disabled on this server (start it with --allow-terminal)',
    })
  })

  test.skipIf(!posix)('runs in the workspace and reports exit code, stdout and stderr', async () => {
    using dir = tempDir()
    writeTree(dir.path, { 'hello.txt': 'hi' })
    const ctx = toolContext(dir.path, { allowTerminal: true })
    expect([
      await runTool(TOOLS.terminal, { command: 'cat hello.txt; echo; ls' }, ctx),
      await runTool(TOOLS.terminal, { command: 'echo oops >&2; exit 3' }, ctx),
    ]).toEqual([
      { ok: true, output: 'exit code: 0\n--- stdout ---\nhi\nhello.txt\n' },
      { ok: true, output: 'exit code: 3\n--- stderr ---\noops\n' },
    ])
  })

  test.skipIf(!posix)('sees exactly the allowlisted variables: no credential, token or cloud variable', async () => {
    using dir = tempDir()
    const server = {
      PATH: process.env.PATH, HOME: '/home/me', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TERM: 'xterm', TMPDIR: '/tmp', USER: 'me', SHELL: '/bin/sh',
      OPENAI_API_KEY: 'sk-secret', ANTHROPIC_API_KEY: 'a', GEMINI_API_KEY: 'g', GOOGLE_API_KEY: 'g', CHASM_API_TOKEN: 't', AWS_SECRET_ACCESS_KEY: 'aws',
      AWS_ACCESS_KEY_ID: 'id', GITHUB_TOKEN: 'gh', NPM_TOKEN: 'npm', HARMLESS: 'yes', LD_PRELOAD: '/tmp/evil.so', NODE_OPTIONS: '--require /tmp/x.js',
    }
    const outcome = await runTool(TOOLS.terminal, { command: 'env | cut -d= -f1 | grep -v -e "^PWD$" -e "^SHLVL$" -e "^_$" | sort' }, toolContext(dir.path, { allowTerminal: true, env: childEnvironment(server) }))
    expect(outcome).toEqual({ ok: true, output: 'exit code: 0\n--- stdout ---\nHOME\nLANG\nLC_ALL\nPATH\nSHELL\nTERM\nTMPDIR\nUSER\n' })
  })

  test('the allowlist, on POSIX and on Windows (case-insensitive, plus what cmd.exe needs)', () => {
    const env = { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', COMSPEC: 'cmd.exe', TEMP: 'C:\\Temp', USERPROFILE: 'C:\\Users\\me', OPENAI_API_KEY: 'sk', GITHUB_TOKEN: 'gh', LC_CTYPE: 'C', PATH: '/usr/bin' }
    expect([childEnvironment(env, 'linux'), childEnvironment(env, 'win32')]).toEqual([
      { LC_CTYPE: 'C', PATH: '/usr/bin' },
      { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', COMSPEC: 'cmd.exe', TEMP: 'C:\\Temp', USERPROFILE: 'C:\\Users\\me', LC_CTYPE: 'C', PATH: '/usr/bin' },
    ])
  })

  test.skipIf(!posix)('a secret the command prints anyway (read from a file, say) is masked in what the model and the run see', async () => {
    using dir = tempDir()
    writeTree(dir.path, { '.env': 'OPENAI_API_KEY=sk-live-0123456789\nTOKEN=chasm-token-abcdef\n' })
    const redact = redactor(secretValues({ OPENAI_API_KEY: 'sk-live-0123456789', SHORT_TOKEN: 'abc' }, ['chasm-token-abcdef']))
    const outcome = await runTool(TOOLS.terminal, { command: 'cat .env; echo abc' }, toolContext(dir.path, { allowTerminal: true, redact }))
    expect(outcome).toEqual({ ok: true, output: 'exit code: 0\n--- stdout ---\nOPENAI_API_KEY=[redacted]\nTOKEN=[redacted]\nabc\n' })
  })

  test.skipIf(!posix)('kills a command (and its children) at the timeout', async () => {
    using dir = tempDir()
    const started = performance.now()
    const outcome = await runTool(TOOLS.terminal, { command: 'echo started; sleep 30 & wait', timeoutSeconds: 1 }, toolContext(dir.path, { allowTerminal: true }))
    expect(outcome).toEqual({ ok: false, output: 'command timed out after 1 s and was killed\nexit code: 137 (SIGKILL)\n--- stdout ---\nstarted\n' })
    expect(performance.now() - started).toBeLessThan(5000)
  })

  test.skipIf(!posix)('a stop of the run kills the command at once and is not a tool error', async () => {
    using dir = tempDir()
    const controller = new AbortController()
    const started = performance.now()
    const pending = runTool(TOOLS.terminal, { command: 'sleep 30' }, toolContext(dir.path, { allowTerminal: true, signal: controller.signal })).catch((e) => e)
    setTimeout(() => controller.abort(new Error('stopped')), 50)
    expect(((await pending) as Error).message).toBe('stopped')
    expect(performance.now() - started).toBeLessThan(5000)
  })

  test.skipIf(!posix)('caps the output it keeps', async () => {
    using dir = tempDir()
    const outcome = await runTool(TOOLS.terminal, { command: `head -c ${TERMINAL_OUTPUT_LIMIT + 1000} /dev/zero | tr '\\0' a` }, toolContext(dir.path, { allowTerminal: true }))
    expect(outcome).toEqual({ ok: true, output: `exit code: 0\n--- stdout ---\n${'a'.repeat(TERMINAL_OUTPUT_LIMIT)}\n… [1000 more bytes cut]` })
  })
})
