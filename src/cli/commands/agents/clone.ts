import { Command, Option } from 'clipanion'
import { Agent, AgentClone } from '../../../agency'
import { AgencyCommand } from '../../agency-command'
import { bodyFromOptions } from '../../body'
import { dataOutput } from '../../json-output'
import { agentText } from './show'

export class AgentsCloneCommand extends AgencyCommand {
  static override paths = [['agents', 'clone']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Copy an agent (by name or id), as --name or <name>-copy, <name>-copy-2, …',
    examples: [
      ['A copy to experiment with', '$0 agents clone code-assistant'],
      ['A copy with its own name', '$0 agents clone code-assistant --name code-assistant-fast'],
    ],
  })
  static override jsonOutput = dataOutput(Agent)

  agent = Option.String({ name: 'agent' })
  name = Option.String('--name', { description: 'Name of the copy (default: <name>-copy, then -copy-2, …)' })

  override async execute() {
    const body = bodyFromOptions(AgentClone, { name: this.name }, { name: '--name' })
    const agent = await this.withAgency((agency) => agency.cloneAgent(agency.findAgent(this.agent).id, body))
    if (this.json) return this.printJson(agent)
    this.printFitted(`Created agent ${this.style.bold(agent.name)} (${agent.id})`)
    this.print(agentText(agent, this.width))
  }
}
