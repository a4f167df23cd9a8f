import { Type } from '@sinclair/typebox'
import { defineTool, ToolError } from './tool'

/** Output kept per stream; the rest is drained and counted so the process never blocks on a full pipe. */
export const TERMINAL_OUTPUT_LIMIT = 64 * 1024
/** Seconds a command may run unless the model asks for more (up to the maximum). */
export const TERMINAL_DEFAULT_TIMEOUT_S = 30
export const TERMINAL_MAX_TIMEOUT_S = 300

/** Runs a shell command in the workspace; refused unless the server was started with `--allow-terminal`. */
export const terminal = defineTool({
  name: 'terminal',
  description: `Run a shell command in the workspace directory and return its exit code and output (timeout ${TERMINAL_DEFAULT_TIMEOUT_S} s by default).`,
  parameters: Type.Object({
    command: Type.String({ minLength: 1, maxLength: 100_000 }),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: TERMINAL_MAX_TIMEOUT_S })),
  }),
  async run({ command, timeoutSeconds = TERMINAL_DEFAULT_TIMEOUT_S }, { workspace, signal, allowTerminal, env }) {
    if (!allowTerminal) throw new ToolError('the terminal tool is disabled on this server (start it with --allow-terminal)')
    const shell = process.platform === 'win32' ? ['cmd.exe', '/d', '/s', '/c', command] : ['/bin/sh', '-c', command]
    const child = Bun.spawn(shell, {
      cwd: workspace,
      env,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      // Its own process group, so a timeout or stop kills the command's children too.
      detached: process.platform !== 'win32',
    })
    let killedFor: 'timeout' | 'stop' | null = null
    const kill = (reason: 'timeout' | 'stop') => {
      killedFor ??= reason
      try {
        if (process.platform === 'win32') child.kill()
        else process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => kill('timeout'), timeoutSeconds * 1000)
    const onAbort = () => kill('stop')
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const [stdout, stderr, exitCode] = await Promise.all([capped(child.stdout), capped(child.stderr), child.exited])
      signal.throwIfAborted()
      const status = child.signalCode ? `${exitCode} (${child.signalCode})` : `${exitCode}`
      const report = [`exit code: ${status}`, section('stdout', stdout), section('stderr', stderr)].filter(Boolean).join('\n')
      if (killedFor === 'timeout') throw new ToolError(`command timed out after ${timeoutSeconds} s and was killed\n${report}`)
      return report
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    }
  },
})

const section = (name: string, text: string) => (text === '' ? '' : `--- ${name} ---\n${text}`)

async function capped(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  let dropped = 0
  for await (const chunk of stream) {
    if (text.length < TERMINAL_OUTPUT_LIMIT) text += decoder.decode(chunk, { stream: true })
    else dropped += chunk.byteLength
  }
  text += decoder.decode()
  if (text.length > TERMINAL_OUTPUT_LIMIT) {
    dropped += Buffer.byteLength(text.slice(TERMINAL_OUTPUT_LIMIT))
    text = text.slice(0, TERMINAL_OUTPUT_LIMIT)
  }
  return dropped > 0 ? `${text}\n… [${dropped} more bytes cut]` : text
}
