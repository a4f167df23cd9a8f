import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { build, outfileFor } from '../../scripts/build'

const root = join(import.meta.dir, '..', '..')

/** The compiled binary, built once per test run (rebuilt when any source is newer). */
export async function compiledBinary(): Promise<string> {
  const binary = outfileFor(null)
  if (existsSync(binary) && statSync(binary).mtimeMs > newestSource()) return binary
  return build(null)
}

function newestSource(): number {
  let newest = 0
  // One glob per pattern: Bun 1.4's Glob matches nothing for a top-level `{a/**/*,b}` alternation.
  for (const pattern of ['src/**/*', 'package.json', 'bun.lock']) {
    for (const file of new Bun.Glob(pattern).scanSync({ cwd: root })) {
      newest = Math.max(newest, statSync(join(root, file)).mtimeMs)
    }
  }
  return newest
}

/** Variables a child process needs from this one on every OS (Windows' sockets need `SystemRoot`). */
const ESSENTIAL = ['PATH', 'HOME', 'SystemRoot', 'SystemDrive', 'TEMP', 'TMP', 'USERPROFILE', 'PATHEXT', 'ComSpec']

/**
 * A clean environment for the binary: the essentials plus `extra`. Where a test isolates chasm's data
 * directory with `XDG_DATA_HOME`, Windows gets the same through `LOCALAPPDATA` (its data directory).
 */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of ESSENTIAL) if (process.env[name] !== undefined) env[name] = process.env[name]!
  if (process.platform === 'win32' && extra.XDG_DATA_HOME !== undefined) env.LOCALAPPDATA = extra.XDG_DATA_HOME
  return { ...env, ...extra }
}

/** A spawned `chasm api serve` with its URL once it printed the listening line. */
export interface ServedBinary {
  proc: Bun.Subprocess<'pipe', 'pipe', 'pipe'>
  url: string
  stdout: () => string
  stderr: () => string
  [Symbol.asyncDispose](): Promise<void>
}

/** Starts `chasm api serve --port 0 …args` (in `cwd` if given) and resolves when it listens (or rejects with its stderr). */
export async function serveBinary(binary: string, args: string[], env: Record<string, string> = {}, cwd?: string): Promise<ServedBinary> {
  const proc = Bun.spawn([binary, 'api', 'serve', '--port', '0', ...args], {
    cwd,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    env: childEnv(env),
  })
  let out = ''
  let err = ''
  const drain = async (stream: ReadableStream<Uint8Array>, append: (text: string) => void) => {
    for await (const chunk of stream) append(new TextDecoder().decode(chunk))
  }
  void drain(proc.stderr, (text) => (err += text))
  const reader = proc.stdout.getReader()
  let url: string | null = null
  while (url === null) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`server exited before listening (code ${await proc.exited}): ${err}`)
    out += new TextDecoder().decode(value)
    url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? null
  }
  reader.releaseLock()
  void drain(proc.stdout, (text) => (out += text))
  return {
    proc,
    url,
    stdout: () => out,
    stderr: () => err,
    async [Symbol.asyncDispose]() {
      if (proc.exitCode === null) proc.kill('SIGKILL')
      await proc.exited
    },
  }
}
