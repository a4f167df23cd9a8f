import { Command, Option, UsageError } from 'clipanion'
import { existsSync } from 'node:fs'
import { ok, paged } from '../api'
import { BUSY_TIMEOUT_MS, openDatabase, type ChasmDb, type Page } from '../db'
import { providerContext, type ProviderContext } from '../harvest'
import { ChasmError } from '../shared/errors'
import { dataDir, resolveDbPath, resolveHome } from '../shared/paths'
import type { ChasmContext } from './context'
import type { JsonOutput } from './json-output'
import { waitForShutdown } from './signals'
import { fitLines, isTable, outputWidth, renderTable, styler, writeJson, writeJsonLine, type Table } from './output'

/** Options shared by every command that opens the database or looks for providers. */
export abstract class BaseCommand extends Command<ChasmContext> {
  db = Option.String('--db', { description: 'Database file (default: CHASM_DB or <data dir>/chasm.db)' })
  home = Option.String('--home', { description: 'Discovery root instead of your home (default: CHASM_HOME or ~)' })

  /** The error `execute` failed with, kept for `runCli` to render (clipanion would print it to stdout). */
  failure: unknown = undefined

  override async catch(error: unknown): Promise<void> {
    this.failure = error
  }

  protected get style() {
    return styler(this.context.isTTY)
  }

  protected get dbPath(): string {
    return resolveDbPath(this.context.runtime, this.db)
  }

  /**
   * The data directory of the database in use: the OS default for the default database; for one given
   * with --db or CHASM_DB, its own `<database>-data` folder beside it (the folder holding the file may be
   * shared, like /tmp or a project, and must not become chasm's).
   */
  protected get dataDirectory(): string {
    return this.db || this.context.runtime.env.CHASM_DB ? `${this.dbPath}-data` : dataDir(this.context.runtime)
  }

  /**
   * What a command does when the database file does not exist yet: `create` it (commands that
   * write), read an `empty` in-memory one (commands that only look around, e.g. `harvest scan`), or
   * `refuse` (commands that read history: nothing to show, and no folders or files left behind).
   */
  protected readonly missingDatabase: 'create' | 'empty' | 'refuse' = 'refuse'

  protected openDb(): ChasmDb {
    const path = this.dbPath
    if (this.missingDatabase !== 'create' && !existsSync(path)) {
      if (this.missingDatabase === 'empty') return openDatabase(':memory:')
      throw new ChasmError('NOT_FOUND', `no database at ${path}; run \`chasm harvest run\` first (or pass --db)`)
    }
    return openDatabase(path, { busyTimeoutMs: this.busyTimeoutMs() })
  }

  /** `CHASM_BUSY_TIMEOUT_MS`: how long a write waits for another process's lock (default 5 s). */
  protected busyTimeoutMs(): number {
    const text = this.context.runtime.env.CHASM_BUSY_TIMEOUT_MS
    if (text === undefined || text === '') return BUSY_TIMEOUT_MS
    const ms = Number(text)
    if (!/^\d+$/.test(text) || ms > 600_000) throw new UsageError(`Invalid CHASM_BUSY_TIMEOUT_MS: must be an integer from 0 to 600000 (got ${JSON.stringify(text)})`)
    return ms
  }

  protected providerContext(): ProviderContext {
    const { home, overridden } = resolveHome(this.context.runtime, this.home)
    return providerContext(this.context.runtime, home, overridden)
  }

  /** The width output must fit: `COLUMNS`, else the terminal's, else 80. */
  protected get width(): number {
    return outputWidth(this.context.runtime.env, this.context.columns)
  }

  /** Writes text, or a table laid out at the output's width. */
  protected print(text: string | Table): void {
    this.context.stdout.write(isTable(text) ? renderTable(text, this.width) : text)
  }

  /** Writes lines for people (what a command did, a list), each cut to the output's width. */
  protected printFitted(text: string): void {
    this.context.stdout.write(`${fitLines(text, this.width)}\n`)
  }

  /** Resolves when a long-running command should stop: SIGINT or SIGTERM, or the caller's own signal. */
  protected shutdown(): Promise<string> {
    return (this.context.shutdown ?? waitForShutdown)()
  }

  /** Runs `body` with an open database and closes it afterwards. */
  protected async withDb<T>(body: (chasm: ChasmDb) => T | Promise<T>): Promise<T> {
    const chasm = this.openDb()
    try {
      return await body(chasm)
    } finally {
      chasm.close()
    }
  }
}

/**
 * A command that prints data: tables for people, or with `--json` the API's envelope around data of the
 * schema the command declares in `jsonOutput` (docs/cli.md, "JSON output"). Errors are rendered by `runCli`.
 */
export abstract class ReportCommand extends BaseCommand {
  /** What `--json` prints; every command that prints data declares it (the CLI tests check each one). */
  static jsonOutput: JsonOutput | undefined = undefined

  json = Option.Boolean('--json', false, { description: 'Machine-readable JSON output (docs/cli.md)' })

  /** Prints `{"success": true, "data": …}`. */
  protected printJson(data: unknown): void {
    writeJson(this.context.stdout, ok(data))
  }

  /** Prints a page as `{"success": true, "data": […], "meta": {total, limit, offset}}`. */
  protected printPage(page: Page<unknown>): void {
    writeJson(this.context.stdout, paged(page))
  }

  /** Prints one line of a stream: `{"success": true, "data": …}` on one line. */
  protected printJsonLine(data: unknown): void {
    writeJsonLine(this.context.stdout, ok(data))
  }
}
