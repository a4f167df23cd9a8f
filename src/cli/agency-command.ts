import { createAgency, discardRecorder, type Agency, type AgencyDeps } from '../agency'
import { ReportCommand } from './base-command'

/** A command working on agents and swarms: opens the database and an agency on it. */
export abstract class AgencyCommand extends ReportCommand {
  /** Runs `body` with an agency over an open database; live runs are closed before the database. */
  protected async withAgency<T>(body: (agency: Agency) => T | Promise<T>, options: Partial<AgencyDeps> = {}): Promise<T> {
    return this.withDb(async (chasm) => {
      const agency = createAgency({
        sqlite: chasm.sqlite,
        env: this.context.runtime.env,
        dataDir: this.dataDirectory,
        recorder: discardRecorder,
        ...options,
      })
      try {
        // A run left live by a killed chasm process would keep its swarm "running" forever otherwise.
        await agency.recoverInterruptedRuns()
        return await body(agency)
      } finally {
        await agency.close()
      }
    })
  }
}
