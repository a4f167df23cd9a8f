#!/usr/bin/env bun
/**
 * Long fuzzing runs of test/fuzz/ (the normal suite runs a small budget). Every property gets
 * `--runs` cases; a failure prints fast-check's seed and counterexample, replayable with
 * `CHASM_FUZZ_SEED=<seed> CHASM_FUZZ_RUNS=<runs> bun test test/fuzz/<file>`.
 *   bun scripts/fuzz.ts [--runs 2000] [--seed N] [file filter, e.g. socket]
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { runs: { type: 'string', default: '2000' }, seed: { type: 'string' } },
  allowPositionals: true,
})
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer')

const root = join(import.meta.dir, '..')
const started = performance.now()
const proc = Bun.spawnSync([process.execPath, 'test', '--timeout', '3600000', ...(positionals.length > 0 ? positionals.map((p) => `test/fuzz/${p}`) : ['test/fuzz'])], {
  cwd: root,
  env: { ...process.env, CHASM_FUZZ_RUNS: String(runs), ...(values.seed ? { CHASM_FUZZ_SEED: values.seed } : {}) },
  stdout: 'inherit',
  stderr: 'inherit',
})
console.log(`fuzz: ${runs} runs per property, ${((performance.now() - started) / 1000).toFixed(0)} s, exit ${proc.exitCode}`)
process.exit(proc.exitCode ?? 1)
