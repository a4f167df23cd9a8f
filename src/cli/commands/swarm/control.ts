import { Option } from 'clipanion'
import { Swarm, type Agency } from '../../../agency'
import { AgencyCommand } from '../../agency-command'
import { dataOutput } from '../../json-output'

/**
 * `swarm pause|resume|stop`: one change of a swarm's status, stored in the database where the process
 * running it (the server, or a foreground `swarm run`) reads it within a fraction of a second.
 */
export abstract class SwarmControlCommand extends AgencyCommand {
  static override jsonOutput = dataOutput(Swarm)

  swarm = Option.String({ name: 'swarm' })

  /** Applies the change to the swarm with this id and returns it. */
  protected abstract change(agency: Agency, swarmId: string): Swarm | Promise<Swarm>
  /** The line saying what happened, for people. */
  protected abstract done(swarm: Swarm): string

  override async execute() {
    const swarm = await this.withAgency((agency) => this.change(agency, agency.findSwarm(this.swarm).id))
    if (this.json) return this.printJson(swarm)
    this.printFitted(this.done(swarm))
  }
}
