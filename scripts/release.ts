#!/usr/bin/env bun
/**
 * Builds every release target and packs each into an archive beside a SHA256SUMS file:
 *   dist/release/chasm-<version>-<target>.tar.gz (.zip for Windows) + dist/release/SHA256SUMS
 */
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import pkg from '../package.json'
import { build, TARGETS } from './build'

const root = join(import.meta.dir, '..')
const out = join(root, 'dist', 'release')
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

const sums: string[] = []
for (const target of TARGETS) {
  const binary = await build(target)
  const windows = target.startsWith('windows')
  const name = `chasm-${pkg.version}-${target}`
  const stage = join(out, name)
  mkdirSync(stage)
  copyFileSync(binary, join(stage, windows ? 'chasm.exe' : 'chasm'))
  copyFileSync(join(root, 'README.md'), join(stage, 'README.md'))
  const archive = join(out, windows ? `${name}.zip` : `${name}.tar.gz`)
  const command = windows ? ['zip', '-qr', archive, name] : ['tar', '-czf', archive, name]
  const proc = Bun.spawnSync(command, { cwd: out, stderr: 'pipe' })
  if (proc.exitCode !== 0) throw new Error(`${command[0]} failed: ${proc.stderr.toString()}`)
  rmSync(stage, { recursive: true })
  sums.push(`${createHash('sha256').update(readFileSync(archive)).digest('hex')}  ${basename(archive)}`)
  console.log(`packed ${basename(archive)}`)
}
await Bun.write(join(out, 'SHA256SUMS'), `${sums.join('\n')}\n`)
console.log(`wrote ${join(out, 'SHA256SUMS')}`)
