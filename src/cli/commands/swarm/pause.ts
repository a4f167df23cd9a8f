import { Command } from 'clipanion'
import type { Agency, Swarm } from '../../../agency'
import { SwarmControlCommand } from './control'

export class SwarmPauseCommand extends SwarmControlCommand {
  static override paths = [['swarm', 'pause']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Pause the running swarm (by name or id) at its next step boundary, whichever process runs it',
    details: `
      A model call in flight finishes and its result is kept; nothing new starts until resume or stop.
      The run may belong to the server or to a chasm swarm run in another terminal: it follows within
      a fraction of a second. Refused (exit 1, CONFLICT) unless the swarm is running.
    `,
    examples: [['Pause the dev team', '$0 swarm pause dev-team']],
  })

  protected change(agency: Agency, swarmId: string): Swarm {
    return agency.pause(swarmId)
  }

  protected done(swarm: Swarm): string {
    return `Paused swarm ${swarm.name}: it holds at its next step boundary`
  }
}
