import { Command, Option } from 'clipanion'
import { RunListItem } from '../../../agency'
import { PAGE_SIZES } from '../../../db'
import { AgencyCommand } from '../../agency-command'
import { pageOutput } from '../../json-output'
import { shortTime, table } from '../../output'
import { limitOption, offsetOption } from '../../options'

export class SwarmRunsCommand extends AgencyCommand {
  static override paths = [['swarm', 'runs']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: "A swarm's runs (by name or id), newest first",
    details: `
      Every run is also a recorded session with the same id: chasm show session <run id> prints it
      step by step.
    `,
    examples: [
      ['The runs of the dev team', '$0 swarm runs dev-team'],
      ['As JSON, with results and errors', '$0 swarm runs dev-team --json'],
    ],
  })
  static override jsonOutput = pageOutput(RunListItem)

  swarm = Option.String({ name: 'swarm' })
  limit = limitOption(PAGE_SIZES.runs)
  offset = offsetOption()

  override async execute() {
    const page = await this.withAgency((agency) =>
      agency.listRuns(agency.findSwarm(this.swarm).id, { limit: Number(this.limit), offset: Number(this.offset) }),
    )
    if (this.json) return this.printPage(page)
    this.print(
      table(
        [{ header: 'ID', cut: false }, 'STATUS', { header: 'STARTED', cut: false, drop: 2 }, { header: 'ENDED', cut: false, drop: 3 }, { header: 'PROMPT', min: 12, drop: 0 }],
        page.items.map((r) => [r.id, r.status, shortTime(r.startedAt), shortTime(r.endedAt), r.prompt]),
      ),
    )
    this.print(this.style.dim(`${page.items.length} of ${page.meta.total} run(s)\n`))
  }
}
