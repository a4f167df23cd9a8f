import { createAgency, type Agency, type AgencyDeps } from '../agency'
import { createRecorder } from '../recording'
import { ReportCommand } from './base-command'

/** A command working on agents and swarms: opens the database and an agency on it. */
export abstract class AgencyCommand extends ReportCommand {
  /**
   * Runs `body` with an agency over an open database; live runs are closed before the database. A run
   * is recorded as a session (`origin: "agency"`) as it goes, as the server records the runs it starts.
   */
  protected async withAgency<T>(body: (agency: Agency) => T | Promise<T>, options: Partial<AgencyDeps> = {}): Promise<T> {
    return this.withDb(async (chasm) => {
      const recorder = createRecorder(chasm)
      const agency = createAgency({
        sqlite: chasm.sqlite,
        env: this.context.runtime.env,
        dataDir: this.dataDirectory,
        recorder: { record: (events) => recorder.submit({ events }, { origin: 'agency' }) },
        ...options,
      })
      try {
        // A run left live by a killed chasm process would keep its swarm "running" forever otherwise.
        await agency.recoverInterruptedRuns()
        return await body(agency)
      } finally {
        await agency.close()
        recorder.flush()
      }
    })
  }
}
