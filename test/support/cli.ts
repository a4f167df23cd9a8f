import { PassThrough } from 'node:stream'
import { runCli } from '../../src/cli'

/** What a long-running command has printed so far. */
export interface Printed {
  stdout(): string
  stderr(): string
}

/**
 * Runs the CLI in-process with captured output; `env` replaces the process environment. A
 * long-running command (`watch`, a server) runs until `whileRunning` resolves, then gets its shutdown
 * signal as if from Ctrl-C; one that ends by itself first ends the run.
 */
export async function runChasm(
  args: string[],
  env: Record<string, string | undefined> = {},
  isTTY = false,
  whileRunning?: (printed: Printed) => Promise<void>,
) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: string[] = []
  const err: string[] = []
  stdout.on('data', (chunk) => out.push(String(chunk)))
  stderr.on('data', (chunk) => err.push(String(chunk)))
  const { promise: stopped, resolve: stop } = Promise.withResolvers<string>()
  const running = runCli(args, {
    stdin: new PassThrough(),
    stdout,
    stderr,
    runtime: { env, platform: process.platform, homedir: env.HOME ?? '/nonexistent-home' },
    isTTY,
    shutdown: () => stopped,
  })
  try {
    if (whileRunning) await Promise.race([whileRunning({ stdout: () => out.join(''), stderr: () => err.join('') }), running])
  } finally {
    // Also when `whileRunning` failed: the command stops instead of running on in this process.
    stop('SIGINT')
  }
  const code = await running
  return { code, stdout: out.join(''), stderr: err.join('') }
}
