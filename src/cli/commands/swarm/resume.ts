import { Command } from 'clipanion'
import type { Agency, Swarm } from '../../../agency'
import { SwarmControlCommand } from './control'

export class SwarmResumeCommand extends SwarmControlCommand {
  static override paths = [['swarm', 'resume']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Resume the paused swarm (by name or id) where it stopped, whichever process runs it',
    details: `
      Refused (exit 1, CONFLICT) unless the swarm is paused.
    `,
    examples: [['Resume the dev team', '$0 swarm resume dev-team']],
  })

  protected change(agency: Agency, swarmId: string): Swarm {
    return agency.resume(swarmId)
  }

  protected done(swarm: Swarm): string {
    return `Resumed swarm ${swarm.name}`
  }
}
