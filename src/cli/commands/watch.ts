import { Command, Option, UsageError } from 'clipanion'
import { access, constants } from 'node:fs/promises'
import { basename } from 'node:path'
import { createHarvestScheduler, LiveMessage, PROVIDERS } from '../../harvest'
import type { Logger } from '../../shared/log'
import { ChasmError } from '../../shared/errors'
import { ReportCommand } from '../base-command'
import { linesOutput } from '../json-output'
import { clip } from '../output'

/** Seconds between whole harvests while watching: they catch what file events missed. */
const HARVEST_INTERVAL_SECONDS = 300

export class WatchCommand extends ReportCommand {
  static override paths = [['watch']]
  static override usage = Command.Usage({
    category: 'Harvest',
    description: 'Follow every assistant as it writes: print each new message as it arrives (like tail -f)',
    details: `
      Harvests once to catch up (quietly), then watches every detected assistant's files and prints each
      message they add: time, provider, workspace, role and first line. New messages are stored in the
      database as a harvest stores them. Lines are cut to the terminal's width. --json prints JSON Lines,
      one envelope per message, including \`message_update\` lines when an assistant completes a message
      already printed. Ctrl-C stops.
    `,
    examples: [
      ['Follow every assistant', '$0 watch'],
      ['Follow Claude Code and Codex as JSON Lines', '$0 watch --provider claude-code --provider codex --json'],
    ],
  })

  static override jsonOutput = linesOutput(LiveMessage)

  protected override readonly missingDatabase = 'create' as const

  provider = Option.Array('--provider', { description: 'Only this provider (repeatable)' })

  override async execute() {
    const unknown = (this.provider ?? []).filter((id) => !PROVIDERS.some((p) => p.id === id))
    if (unknown.length > 0) throw new UsageError(`unknown provider ${unknown.join(', ')} (known: ${PROVIDERS.map((p) => p.id).join(', ')})`)
    const context = this.providerContext()
    try {
      await access(context.home, constants.R_OK | constants.X_OK)
    } catch {
      throw new ChasmError('BAD_REQUEST', `cannot read home directory ${context.home}`)
    }
    const { stderr } = this.context
    const providers = PROVIDERS.filter((provider) => !this.provider || this.provider.includes(provider.id))
    await this.withDb(async (chasm) => {
      const scheduler = createHarvestScheduler({
        chasm,
        providers,
        context,
        intervalSeconds: HARVEST_INTERVAL_SECONDS,
        log: this.quietLog(),
        live: { publish: (messages) => this.show(messages) },
      })
      const caughtUp = scheduler.start().then(() => {
        // With --json, stderr stays for errors (docs/cli.md, "JSON output").
        if (this.json) return
        const live = scheduler.state().live
        stderr.write(`${clip(`watching ${live?.roots ?? 0} location(s) (${live?.mode ?? 'off'}); Ctrl-C to stop`, this.width)}\n`)
      })
      await this.shutdown()
      await scheduler.stop()
      await caughtUp
    })
  }

  /** The catch-up and live harvests speak only of trouble, one fitted line each: stdout is for the messages. */
  private quietLog(): Logger {
    const say = (message: string) => this.context.stderr.write(`${clip(`chasm: ${message}`, this.width)}\n`)
    return { info() {}, warn: say, error: say }
  }

  private show(messages: LiveMessage[]): void {
    for (const live of messages) {
      if (this.json) {
        this.printJsonLine(live)
        continue
      }
      const { kind, provider, workspace, message } = live
      if (kind !== 'message') continue
      const { dim, cyan, bold } = this.style
      const time = (message.timestamp ?? new Date().toISOString()).slice(11, 19)
      const tools = message.toolInvocations.map((tool) => tool.name).join(', ')
      const line = message.content.split('\n').find((text) => text.trim() !== '')?.trim() ?? (tools ? `→ ${tools}` : '')
      const place = workspace === null ? '-' : basename(workspace) || workspace
      this.printFitted(`${dim(time)} ${cyan(provider)} ${place} ${bold(`${message.role}:`)} ${line}`)
    }
  }
}
