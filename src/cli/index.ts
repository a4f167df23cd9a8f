import { Builtins, Cli, Command, UsageError } from 'clipanion'
import { storageProblem } from '../db'
import type { ErrorBody } from '../api'
import { ChasmError, type ErrorCode } from '../shared/errors'
import type { RuntimeEnv } from '../shared/paths'
import { VERSION } from '../shared/version'
import { AgentsCloneCommand } from './commands/agents/clone'
import { AgentsCreateCommand } from './commands/agents/create'
import { AgentsDeleteCommand } from './commands/agents/delete'
import { AgentsListCommand } from './commands/agents/list'
import { AgentsShowCommand } from './commands/agents/show'
import { AgentsUpdateCommand } from './commands/agents/update'
import { ApiServeCommand } from './commands/api/serve'
import { ExportAllCommand } from './commands/export/all'
import { ExportSessionCommand } from './commands/export/session'
import { HarvestRunCommand } from './commands/harvest/run'
import { HarvestScanCommand } from './commands/harvest/scan'
import { HarvestStatusCommand } from './commands/harvest/status'
import { ListSessionsCommand } from './commands/list/sessions'
import { ListWorkspacesCommand } from './commands/list/workspaces'
import { McpCommand } from './commands/mcp'
import { ProvidersCommand } from './commands/providers'
import { SearchCommand } from './commands/search'
import { SecretsScanCommand } from './commands/secrets/scan'
import { ShowSessionCommand } from './commands/show/session'
import { StatsCommand } from './commands/stats'
import { SwarmCreateCommand } from './commands/swarm/create'
import { SwarmDeleteCommand } from './commands/swarm/delete'
import { SwarmListCommand } from './commands/swarm/list'
import { SwarmPauseCommand } from './commands/swarm/pause'
import { SwarmResumeCommand } from './commands/swarm/resume'
import { SwarmRunCommand } from './commands/swarm/run'
import { SwarmRunsCommand } from './commands/swarm/runs'
import { SwarmShowCommand } from './commands/swarm/show'
import { SwarmStopCommand } from './commands/swarm/stop'
import { SwarmUpdateCommand } from './commands/swarm/update'
import { UsageCommand } from './commands/usage'
import { WatchCommand } from './commands/watch'
import { BaseCommand, ReportCommand } from './base-command'
import type { ChasmContext } from './context'
import { writeJsonLine } from './output'

/** Every command class, registered in this order (it is also the order of `--help`). */
export const COMMANDS = [
  ApiServeCommand,
  McpCommand,
  HarvestScanCommand,
  HarvestRunCommand,
  HarvestStatusCommand,
  WatchCommand,
  ListWorkspacesCommand,
  ListSessionsCommand,
  ShowSessionCommand,
  SearchCommand,
  StatsCommand,
  UsageCommand,
  ProvidersCommand,
  ExportSessionCommand,
  ExportAllCommand,
  SecretsScanCommand,
  AgentsListCommand,
  AgentsCreateCommand,
  AgentsShowCommand,
  AgentsUpdateCommand,
  AgentsCloneCommand,
  AgentsDeleteCommand,
  SwarmListCommand,
  SwarmCreateCommand,
  SwarmShowCommand,
  SwarmUpdateCommand,
  SwarmDeleteCommand,
  SwarmRunCommand,
  SwarmRunsCommand,
  SwarmPauseCommand,
  SwarmResumeCommand,
  SwarmStopCommand,
]

export interface CliIo {
  stdin: NodeJS.ReadableStream
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  runtime: RuntimeEnv
  isTTY: boolean
  /** The terminal's width when stdout is one. */
  columns?: number
  /** When long-running commands stop (default: SIGINT or SIGTERM). */
  shutdown?: () => Promise<string>
}

/** Builds the CLI: `chasm <command>`; colours only when stdout is a terminal. */
export function buildCli(isTTY: boolean, commands: readonly (typeof COMMANDS)[number][] = COMMANDS): Cli<ChasmContext> {
  const cli = new Cli<ChasmContext>({ binaryLabel: 'chasm', binaryName: 'chasm', binaryVersion: VERSION, enableColors: isTTY })
  cli.register(Builtins.HelpCommand)
  cli.register(Builtins.VersionCommand)
  for (const command of commands) cli.register(command)
  return cli
}

/**
 * The commands argv can mean. Clipanion compiles every registered command into one parser on
 * first use (≈15 ms for all of them), so a command named in argv is parsed on its own; help,
 * typos and bare flags get the full set (and its suggestions).
 */
export function commandsFor(argv: readonly string[]): readonly (typeof COMMANDS)[number][] {
  const named = COMMANDS.filter((command) => command.paths?.some((path) => path.every((segment, i) => argv[i] === segment)))
  return named.length > 0 ? named : COMMANDS
}

// What each option's value is, for help: clipanion itself writes every value as `#0`.
const VALUE_NAMES: Record<string, string> = {
  '--db': 'PATH', '--home': 'DIR', '--host': 'ADDRESS', '--port': 'PORT', '--token': 'TOKEN', '--token-file': 'FILE',
  '--cors-origin': 'ORIGIN', '--allow-host': 'HOST', '--harvest-interval': 'SECONDS', '--recording-idle': 'SECONDS',
  '--workspace-root': 'DIR', '--workspace': 'ID', '--provider': 'ID', '--limit': 'N', '--offset': 'N', '--format': 'FORMAT',
  '--model': 'MODEL', '--instruction': 'TEXT', '--role': 'ROLE', '--description': 'TEXT', '--temperature': 'T',
  '--max-tokens': 'N', '--tool': 'TOOL', '--name': 'NAME', '--coordinator': 'AGENT', '--worker': 'AGENT', '--q': 'TEXT', '--prices': 'FILE', '--out': 'PATH', '--since': 'DATE',
}

const OPTION_ROW = /^ {2}(-\S+(?: [A-Z]+)?) {2,}(\S.*)$/

/** Help text with each option's value named (`--db PATH`) instead of clipanion's `#0`, option rows realigned. */
export function nameOptionValues(text: string): string {
  const lines = text
    .replace(/(--[a-z][a-z0-9-]*)((?: #\d+)+)/g, (_, option: string) => `${option} ${VALUE_NAMES[option] ?? 'VALUE'}`)
    .split('\n')
  const width = Math.max(0, ...lines.map((line) => OPTION_ROW.exec(line)?.[1]!.length ?? 0))
  return lines
    .map((line) => {
      const row = OPTION_ROW.exec(line)
      return row ? `  ${row[1]!.padEnd(width + 4)}${row[2]}` : line
    })
    .join('\n')
}

/** A stream that names option values in whatever help clipanion writes through it. */
function helpStream(stream: NodeJS.WritableStream): NodeJS.WritableStream {
  return new Proxy(stream, {
    get: (target, property, receiver) =>
      property === 'write' ? (chunk: unknown, ...rest: unknown[]) => (target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? nameOptionValues(chunk) : chunk, ...rest) : Reflect.get(target, property, receiver),
  })
}

const asksForHelp = (argv: readonly string[]) => argv.length === 0 || argv.includes('--help') || argv.includes('-h')

/** Runs argv and returns the exit code: 0 ok, 1 failure, 2 usage error. Errors are one line on stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const cli = buildCli(io.isTTY, commandsFor(argv))
  const context = { ...io, stdout: asksForHelp(argv) ? helpStream(io.stdout) : io.stdout, colorDepth: io.isTTY ? 8 : 1 } as ChasmContext
  let command: Command<ChasmContext>
  try {
    command = cli.process(argv.length === 0 ? ['--help'] : argv, context)
  } catch (error) {
    const message = describeParseError(error, argv)
    // The command is unknown, so `--json` anywhere in argv is taken as asking for JSON.
    if (argv.includes('--json')) writeJsonLine(io.stdout, errorBody('BAD_REQUEST', message))
    io.stderr.write(`chasm: ${message}\n`)
    io.stderr.write(`Run 'chasm --help' for usage.\n`)
    return 2
  }
  const code = await cli.run(command, context)
  if (!(command instanceof BaseCommand) || command.failure === undefined) return code
  return reportError(command.failure, io, command instanceof ReportCommand && command.json)
}

/**
 * Renders a failed command: one line on stderr, and with `--json` the API's error envelope on stdout.
 * Exit 2 for a usage error (code BAD_REQUEST), else 1.
 */
function reportError(error: unknown, io: CliIo, json: boolean): number {
  const usage = error instanceof UsageError
  const message = usage ? firstLine(error) : (storageProblem(error) ?? firstLine(error))
  const code: ErrorCode = usage ? 'BAD_REQUEST' : error instanceof ChasmError ? error.code : 'INTERNAL_ERROR'
  if (json) writeJsonLine(io.stdout, errorBody(code, message))
  io.stderr.write(`chasm: ${message}\n`)
  if (!usage && !(error instanceof ChasmError) && io.runtime.env.CHASM_DEBUG) io.stderr.write(`${(error as Error).stack}\n`)
  return usage ? 2 : 1
}

const errorBody = (code: ErrorCode, message: string): ErrorBody => ({ success: false, error: { code, message } })

/** Clipanion's multi-line "did you mean" list, folded into one line naming the likely commands. */
function describeParseError(error: unknown, argv: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error)
  if (!message.startsWith('Command not found')) return firstLine(error)
  const suggestions = [...message.matchAll(/^\s*\d+\.\s+chasm\s+([a-z][a-z ]*?)\s*(?:[[<]|$)/gm)].map((m) => m[1]!.trim())
  const unknown = `unknown command '${argv.join(' ')}'`
  return suggestions.length > 0 && suggestions.length <= 4 ? `${unknown}; did you mean: ${suggestions.join(', ')}?` : unknown
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/^Error: /, '')
