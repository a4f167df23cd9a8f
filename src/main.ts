#!/usr/bin/env bun
import { runCli } from './cli'
import { processEnv } from './shared/paths'

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  runtime: processEnv(),
  isTTY: Boolean(process.stdout.isTTY),
})
