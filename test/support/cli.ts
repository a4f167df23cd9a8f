import { PassThrough } from 'node:stream'
import { runCli } from '../../src/cli'

/** Runs the CLI in-process with captured output; `env` replaces the process environment. */
export async function runChasm(args: string[], env: Record<string, string | undefined> = {}, isTTY = false) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: string[] = []
  const err: string[] = []
  stdout.on('data', (chunk) => out.push(String(chunk)))
  stderr.on('data', (chunk) => err.push(String(chunk)))
  const code = await runCli(args, {
    stdin: new PassThrough(),
    stdout,
    stderr,
    runtime: { env, platform: process.platform, homedir: env.HOME ?? '/nonexistent-home' },
    isTTY,
  })
  return { code, stdout: out.join(''), stderr: err.join('') }
}
