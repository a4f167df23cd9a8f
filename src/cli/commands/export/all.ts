import { Command, Option, UsageError } from 'clipanion'
import { resolve } from 'node:path'
import { exportTree, TreeReport } from '../../../export'
import { ReportCommand } from '../../base-command'
import { dataOutput } from '../../json-output'
import { clipStart } from '../../output'

export class ExportAllCommand extends ReportCommand {
  static override paths = [['export']]
  static override jsonOutput = dataOutput(TreeReport)
  static override usage = Command.Usage({
    category: 'Export',
    description: 'Export every session as Markdown files in a folder tree, rewriting only what changed',
    details: `
      Writes <out>/<provider>/<workspace>/<yyyy-mm-dd>-<title>-<id8>.md. A session whose file is current
      is left untouched, so running it again (e.g. from cron, into a git repository) only writes what
      changed; a session whose title changed moves to its new name. Secrets are replaced with
      [REDACTED:<kind>] unless --no-redact is given.
    `,
    examples: [
      ['Everything into ~/chats', '$0 export --all --out ~/chats'],
      ['Claude Code sessions of the last month', '$0 export --all --out ~/chats --provider claude-code --since 2026-01-01'],
    ],
  })

  all = Option.Boolean('--all', false, { description: 'Export every session (with the filters below)' })
  out = Option.String('--out', { description: 'The folder to write the tree under (created if missing)' })
  provider = Option.String('--provider', { description: 'Only this provider' })
  workspace = Option.String('--workspace', { description: 'Only this workspace id' })
  since = Option.String('--since', { description: 'Only sessions updated on or after this date (YYYY-MM-DD or ISO time)' })
  redact = Option.Boolean('--redact', true, { description: 'Replace secrets with [REDACTED:<kind>] (default; --no-redact keeps them)' })
  force = Option.Boolean('--force', false, { description: 'Rewrite every file, even those that are current' })

  override async execute() {
    if (!this.all) throw new UsageError("'chasm export' needs --all (one session: chasm export session <id>)")
    if (!this.out) throw new UsageError('--out DIR is required with --all')
    const since = this.since === undefined ? undefined : Date.parse(this.since)
    if (since !== undefined && Number.isNaN(since)) throw new UsageError(`Invalid --since: expected a date like 2026-01-08 (got ${JSON.stringify(this.since)})`)
    const out = resolve(this.out)
    const started = performance.now()
    const progress = this.context.isTTY && !this.json ? (report: TreeReport) => this.context.stderr.write(`\r${report.sessions} sessions…`) : undefined
    const report = await this.withDb(({ sqlite }) =>
      exportTree(sqlite, { out, redact: this.redact, force: this.force, provider: this.provider, workspace: this.workspace, since }, progress),
    )
    if (progress) this.context.stderr.write('\r\x1b[2K')
    if (this.json) return this.printJson(report)
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    this.printFitted(
      `${report.sessions} session(s): ${report.written} written, ${report.unchanged} unchanged` +
        `${report.removed ? `, ${report.removed} old file(s) of renamed sessions removed` : ''} (${seconds} s)\n` +
        `into ${clipStart(out, this.width - 5)}`,
    )
  }
}
