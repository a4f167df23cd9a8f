import { Command, Option } from 'clipanion'
import { Agent } from '../../../agency'
import { AgencyCommand } from '../../agency-command'
import { dataOutput } from '../../json-output'
import { keyValues } from '../../output'

/** An agent as aligned `key: value` lines fitting `width`, followed by its instruction (whole, indented). */
export function agentText(agent: Agent, width: number): string {
  const fields = keyValues(
    [
      ['name', agent.name],
      ['id', agent.id],
      ['role', agent.role],
      ['model', `${agent.model} (${agent.provider})`],
      ['temperature', String(agent.temperature)],
      ['max tokens', agent.maxTokens === null ? '-' : String(agent.maxTokens)],
      ['tools', agent.tools.join(', ') || '-'],
      ['description', agent.description || '-'],
      ['updated', agent.updatedAt],
    ],
    width,
  )
  return `${fields}instruction:\n${agent.instruction.replace(/^/gm, '  ')}\n`
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
  static override jsonOutput = dataOutput(Agent)

  agent = Option.String({ name: 'agent' })

  override async execute() {
    const agent = await this.withAgency((agency) => agency.findAgent(this.agent))
    if (this.json) return this.printJson(agent)
    this.print(agentText(agent, this.width))
  }
}
