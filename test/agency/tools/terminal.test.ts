import { describe, expect, test } from 'bun:test'
import { runTool, TOOLS, toolEnvironment } from '../../../src/agency/tools'
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

  test.skipIf(!posix)('never sees the server credentials', async () => {
    using dir = tempDir()
    const env = toolEnvironment({ PATH: process.env.PATH, OPENAI_API_KEY: 'sk-secret', ANTHROPIC_API_KEY: 'a', GEMINI_API_KEY: 'g', GOOGLE_API_KEY: 'g', CHASM_API_TOKEN: 't', HARMLESS: 'yes' })
    const outcome = await runTool(TOOLS.terminal, { command: 'echo "[$OPENAI_API_KEY$ANTHROPIC_API_KEY$GEMINI_API_KEY$GOOGLE_API_KEY$CHASM_API_TOKEN] $HARMLESS"' }, toolContext(dir.path, { allowTerminal: true, env }))
    expect(outcome).toEqual({ ok: true, output: 'exit code: 0\n--- stdout ---\n[] yes\n' })
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
