#!/usr/bin/env bun
/** Runs every benchmark script in turn (each prints its own figures). */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const helpers = new Set(['index.ts', 'corpus.ts', 'stats.ts', 'harvest-home.ts', 'search-corpus.ts'])
for (const file of readdirSync(import.meta.dir).filter((f) => f.endsWith('.ts') && !helpers.has(f) && !f.startsWith('gen-')).sort()) {
  console.log(`\n=== ${file}`)
  const proc = Bun.spawnSync([process.execPath, join(import.meta.dir, file)], { stdout: 'inherit', stderr: 'inherit' })
  if (proc.exitCode !== 0) console.log(`${file} exited with ${proc.exitCode}`)
}
