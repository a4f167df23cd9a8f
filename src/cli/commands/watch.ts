import { Command, Option, UsageError } from 'clipanion'
import { access, constants } from 'node:fs/promises'
import { basename } from 'node:path'
import { createHarvestScheduler, PROVIDERS, type LiveMessage } from '../../harvest'
import { streamLogger } from '../../shared/log'
import { ChasmError } from '../../shared/errors'
import { ReportCommand } from '../base-command'
import { truncate } from '../output'
import { waitForShutdown } from '../signals'

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
      database as a harvest stores them. --json prints one JSON object per line (JSON Lines), including
      \`message_update\` lines when an assistant completes a message already printed. Ctrl-C stops.
    `,
    examples: [
      ['Follow every assistant', '$0 watch'],
      ['Follow Claude Code and Codex as JSON Lines', '$0 watch --provider claude-code --provider codex --json'],
    ],
  })

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
        log: streamLogger((line) => stderr.write(line)),
        live: { publish: (messages) => this.show(messages) },
      })
      const caughtUp = scheduler.start().then(() => {
        const live = scheduler.state().live
        stderr.write(`watching ${live?.roots ?? 0} location(s) (${live?.mode ?? 'off'}); Ctrl-C to stop\n`)
      })
      await waitForShutdown()
      await scheduler.stop()
      await caughtUp
    })
  }

  private show(messages: LiveMessage[]): void {
    for (const { kind, provider, sessionId, workspace, message } of messages) {
      if (this.json) {
        this.print(`${JSON.stringify({ type: kind, provider, sessionId, workspace, message })}\n`)
        continue
      }
      if (kind !== 'message') continue
      const { dim, cyan, bold } = this.style
      const time = (message.timestamp ?? new Date().toISOString()).slice(11, 19)
      const tools = message.toolInvocations.map((tool) => tool.name).join(', ')
      const line = message.content.split('\n').find((text) => text.trim() !== '')?.trim() ?? (tools ? `→ ${tools}` : '')
      const place = workspace === null ? '-' : basename(workspace) || workspace
      this.print(`${dim(time)} ${cyan(provider)} ${place} ${bold(`${message.role}:`)} ${truncate(line, 160)}\n`)
    }
  }
}
