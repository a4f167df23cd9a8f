import { Command } from 'clipanion'
import type { Agency, Swarm } from '../../../agency'
import { SwarmControlCommand } from './control'

export class SwarmStopCommand extends SwarmControlCommand {
  static override paths = [['swarm', 'stop']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Stop the running or paused swarm (by name or id), aborting in-flight calls, whichever process runs it',
    details: `
      The run is marked stopped at once; the process running it aborts its model and tool calls within
      a fraction of a second. Refused (exit 1, CONFLICT) unless the swarm is running or paused.
    `,
    examples: [['Stop the dev team', '$0 swarm stop dev-team']],
  })

  protected change(agency: Agency, swarmId: string): Promise<Swarm> {
    return agency.stop(swarmId)
  }

  protected done(swarm: Swarm): string {
    return `Stopped swarm ${swarm.name}`
  }
}
