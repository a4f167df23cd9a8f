#!/usr/bin/env bun
/**
 * Builds every release target and packs each into an archive named from the release tag, beside a
 * SHA256SUMS file:
 *   bun scripts/release.ts [--tag v1.2.3]   (default: v<package.json version>)
 *   → dist/release/chasm-<tag>-<target>.tar.gz (.zip for Windows) + dist/release/SHA256SUMS
 * The tag must name package.json's version, so a binary's `--version` matches its archive.
 */
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import pkg from '../package.json'
import { build, TARGETS, type Target } from './build'

/** The archive of one target for a tag: `chasm-v1.2.3-linux-x64.tar.gz`, `.zip` for Windows. */
export const archiveName = (tag: string, target: Target): string =>
  `chasm-${tag}-${target}${target.startsWith('windows') ? '.zip' : '.tar.gz'}`

if (import.meta.main) {
  const { values } = parseArgs({ options: { tag: { type: 'string', default: `v${pkg.version}` } } })
  const tag = values.tag!
  if (tag !== `v${pkg.version}`) throw new Error(`tag ${tag} does not name package.json's version ${pkg.version}: bump the version or fix the tag`)
  const root = join(import.meta.dir, '..')
  const out = join(root, 'dist', 'release')
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })

  const sums: string[] = []
  for (const target of TARGETS) {
    const binary = await build(target)
    const windows = target.startsWith('windows')
    const archive = join(out, archiveName(tag, target))
    const stage = join(out, basename(archive).replace(/\.(zip|tar\.gz)$/, ''))
    mkdirSync(stage)
    copyFileSync(binary, join(stage, windows ? 'chasm.exe' : 'chasm'))
    copyFileSync(join(root, 'README.md'), join(stage, 'README.md'))
    const command = windows ? ['zip', '-qr', archive, basename(stage)] : ['tar', '-czf', archive, basename(stage)]
    const proc = Bun.spawnSync(command, { cwd: out, stderr: 'pipe' })
    if (proc.exitCode !== 0) throw new Error(`${command[0]} failed: ${proc.stderr.toString()}`)
    rmSync(stage, { recursive: true })
    sums.push(`${createHash('sha256').update(readFileSync(archive)).digest('hex')}  ${basename(archive)}`)
    console.log(`packed ${basename(archive)}`)
  }
  await Bun.write(join(out, 'SHA256SUMS'), `${sums.join('\n')}\n`)
  console.log(`wrote ${join(out, 'SHA256SUMS')}`)
}
