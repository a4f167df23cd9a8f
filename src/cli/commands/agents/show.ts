import { Command, Option } from 'clipanion'
import type { Agent } from '../../../agency'
import { AgencyCommand } from '../../agency-command'

/** Writes an agent as aligned `key: value` lines followed by its instruction. */
export function printAgent(out: NodeJS.WritableStream, agent: Agent): void {
  const rows: Array<[string, string]> = [
    ['name', agent.name],
    ['id', agent.id],
    ['role', agent.role],
    ['model', `${agent.model} (${agent.provider})`],
    ['temperature', String(agent.temperature)],
    ['max tokens', agent.maxTokens === null ? '-' : String(agent.maxTokens)],
    ['tools', agent.tools.join(', ') || '-'],
    ['description', agent.description || '-'],
    ['updated', agent.updatedAt],
  ]
  for (const [key, value] of rows) out.write(`${`${key}:`.padEnd(13)}${value}\n`)
  out.write(`instruction:\n${agent.instruction.replace(/^/gm, '  ')}\n`)
}

export class AgentsShowCommand extends AgencyCommand {
  static override paths = [['agents', 'show']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Show one agent (by name or id)',
    examples: [
      ['By name', '$0 agents show code-assistant'],
      ['As JSON', '$0 agents show code-assistant --json'],
    ],
  })

  agent = Option.String({ name: 'agent' })

  override async execute() {
    const agent = await this.withAgency((agency) => agency.findAgent(this.agent))
    if (this.json) return this.printJson(agent)
    printAgent(this.context.stdout, agent)
  }
}
