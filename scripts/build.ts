#!/usr/bin/env bun
/**
 * Compiles chasm into one self-contained executable.
 *   bun scripts/build.ts          → dist/chasm (this machine)
 *   bun scripts/build.ts --all    → dist/chasm-<os>-<arch>[.exe] for every release target
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Every release target; the `-baseline` builds run on x64 CPUs without AVX2 (older or low-end
 * machines), which the default x64 builds require.
 */
export const TARGETS = ['linux-x64', 'linux-x64-baseline', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'windows-x64', 'windows-x64-baseline'] as const
export type Target = (typeof TARGETS)[number]

const root = join(import.meta.dir, '..')
const dist = join(root, 'dist')

/** The output file for a target (`null` = this machine). */
export const outfileFor = (target: Target | null) =>
  target === null ? join(dist, process.platform === 'win32' ? 'chasm.exe' : 'chasm') : join(dist, `chasm-${target}${target.startsWith('windows') ? '.exe' : ''}`)

/** Builds one executable; throws with the compiler's output on failure. */
export async function build(target: Target | null): Promise<string> {
  mkdirSync(dist, { recursive: true })
  const outfile = outfileFor(target)
  const args = [
    'build',
    join(root, 'src/main.ts'),
    // Worker threads are separate entry points, embedded under their path below src/.
    join(root, 'src/agency/tools/search/worker.ts'),
    '--compile',
    '--minify',
    '--bytecode',
    '--format=esm',
    '--no-compile-autoload-dotenv',
    '--no-compile-autoload-bunfig',
    ...(target ? [`--target=bun-${target}`] : []),
    '--outfile',
    outfile,
  ]
  const proc = Bun.spawnSync([process.execPath, ...args], { cwd: root, stdout: 'pipe', stderr: 'pipe' })
  if (proc.exitCode !== 0) throw new Error(`build ${target ?? 'native'} failed:\n${proc.stdout.toString()}${proc.stderr.toString()}`)
  return outfile
}

if (import.meta.main) {
  const targets: (Target | null)[] = process.argv.includes('--all') ? [...TARGETS] : [null]
  for (const target of targets) {
    const started = performance.now()
    const outfile = await build(target)
    console.log(`built ${outfile} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
}
