import { Command, Option } from 'clipanion'
import { createHarvestScheduler, PROVIDERS } from '../../harvest'
import { streamLogger } from '../../shared/log'
import { VERSION } from '../../shared/version'
import { BaseCommand } from '../base-command'

export class McpCommand extends BaseCommand {
  static override paths = [['mcp']]
  static override usage = Command.Usage({
    category: 'Server',
    description: 'Serve the chat history to AI assistants over MCP (stdio): search, read and list conversations',
    details: `
      Speaks the Model Context Protocol on stdin/stdout for Claude Code, Cursor, VS Code, Codex, Gemini CLI
      and other MCP clients; logs go to stderr. Five read-only tools (search_sessions, get_session,
      list_sessions, list_workspaces, get_stats) and the resource chasm://session/{id}. Secrets are always
      redacted. An incremental harvest runs in the background at start (--no-harvest to skip it), so new
      conversations become searchable without running anything else. The same server is at /mcp on
      'chasm api serve'.
    `,
    examples: [
      ['Add it to Claude Code', 'claude mcp add chasm -- chasm mcp'],
      ['Serve another database, without harvesting', '$0 mcp --db ./backup.db --no-harvest'],
    ],
  })

  harvest = Option.Boolean('--harvest', true, { description: 'Harvest in the background at start (--no-harvest skips it)' })

  // An MCP client may start chasm before anything was harvested: it creates the database and fills it.
  protected override readonly missingDatabase = 'create' as const

  override async execute(): Promise<number> {
    const { stdin, stdout, stderr } = this.context
    const log = streamLogger((line) => stderr.write(line))
    // Loaded here so other commands never pay for the MCP SDK at startup.
    const { serveStdio } = await import('../../mcp')
    const stop = new AbortController()
    const interrupt = () => stop.abort()
    process.once('SIGINT', interrupt)
    process.once('SIGTERM', interrupt)
    try {
      await this.withDb(async (chasm) => {
        const harvest = this.harvest
          ? createHarvestScheduler({ chasm, providers: PROVIDERS, context: this.providerContext(), intervalSeconds: null, log })
          : null
        harvest?.start()
        try {
          await serveStdio({ sqlite: chasm.sqlite, dbPath: chasm.path, version: VERSION, log }, stdin, stdout, stop.signal)
        } finally {
          await harvest?.stop()
        }
      })
    } finally {
      process.off('SIGINT', interrupt)
      process.off('SIGTERM', interrupt)
    }
    return 0
  }
}
