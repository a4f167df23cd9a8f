#!/usr/bin/env bun
/** Prints "N passed, N failed[, N skipped]" from a bun test JUnit report (the line CI reads). */
import { existsSync, readFileSync } from 'node:fs'

const [reportPath, status] = process.argv.slice(2)
let passed = 0
let failed = 0
let skipped = 0
if (reportPath && existsSync(reportPath)) {
  const xml = readFileSync(reportPath, 'utf8')
  for (const match of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = match[2] ?? ''
    if (/<(failure|error)\b/.test(body)) failed += 1
    else if (/<skipped\b/.test(body)) skipped += 1
    else passed += 1
  }
}
// A non-zero exit without a failed test (typecheck error, crash) still has to read as a failure.
if (status !== '0' && failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
