#!/usr/bin/env bun
import { runCli } from './cli'
import { processEnv } from './shared/paths'

// A reader that stops early (`chasm list sessions | head -1`) closes the pipe: that is the reader's
// choice, not a failure, so the command ends quietly instead of printing a stack trace.
const endQuietlyOnClosedPipe = (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(0)
}
process.stdout.on('error', endQuietlyOnClosedPipe)
process.stderr.on('error', endQuietlyOnClosedPipe)

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  runtime: processEnv(),
  isTTY: Boolean(process.stdout.isTTY),
  columns: process.stdout.columns,
})
